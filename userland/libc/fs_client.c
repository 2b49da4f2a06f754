/* The client side of <viperdos/fs_protocol.h> (fs_client.h): one request
 * and one reply per exchange, the root connection, fork's clones. */
#include "userland/libc/fs_client.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <viperdos/viper.h>

#include "userland/libc/futex_mutex.h"

#define REPLY_HEADER sizeof(struct viper_fs_reply)

/* A failure of the channel itself: fsd gone (or killed under us) is EIO
 * to the program, as a disk that stopped answering would be. */
static int channel_error(int64_t error) {
  return error == VIPER_ERR_PEER_CLOSED || error == VIPER_ERR_BAD_HANDLE ? -EIO
                                                                         : -__viper_errno(error);
}

/* The exchange itself, with conn->lock held. */
static int exchange(struct fs_conn* conn, const void* message, size_t size, unsigned char* in,
                    size_t in_capacity, struct fs_exchange* x, int64_t* got) {
  if (!x->handle) {
    /* No handle in the reply: one call (the kernel's fast path). */
    *got = viper_channel_call(conn->channel, message, size, in, in_capacity, VIPER_DEADLINE_NEVER);
    return *got < 0 ? channel_error(*got) : 0;
  }
  /* call() carries bytes only; OPEN and CLONE answer with a handle. */
  const int64_t sent = viper_channel_write(conn->channel, message, size, 0, 0);
  if (sent < 0) return channel_error(sent);
  viper_handle_t handles[1] = {0};
  struct viper_message m = {in, 0, in_capacity, handles, 0, 1};
  *got = viper_channel_read(conn->channel, &m, VIPER_DEADLINE_NEVER);
  if (*got < 0) return channel_error(*got);
  *x->handle = m.handle_count == 1 ? handles[0] : 0;
  return 0;
}

int __fs_call(struct fs_conn* conn, struct viper_fs_request* request, struct fs_exchange* x,
              struct viper_fs_reply* reply) {
  if (!conn || !conn->channel) return -EIO;
  if (x->path_bytes > VIPER_FS_PATH_MAX * 2 + 1) return -ENAMETOOLONG;
  if (x->data_bytes > VIPER_FS_IO_MAX || x->capacity > VIPER_FS_IO_MAX) return -EINVAL;
  request->path_bytes = (uint32_t)x->path_bytes;
  const size_t size = sizeof(*request) + x->path_bytes + x->data_bytes;
  const size_t in_capacity = REPLY_HEADER + x->capacity;
  unsigned char* out = malloc(size + in_capacity);
  if (!out) return -ENOMEM;
  unsigned char* in = out + size;
  memcpy(out, request, sizeof(*request));
  if (x->path_bytes) memcpy(out + sizeof(*request), x->path, x->path_bytes);
  if (x->data_bytes) memcpy(out + sizeof(*request) + x->path_bytes, x->data, x->data_bytes);
  if (x->handle) *x->handle = 0;
  int64_t got = 0;
  futex_mutex_lock(&conn->lock);
  int result = exchange(conn, out, size, in, in_capacity, x, &got);
  futex_mutex_unlock(&conn->lock);
  if (result == 0 && (size_t)got < REPLY_HEADER) result = -EIO; /* not a reply */
  if (result == 0) {
    memcpy(reply, in, REPLY_HEADER);
    x->payload_bytes = (size_t)got - REPLY_HEADER;
    if (x->payload_bytes) memcpy(x->payload, in + REPLY_HEADER, x->payload_bytes);
    result = reply->status > 0 ? -EIO : reply->status;
  }
  /* A handle with a failure, or none with success, is fsd's bug: never a
   * leak or a connection that is not there. */
  if (x->handle && *x->handle && result != 0) {
    viper_handle_close(*x->handle);
    *x->handle = 0;
  }
  if (x->handle && !*x->handle && result == 0) result = -EIO;
  free(out);
  return result;
}

/* ---- The shared buffer ---- */

/* Bytes of a connection's shared buffer: as large as fsd takes, so one
 * request serves any read up to it. */
#define SHARED_BYTES VIPER_FS_SHARED_MAX

/* fsd's write generations, mapped read-only once per process (every
 * SHARE's reply brings a handle to the same object). */
static struct {
  uint32_t lock;
  uint64_t id;
  const uint32_t* slots;
} g_generations;

