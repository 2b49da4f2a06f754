/* fsd: serves the ext2 file system on a disk to the rest of user space
 * over channels (fs_protocol.h).
 *
 * Start: the disk arrives on the bootstrap channel (bootstrap.h, USER-003:
 * a blocking wait), fsd maps one memory object for its block I/O (the disk
 * DMAs into it: viper_block_read/write), mounts, and serves the bootstrap
 * channel as init's connection to the root directory.
 *
 * Serving: the main thread (the poller) waits in one pollset on every
 * connection and reads the request of one that becomes readable. A read
 * the cache holds it answers itself (fsd_dispatch_cached: never a wait, so
 * other connections are not held up), the connection staying in the
 * pollset; anything else is queued with the connection taken out of the
 * pollset, and one of WORKERS threads runs it (fsd_dispatch), replies, and
 * puts the connection back. So a connection is served by one thread at a
 * time, in order, while different connections run in parallel (the ext2
 * library serialises inside, ext2_internal.h). A file connection may
 * share a buffer (SHARE): fsd maps the client's VMO and keeps it, with
 * its handle, in the slot until the connection closes.
 * OPEN and CLONE make a channel pair: the client gets one end in the reply,
 * fsd keeps the other as a new connection.
 *
 * Locks (USER-001), each annotated for the compiler:
 *   g_table.lock: the connection slots (channel, what it is for, in use).
 *   g_queue.lock: the queue of connections ready to be served.
 *   The ext2 library's own lock covers the disk: the device functions are
 *   only called under it, so the one DMA buffer needs no lock of its own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <viperdos/fs_protocol.h>
#include <viperdos/viper.h>

#include "userland/servers/fsd/bootstrap.h"
#include "userland/servers/fsd/dispatch.h"
#include "userland/servers/fsd/ext2.h"
#include "userland/servers/fsd/fs_mutex.h"

#define WORKERS 4
#define CONNECTIONS_MAX 4096
#define DMA_BYTES (1u << 20) /* VIPER_BLOCK_IO_MAX: one transfer at most */
#define SIGNALS (VIPER_SIGNAL_READABLE | VIPER_SIGNAL_PEER_CLOSED)

/* ---- The disk ---- */

struct disk {
  viper_handle_t block, vmo;
  uint8_t* dma; /* the mapping of vmo */
};

static int io(struct disk* d, uint64_t offset, void* buffer, size_t bytes, int write) {
  while (bytes) {
    size_t n = bytes < DMA_BYTES ? bytes : DMA_BYTES;
    if (write) memcpy(d->dma, buffer, n);
    int64_t r = write ? viper_block_write(d->block, offset / VIPER_BLOCK_SECTOR_BYTES, d->vmo, 0, n)
                      : viper_block_read(d->block, offset / VIPER_BLOCK_SECTOR_BYTES, d->vmo, 0, n);
    if (r < 0 || (size_t)r != n) return -EIO;
    if (!write) memcpy(buffer, d->dma, n);
    buffer = (uint8_t*)buffer + n;
    offset += n;
    bytes -= n;
  }
  return 0;
}

static int disk_read(void* c, uint64_t offset, void* buffer, size_t bytes) {
  return io(c, offset, buffer, bytes, 0);
}
static int disk_write(void* c, uint64_t offset, const void* buffer, size_t bytes) {
  return io(c, offset, (void*)buffer, bytes, 1);
}
static int disk_flush(void* c) {
  struct disk* d = c;
  return viper_block_flush(d->block) < 0 ? -EIO : 0;
}

/* ---- The bootstrap, over the real channel ---- */

static int64_t boot_read(void* c, void* bytes, size_t capacity, uint64_t* handles, size_t* count) {
  viper_handle_t h[FSD_BOOT_HANDLES_MAX];
  struct viper_message m = {bytes, 0, capacity, h, 0, FSD_BOOT_HANDLES_MAX};
  int64_t r = viper_channel_read(*(viper_handle_t*)c, &m, 0);
  if (r == VIPER_ERR_WOULD_BLOCK || r == VIPER_ERR_TIMED_OUT) return FSD_BOOT_EMPTY;
  if (r == VIPER_ERR_PEER_CLOSED) return FSD_BOOT_CLOSED;
  if (r < 0) return r;
  for (size_t i = 0; i < m.handle_count; ++i) handles[i] = h[i];
  *count = m.handle_count;
  return (int64_t)m.byte_count;
}