/* The slots `vmo` (taken) holds: the mapping, or 0. */
static const uint32_t* generations_of(viper_handle_t vmo) {
  struct viper_object_info info;
  const uint32_t* slots = 0;
  if (viper_object_info(vmo, &info) == 0 && info.type == VIPER_OBJECT_VMO &&
      viper_vmo_size(vmo) >= (int64_t)(VIPER_FS_GENERATION_SLOTS * sizeof(uint32_t))) {
    futex_mutex_lock(&g_generations.lock);
    if (!g_generations.slots || g_generations.id != info.id) {
      const int64_t mapped = viper_vmo_map(vmo, 0, VIPER_PROT_READ);
      if (mapped >= 0) {
        g_generations.slots = (const uint32_t*)(uintptr_t)mapped;
        g_generations.id = info.id;
      }
    }
    if (g_generations.id == info.id) slots = g_generations.slots;
    futex_mutex_unlock(&g_generations.lock);
  }
  viper_handle_close(vmo);
  return slots;
}

/* Shares a new buffer with fsd, with conn->lock held: 0, -ENOBUFS if fsd
 * or memory refuses (for good: then messages), or a channel error. */
static int share_locked(struct fs_conn* conn) {
  if (conn->shared) return 0;
  if (conn->shared_refused) return -ENOBUFS;
  const int64_t vmo = viper_vmo_create(SHARED_BYTES);
  const int64_t mapped =
      vmo < 0 ? vmo : viper_vmo_map((viper_handle_t)vmo, 0, VIPER_PROT_READ | VIPER_PROT_WRITE);
  if (mapped < 0) {
    if (vmo >= 0) viper_handle_close((viper_handle_t)vmo);
    conn->shared_refused = 1;
    return -ENOBUFS;
  }
  /* The handle moves to fsd; the mapping here keeps the memory. */
  viper_handle_t handle = (viper_handle_t)vmo;
  struct viper_fs_request request = {.op = VIPER_FS_SHARE};
  int64_t r = viper_channel_write(conn->channel, &request, sizeof(request), &handle, 1);
  if (r < 0) viper_handle_close(handle); /* not sent */
  struct viper_fs_reply reply;
  viper_handle_t generations[1] = {0};
  struct viper_message m = {&reply, 0, sizeof(reply), generations, 0, 1};
  if (r >= 0) r = viper_channel_read(conn->channel, &m, VIPER_DEADLINE_NEVER);
  const uint32_t* slots = r >= 0 && m.handle_count == 1 ? generations_of(generations[0]) : 0;
  if (r < 0) {
    viper_vm_unmap((uint64_t)mapped, SHARED_BYTES);
    return channel_error(r);
  }
  if (m.byte_count != sizeof(reply) || reply.status != 0) {
    viper_vm_unmap((uint64_t)mapped, SHARED_BYTES);
    conn->shared_refused = 1; /* an older fsd, or a stand-in (memfsd) */
    return -ENOBUFS;
  }
  conn->shared = (uint8_t*)(uintptr_t)mapped;
  conn->shared_bytes = SHARED_BYTES;
  conn->generation = slots ? &slots[reply.value % VIPER_FS_GENERATION_SLOTS] : 0;
  conn->ahead_bytes = 0;
  return 0;
}

/* A read served from the read-ahead, with conn->lock held: `count` bytes
 * at `offset` are all there and the node's generation is still the one
 * read before they were fetched (acquire: fsd adds with release after
 * the write, fs_protocol.h). */
static int ahead_has(const struct fs_conn* conn, uint64_t offset, size_t count) {
  return conn->generation && conn->ahead_bytes && offset >= conn->ahead_offset &&
         offset - conn->ahead_offset <= conn->ahead_bytes &&
         count <= conn->ahead_bytes - (offset - conn->ahead_offset) &&
         __atomic_load_n(conn->generation, __ATOMIC_ACQUIRE) == conn->ahead_generation;
}