static int64_t boot_wait(void* c) {
  int64_t r = viper_object_wait(*(viper_handle_t*)c, SIGNALS, VIPER_DEADLINE_NEVER);
  if (r < 0) return r;
  return (r & VIPER_SIGNAL_READABLE) ? 0 : FSD_BOOT_CLOSED;
}

static void boot_close(void* c, uint64_t h) {
  (void)c;
  viper_handle_close((viper_handle_t)h);
}

static void boot_report(void* c, const char* text) {
  (void)c;
  fputs(text, stderr);
}

/* ---- Connections ---- */

struct slot {
  viper_handle_t channel; /* 0: free */
  struct fsd_conn conn;
  viper_handle_t shared_vmo; /* conn.shared's object, 0 without one */
  int reading;               /* its last request was a read: the poller tries the cache */
};

static struct {
  fs_mutex lock;
  struct slot slots[CONNECTIONS_MAX] FS_GUARDED_BY(&lock);
} g_table;

/* A request the poller read and left to a worker. */
struct taken {
  size_t bytes, handle_count;
  viper_handle_t handles[VIPER_MESSAGE_HANDLES_MAX];
  uint8_t data[];
};

/* A connection for a worker: its slot, and the request the poller took
 * (0: the worker reads it, as when the read failed: the client is gone). */
struct item {
  uint32_t slot;
  struct taken* taken;
};

static struct {
  fs_mutex lock;
  pthread_cond_t ready;
  struct item items[CONNECTIONS_MAX] FS_GUARDED_BY(&lock); /* a ring */
  uint32_t head FS_GUARDED_BY(&lock), count FS_GUARDED_BY(&lock);
} g_queue;

static struct ext2_fs* g_fs;
static viper_handle_t g_pollset;
static viper_handle_t g_generations; /* the write generations' VMO (fs_protocol.h), or 0 */

static int64_t slot_add(viper_handle_t channel, const struct fsd_conn* conn) {
  fs_mutex_lock(&g_table.lock);
  int64_t found = -1;
  for (uint32_t i = 0; i < CONNECTIONS_MAX && found < 0; ++i) {
    if (!g_table.slots[i].channel) {
      g_table.slots[i] = (struct slot){channel, *conn, 0, 0};
      found = i;
    }
  }
  fs_mutex_unlock(&g_table.lock);
  if (found >= 0 && viper_pollset_add(g_pollset, channel, SIGNALS, (uint64_t)found) < 0) {
    fs_mutex_lock(&g_table.lock);
    g_table.slots[found].channel = 0;
    fs_mutex_unlock(&g_table.lock);
    found = -1;
  }
  return found;
}

static struct slot slot_get(uint32_t i) {
  fs_mutex_lock(&g_table.lock);
  struct slot s = g_table.slots[i];
  fs_mutex_unlock(&g_table.lock);
  return s;
}

static void slot_close(uint32_t i) {
  fs_mutex_lock(&g_table.lock);
  struct slot s = g_table.slots[i];
  g_table.slots[i].channel = 0;
  fs_mutex_unlock(&g_table.lock);
  viper_handle_close(s.channel);
  if (s.conn.shared) {
    viper_vm_unmap((uint64_t)(uintptr_t)s.conn.shared, s.conn.shared_bytes);
    viper_handle_close(s.shared_vmo);
  }
  fsd_conn_close(g_fs, &s.conn);
}

/* SHARE: checks the handle (fsd_share_check), maps it and keeps it for
 * connection `i`; the reply is the header and, in *attach, a read-only
 * handle to the write generations. Every handle the request brought is
 * kept or closed. */
static size_t share(uint32_t i, const struct slot* s, const uint8_t* request, size_t bytes,
                    const viper_handle_t* handles, size_t count, uint8_t* reply,
                    viper_handle_t* attach) {
  struct viper_object_info info = {0, 0, 0};
  int64_t size = 0;
  if (count == 1 && viper_object_info(handles[0], &info) == 0 && info.type == VIPER_OBJECT_VMO)
    size = viper_vmo_size(handles[0]);
  const uint32_t rw = VIPER_RIGHT_READ | VIPER_RIGHT_WRITE;
  int r = fsd_share_check(&s->conn, request, bytes, count, info.type == VIPER_OBJECT_VMO,
                          (info.rights & rw) == rw, size < 0 ? 0 : (uint64_t)size);
  const int64_t mapped =
      r < 0 ? r : viper_vmo_map(handles[0], 0, VIPER_PROT_READ | VIPER_PROT_WRITE);
  if (r == 0 && mapped < 0) r = -ENOMEM;
  if (r == 0) {
    fs_mutex_lock(&g_table.lock);
    g_table.slots[i].conn.shared = (uint8_t*)(uintptr_t)mapped;
    g_table.slots[i].conn.shared_bytes = (uint64_t)size;
    g_table.slots[i].shared_vmo = handles[0];
    fs_mutex_unlock(&g_table.lock);
  } else {
    for (size_t h = 0; h < count; ++h) viper_handle_close(handles[h]);
  }
  struct viper_fs_reply header = {r, 0, 0, 0};
  if (r == 0 && g_generations) {
    const int64_t copy =
        viper_handle_duplicate(g_generations, VIPER_RIGHT_READ | VIPER_RIGHT_TRANSFER);
    if (copy > 0) *attach = (viper_handle_t)copy; /* else no read-ahead for this client */
    header.value = VIPER_FS_GENERATION_SLOT(s->conn.ino);
  }
  memcpy(reply, &header, sizeof(header));
  return sizeof(header);
}

static uint32_t op_of(const uint8_t* request, size_t bytes) {
  uint32_t op = 0;
  if (bytes >= sizeof(struct viper_fs_request)) memcpy(&op, request, sizeof(op));
  return op;
}

static int is_share(const uint8_t* request, size_t bytes) {
  return op_of(request, bytes) == VIPER_FS_SHARE;
}

static void slot_set_reading(uint32_t i, int reading) {
  fs_mutex_lock(&g_table.lock);
  g_table.slots[i].reading = reading;
  fs_mutex_unlock(&g_table.lock);
}

static void queue_push(uint32_t slot, struct taken* taken) {
  fs_mutex_lock(&g_queue.lock);
  g_queue.items[(g_queue.head + g_queue.count++) % CONNECTIONS_MAX] = (struct item){slot, taken};
  pthread_cond_signal(&g_queue.ready);
  fs_mutex_unlock(&g_queue.lock);
}

static struct item queue_pop(void) FS_NO_ANALYSIS /* pthread_cond_wait drops the lock */ {
  fs_mutex_lock(&g_queue.lock);
  while (g_queue.count == 0) pthread_cond_wait(&g_queue.ready, &g_queue.lock.m);
  struct item slot = g_queue.items[g_queue.head];
  g_queue.head = (g_queue.head + 1) % CONNECTIONS_MAX;
  g_queue.count--;
  fs_mutex_unlock(&g_queue.lock);
  return slot;
}

/* Answers one request of connection `i` (out of the pollset meanwhile)
 * and puts the connection back. */
static void answer(uint32_t i, const struct slot* s, const uint8_t* request, size_t bytes,
                   const viper_handle_t* handles, size_t count, uint8_t* reply) {
  struct fsd_result result = {0, 0, {0, 0, 0, 0, 0}};
  viper_handle_t pair[2] = {0, 0};
  if (is_share(request, bytes)) {
    result.reply_bytes = share(i, s, request, bytes, handles, count, reply, &pair[1]);
  } else {
    for (size_t h = 0; h < count; ++h) viper_handle_close(handles[h]); /* none expected */
    fsd_dispatch(g_fs, &s->conn, request, bytes, reply, &result);
  }
  if (result.has_conn) {
    int64_t made = viper_channel_create(pair);
    if (made < 0 || slot_add(pair[0], &result.conn) < 0) {
      if (made >= 0) {
        viper_handle_close(pair[0]);
        viper_handle_close(pair[1]);
      }
      fsd_conn_close(g_fs, &result.conn);
      struct viper_fs_reply failed = {-ENFILE, 0, 0, 0};
      memcpy(reply, &failed, sizeof(failed));
      result.reply_bytes = sizeof(failed);
      result.has_conn = 0;
      pair[1] = 0;
    }
  }
  if (viper_channel_write(s->channel, reply, result.reply_bytes, &pair[1], pair[1] ? 1 : 0) < 0) {
    if (pair[1]) viper_handle_close(pair[1]); /* a connection's peer then closes itself */
  }
  const uint32_t op = op_of(request, bytes);
  const int reading = op == VIPER_FS_READ || op == VIPER_FS_READ_SHARED;
  if (reading != s->reading) slot_set_reading(i, reading);
  viper_pollset_add(g_pollset, s->channel, SIGNALS, i);
}

/* A worker's part of one request: the one the poller took, or the
 * channel's next (then its failure closes the connection). */