int64_t __fs_shared_io(struct fs_conn* conn, uint32_t op, uint32_t flags, uint64_t offset,
                       void* buffer, size_t count, uint64_t* end_offset) {
  if (!conn || !conn->channel) return -EIO;
  if (op != VIPER_FS_READ_SHARED && op != VIPER_FS_WRITE_SHARED) return -EINVAL;
  futex_mutex_lock(&conn->lock);
  int64_t result = share_locked(conn);
  if (result == 0 && count > conn->shared_bytes) count = conn->shared_bytes;
  if (result == 0 && op == VIPER_FS_READ_SHARED && ahead_has(conn, offset, count)) {
    memcpy(buffer, conn->shared + (offset - conn->ahead_offset), count);
    conn->next_offset = offset + count;
    futex_mutex_unlock(&conn->lock);
    return (int64_t)count;
  }
  if (result == 0) {
    /* A sequential read fetches the whole buffer (with a generation to
     * check it by); a write overwrites the buffer. */
    size_t fetch = count;
    uint32_t generation = 0;
    conn->ahead_bytes = 0;
    if (op == VIPER_FS_READ_SHARED && conn->generation) {
      generation = __atomic_load_n(conn->generation, __ATOMIC_ACQUIRE); /* before the fetch */
      if (offset == conn->next_offset) fetch = conn->shared_bytes;
    }
    if (op == VIPER_FS_WRITE_SHARED) memcpy(conn->shared, buffer, count);
    struct viper_fs_request request = {.op = op, .flags = flags, .offset = offset, .count = fetch};
    struct viper_fs_reply reply;
    const int64_t got = viper_channel_call(conn->channel, &request, sizeof(request), &reply,
                                           sizeof(reply), VIPER_DEADLINE_NEVER);
    if (got < 0) {
      result = channel_error(got);
    } else if ((size_t)got != sizeof(reply) || reply.status > 0 ||
               (reply.status == 0 && reply.value > fetch)) {
      result = -EIO; /* not a reply to this */
    } else if (reply.status < 0) {
      result = reply.status;
    } else if (op == VIPER_FS_READ_SHARED) {
      const size_t got_bytes = (size_t)reply.value;
      result = (int64_t)(got_bytes < count ? got_bytes : count);
      memcpy(buffer, conn->shared, (size_t)result);
      conn->next_offset = offset + (uint64_t)result;
      if (conn->generation) {
        conn->ahead_offset = offset;
        conn->ahead_bytes = got_bytes;
        conn->ahead_generation = generation;
      }
    } else {
      result = (int64_t)reply.value;
      if (end_offset) *end_offset = reply.offset;
    }
  }
  futex_mutex_unlock(&conn->lock);
  return result;
}

void __fs_shared_drop(struct fs_conn* conn) {
  futex_mutex_lock(&conn->lock);
  if (conn->shared) viper_vm_unmap((uint64_t)(uintptr_t)conn->shared, conn->shared_bytes);
  conn->shared = 0;
  conn->shared_bytes = 0;
  conn->shared_refused = 0;
  conn->generation = 0;
  conn->ahead_bytes = 0;
  conn->next_offset = 0;
  futex_mutex_unlock(&conn->lock);
}

int __fs_clone(struct fs_conn* conn, viper_handle_t* out) {
  struct viper_fs_request request = {.op = VIPER_FS_CLONE};
  struct viper_fs_reply reply;
  struct fs_exchange x = {.handle = out};
  return __fs_call(conn, &request, &x, &reply);
}

static int64_t from_ns(int64_t ns, struct timespec* t) {
  t->tv_sec = ns / 1000000000;
  t->tv_nsec = ns % 1000000000;
  return 0;
}

int __fs_stat(struct fs_conn* conn, const char* path, int nofollow, struct stat* out) {
  struct viper_fs_request request = {.op = VIPER_FS_STAT,
                                     .flags = nofollow ? VIPER_FS_NOFOLLOW : 0};
  struct viper_fs_reply reply;
  struct viper_fs_stat s;
  struct fs_exchange x = {
      .path = path, .path_bytes = strlen(path), .payload = &s, .capacity = sizeof(s)};
  const int result = __fs_call(conn, &request, &x, &reply);
  if (result != 0) return result;
  if (x.payload_bytes != sizeof(s)) return -EIO;
  memset(out, 0, sizeof(*out));
  out->st_ino = (ino_t)s.ino;
  out->st_size = (off_t)s.size;
  out->st_blocks = (blkcnt_t)s.blocks;
  out->st_mode = (mode_t)s.mode;
  out->st_nlink = (nlink_t)s.nlink;
  out->st_uid = (uid_t)s.uid;
  out->st_gid = (gid_t)s.gid;
  out->st_blksize = (blksize_t)(s.block_size ? s.block_size : 4096);
  from_ns(s.atime_ns, &out->st_atim);
  from_ns(s.mtime_ns, &out->st_mtim);
  from_ns(s.ctime_ns, &out->st_ctim);
  return 0;
}

/* ---- The root connection ---- */

static uint32_t root_lock; /* guards root.channel's replacement */
static struct fs_conn root;

struct fs_conn* __fs_root(void) {
  futex_mutex_lock(&root_lock);
  const int has = root.channel != 0;
  futex_mutex_unlock(&root_lock);
  return has ? &root : 0;
}

void __fs_set_root(viper_handle_t channel) {
  futex_mutex_lock(&root_lock);
  /* root.lock too: no exchange is on the old channel while it closes. */
  futex_mutex_lock(&root.lock);
  const viper_handle_t old = root.channel;
  root.channel = channel;
  futex_mutex_unlock(&root.lock);
  futex_mutex_unlock(&root_lock);
  if (old) viper_handle_close(old);
}

int64_t viper_fs_set_root(viper_handle_t connection) {
  if (!connection) return VIPER_ERR_INVALID_ARGUMENT;
  struct viper_object_info info;
  const int64_t got = viper_object_info(connection, &info);
  if (got < 0) return got;
  if (info.type != VIPER_OBJECT_CHANNEL) return VIPER_ERR_INVALID_ARGUMENT;
  __fs_set_root(connection);
  return 0;
}

int __fs_open(const char* path, int flags, mode_t mode, struct fd_file** out) {
  struct fs_conn* conn = __fs_root();
  if (!conn) return -ENOENT;
  struct viper_fs_request request = {.op = VIPER_FS_OPEN,
                                     .flags = (uint32_t)flags & ~(uint32_t)O_CLOEXEC,
                                     .mode = (uint32_t)(mode & 07777 & ~__viper_umask())};
  struct viper_fs_reply reply;
  viper_handle_t node = 0;
  struct fs_exchange x = {.path = path, .path_bytes = strlen(path), .handle = &node};
  const int result = __fs_call(conn, &request, &x, &reply);
  if (result != 0) return result;
  const int is_directory = reply.value == 1;
  if ((flags & O_DIRECTORY) && !is_directory) {
    viper_handle_close(node);
    return -ENOTDIR;
  }
  *out = __fd_fs_new(node, is_directory, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK));
  return *out ? 0 : -ENOMEM;
}

/* ---- fork ---- */

struct fs_fork {
  int count;
  viper_handle_t root;
  struct {
    struct fd_file* file;
    viper_handle_t clone;
  } entries[FD_TABLE_SIZE];
};

struct fs_fork* __fs_fork_prepare(void) {
  struct fs_fork* f = calloc(1, sizeof(*f));
  if (!f) return 0;
  struct fs_conn* r = __fs_root();
  if (r && __fs_clone(r, &f->root) != 0) f->root = 0; /* the child goes without */
  for (int fd = 0; fd < FD_TABLE_SIZE; ++fd) {
    struct fd_file* file = (struct fd_file*)fd_table_get(&__viper_fds, fd, 0);
    struct fs_conn* conn = file ? __fd_fs_conn(file) : 0;
    int seen = 0;
    for (int i = 0; conn && i < f->count && !seen; ++i) seen = f->entries[i].file == file;
    viper_handle_t clone = 0;
    /* The child shares the offset (its mapping of the page stays shared). */
    if (conn && !seen) __fd_fs_share_offset(file, 0);
    if (!conn || seen || __fs_clone(conn, &clone) != 0) {
      __fd_put(file);
      continue;
    }
    f->entries[f->count].file = file; /* the reference stays until the end */
    f->entries[f->count++].clone = clone;
  }
  return f;
}

void __fs_fork_child(struct fs_fork* f) {
  if (!f) return;
  if (f->root || __fs_root()) __fs_set_root(f->root); /* 0: none (its clone failed) */
  for (int i = 0; i < f->count; ++i) {
    struct fs_conn* conn = __fd_fs_conn(f->entries[i].file);
    futex_mutex_lock(&conn->lock);
    const viper_handle_t shared = conn->channel;
    conn->channel = f->entries[i].clone;
    futex_mutex_unlock(&conn->lock);
    /* The buffer belongs to the parent's connection (the clone has none),
     * and this copy of its mapping would see the parent's data. */
    __fs_shared_drop(conn);
    viper_handle_close(shared); /* the parent's stays open */
    __fd_put(f->entries[i].file);
  }
  free(f);
}

void __fs_fork_parent(struct fs_fork* f) {
  if (!f) return;
  if (f->root) viper_handle_close(f->root);
  for (int i = 0; i < f->count; ++i) {
    viper_handle_close(f->entries[i].clone);
    __fd_put(f->entries[i].file);
  }
  free(f);
}