static void serve(struct item item, uint8_t* request, uint8_t* reply) {
  const uint32_t i = item.slot;
  struct slot s = slot_get(i);
  if (item.taken) {
    answer(i, &s, item.taken->data, item.taken->bytes, item.taken->handles,
           item.taken->handle_count, reply);
    free(item.taken);
    return;
  }
  viper_handle_t handles[VIPER_MESSAGE_HANDLES_MAX];
  struct viper_message m = {request, 0, VIPER_MESSAGE_BYTES_MAX,
                            handles, 0, VIPER_MESSAGE_HANDLES_MAX};
  int64_t r = viper_channel_read(s.channel, &m, 0);
  if (r == VIPER_ERR_WOULD_BLOCK || r == VIPER_ERR_TIMED_OUT) {
    viper_pollset_add(g_pollset, s.channel, SIGNALS, i);
    return;
  }
  if (r < 0) { /* the client is gone */
    slot_close(i);
    return;
  }
  answer(i, &s, request, m.byte_count, handles, m.handle_count, reply);
}

static void* worker(void* arg) {
  (void)arg;
  uint8_t* request = malloc(VIPER_MESSAGE_BYTES_MAX);
  uint8_t* reply = malloc(FSD_REPLY_MAX);
  if (!request || !reply) {
    fputs("fsd: no memory for a worker\n", stderr);
    return 0;
  }
  for (;;) serve(queue_pop(), request, reply);
}

/* The poller's part of connection `i` being readable. For a connection
 * whose last request was a read it reads the request; a read the cache
 * serves at once (fsd_dispatch_cached) it answers itself, the connection
 * staying in the pollset, which saves the hop to a worker and back (a
 * wakeup and a thread switch per request). Anything else goes to a worker
 * with the connection out of the pollset, so a connection is still served
 * by one thread at a time, in order; for other connections the worker
 * reads the request itself, as a request the poller read and handed over
 * cost writes twice the time (docs/fs.md). */
static void poll_one(uint32_t i, uint8_t* request, uint8_t* reply) {
  struct slot s = slot_get(i);
  if (!s.channel) return;
  if (!s.reading) { /* not a reader: the worker reads the request (measured: cheaper) */
    viper_pollset_remove(g_pollset, s.channel);
    queue_push(i, 0);
    return;
  }
  viper_handle_t handles[VIPER_MESSAGE_HANDLES_MAX];
  struct viper_message m = {request, 0, VIPER_MESSAGE_BYTES_MAX,
                            handles, 0, VIPER_MESSAGE_HANDLES_MAX};
  const int64_t r = viper_channel_read(s.channel, &m, 0);
  if (r == VIPER_ERR_WOULD_BLOCK || r == VIPER_ERR_TIMED_OUT) return;
  struct fsd_result result;
  if (r >= 0 && m.handle_count == 0 &&
      fsd_dispatch_cached(g_fs, &s.conn, request, m.byte_count, reply, &result)) {
    viper_channel_write(s.channel, reply, result.reply_bytes, 0, 0);
    return;
  }
  struct taken* taken = 0;
  if (r >= 0) {
    taken = malloc(sizeof(*taken) + m.byte_count);
    if (!taken) { /* the request is lost: say so, the connection stays */
      for (size_t h = 0; h < m.handle_count; ++h) viper_handle_close(handles[h]);
      struct viper_fs_reply failed = {-ENOMEM, 0, 0, 0};
      viper_channel_write(s.channel, &failed, sizeof(failed), 0, 0);
      return;
    }
    taken->bytes = m.byte_count;
    taken->handle_count = m.handle_count;
    memcpy(taken->handles, handles, m.handle_count * sizeof(handles[0]));
    memcpy(taken->data, request, m.byte_count);
  }
  viper_pollset_remove(g_pollset, s.channel); /* one thread at a time */
  queue_push(i, taken);
}

/* The cache's memory: a quarter of free memory (fsd is the page cache
 * here: at -m 512M a 64 MiB file fits), at most 256 MiB and never
 * more than the disk holds, mapped demand-paged (a part never used costs
 * nothing, and it is not the program's 64 MiB heap, which a larger cache
 * once exhausted: writes failed with ENOMEM). 0 when it cannot be mapped:
 * then the buffers come from the heap, at most 16 MiB of them. */
static void* cache_memory(uint64_t disk_bytes, size_t* bytes_out) {
  struct viper_system_info info;
  uint64_t bytes = 8u << 20;
  if (viper_system_info(&info) == 0) bytes = info.free_memory / 4;
  if (bytes > (256u << 20)) bytes = 256u << 20;
  if (bytes > disk_bytes) bytes = disk_bytes;
  if (bytes < (1u << 20)) bytes = 1u << 20;
  bytes &= ~(uint64_t)4095;
  const int64_t mapped = viper_vm_map(0, bytes, VIPER_PROT_READ | VIPER_PROT_WRITE);
  if (mapped < 0) {
    *bytes_out = 0;
    return 0;
  }
  *bytes_out = bytes;
  return (void*)(uintptr_t)mapped;
}

int main(void) {
  viper_handle_t bootstrap = viper_bootstrap_handle();
  if (!bootstrap) {
    fputs("fsd: no bootstrap channel\n", stderr);
    return 1;
  }
  struct fsd_bootstrap_ops boot = {&bootstrap, boot_read, boot_wait, boot_close, boot_report};
  uint64_t block = 0;
  if (fsd_bootstrap_take_disk(&boot, &block) < 0) {
    fputs("fsd: the bootstrap channel closed before a disk came\n", stderr);
    return 1;
  }
  struct disk disk = {(viper_handle_t)block, 0, 0};
  struct viper_block_info info;
  int64_t vmo = viper_vmo_create(DMA_BYTES);
  int64_t mapped =
      vmo < 0 ? vmo : viper_vmo_map((viper_handle_t)vmo, 0, VIPER_PROT_READ | VIPER_PROT_WRITE);
  if (viper_block_info(disk.block, &info) < 0 || mapped < 0) {
    fputs("fsd: the disk cannot be used (block info or DMA buffer)\n", stderr);
    return 1;
  }
  disk.vmo = (viper_handle_t)vmo;
  disk.dma = (uint8_t*)(uintptr_t)mapped;
  struct fs_blockdev dev = {&disk,
                            info.sectors * VIPER_BLOCK_SECTOR_BYTES,
                            (info.flags & VIPER_BLOCK_READ_ONLY) != 0,
                            disk_read,
                            disk_write,
                            disk_flush};
  char why[160];
  struct ext2_mount_options options = {0};
  options.cache_memory = cache_memory(dev.size_bytes, &options.cache_memory_bytes);
  if (!options.cache_memory) options.cache_blocks = (16u << 20) / 4096;
  if (ext2_mount(&dev, &options, &g_fs, why, sizeof(why)) < 0) {
    fprintf(stderr, "fsd: cannot mount the disk: %s\n", why);
    return 1;
  }
  if (why[0]) fprintf(stderr, "fsd: mounted %s\n", why);
  fs_mutex_init(&g_table.lock);
  fs_mutex_init(&g_queue.lock);
  pthread_cond_init(&g_queue.ready, 0);
  int64_t pollset = viper_pollset_create();
  struct fsd_conn root;
  if (pollset < 0 || fsd_conn_root(g_fs, &root) < 0) {
    fputs("fsd: cannot start serving\n", stderr);
    return 1;
  }
  g_pollset = (viper_handle_t)pollset;
  /* The write generations: without them clients only lose read-ahead. */
  const int64_t generations = viper_vmo_create(VIPER_FS_GENERATION_SLOTS * sizeof(uint32_t));
  const int64_t slots = generations < 0 ? generations
                                        : viper_vmo_map((viper_handle_t)generations, 0,
                                                        VIPER_PROT_READ | VIPER_PROT_WRITE);
  if (slots >= 0) {
    g_generations = (viper_handle_t)generations;
    fsd_set_generations((uint32_t*)(uintptr_t)slots);
  }
  if (slot_add(bootstrap, &root) < 0) return 1;
  for (int i = 0; i < WORKERS; ++i) {
    pthread_t t;
    if (pthread_create(&t, 0, worker, 0) != 0) {
      fputs("fsd: cannot start a worker\n", stderr);
      return 1;
    }
  }
  uint8_t* request = malloc(VIPER_MESSAGE_BYTES_MAX);
  uint8_t* reply = malloc(FSD_REPLY_MAX);
  if (!request || !reply) {
    fputs("fsd: no memory for the poller\n", stderr);
    return 1;
  }
  for (;;) {
    struct viper_poll_event events[VIPER_POLL_EVENTS_MAX];
    int64_t n = viper_pollset_wait(g_pollset, events, VIPER_POLL_EVENTS_MAX, VIPER_DEADLINE_NEVER);
    if (n < 0) {
      fprintf(stderr, "fsd: the pollset failed (%d)\n", (int)n);
      return 1;
    }
    for (int64_t e = 0; e < n; ++e) poll_one((uint32_t)events[e].key, request, reply);
  }
}
