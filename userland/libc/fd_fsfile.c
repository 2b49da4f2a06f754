/* Disk fds: a file or directory of fsd, each its own connection
 * (fs_client.h). The description keeps the offset and the open flags, as
 * POSIX puts them in the open file description: fsd keeps neither, and
 * each READ or WRITE names its position (O_APPEND asks fsd to write at the
 * end and says where that was). Lock order: the offset lock, then the
 * connection's.
 *
 * POSIX shares a description's offset with the children that inherit it
 * (fork, and in practice a shell's `{ a; b; } > f` that spawns b between
 * a's and its own writes). So a file's offset moves, the first time it is
 * passed on, into a page of its own (a VMO: fork keeps the mapping shared,
 * spawn and exec pass the VMO with the fd), and every process then reads
 * and advances that one offset with atomic operations (a futex word is
 * one process's, and no lock is held across a request: see
 * begin_offset). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/libc/fdio.h"
#include "userland/libc/fs_client.h"
#include "userland/libc/futex_mutex.h"

/* The page a shared offset lives in. */
struct shared_offset {
  int64_t offset; /* moved with atomic operations only */
};

struct fs_file {
  struct fd_file file; /* first */
  struct fs_conn conn;
  uint32_t lock; /* futex mutex: the private offset, and its move to `shared` */
  off_t offset;
  struct shared_offset* shared; /* 0 until passed on; then the offset is there */
  viper_handle_t shared_vmo;
  int streaming; /* a READ filled a whole message: the file is large (read_at) */
};

#define SHARED_BYTES 4096u

static struct fs_file* fs_of(struct fd_file* f) { return (struct fs_file*)f; }

/* An operation's offset: begin_offset gives where it starts, end_offset
 * where it leaves it. Private: under the futex mutex, for the whole
 * operation. Shared: no lock across the request (a process killed in the
 * middle of one must not leave the others waiting for ever): the offset
 * moves only if no other process moved it meanwhile, so one of two racing
 * writers' offsets wins, as a compare-and-swap says. */
static int64_t begin_offset(struct fs_file* s) {
  futex_mutex_lock(&s->lock);
  if (!s->shared) return s->offset; /* held until end_offset */
  futex_mutex_unlock(&s->lock);     /* shared never goes back to 0 */
  return __atomic_load_n(&s->shared->offset, __ATOMIC_ACQUIRE);
}

static void end_offset(struct fs_file* s, int64_t from, int64_t to) {
  if (!s->shared) {
    s->offset = (off_t)to;
    futex_mutex_unlock(&s->lock);
    return;
  }
  __atomic_compare_exchange_n(&s->shared->offset, &from, to, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

static int readable(const struct fd_file* f) { return (f->status_flags & O_ACCMODE) != O_WRONLY; }
static int writable(const struct fd_file* f) { return (f->status_flags & O_ACCMODE) != O_RDONLY; }

/* Reads larger than this go through the connection's shared buffer
 * (fs_client.h) once the file has shown it is large: one request for the
 * whole read and two copies of its bytes, not one READ per message and
 * four. A small file's reads stay in messages (no buffer to make). */
#define SHARED_FROM (VIPER_FS_IO_MAX / 2)

/* One READ at `offset`: bytes read (0 at the end). */
static ssize_t read_at(struct fs_file* s, void* buffer, size_t size, off_t offset) {
  if (size > SHARED_FROM && __atomic_load_n(&s->streaming, __ATOMIC_RELAXED)) {
    const int64_t n =
        __fs_shared_io(&s->conn, VIPER_FS_READ_SHARED, 0, (uint64_t)offset, buffer, size, 0);
    if (n != -ENOBUFS) return (ssize_t)n;
  }
  if (size > VIPER_FS_IO_MAX) size = VIPER_FS_IO_MAX; /* a short read */
  struct viper_fs_request request = {
      .op = VIPER_FS_READ, .offset = (uint64_t)offset, .count = size};
  struct viper_fs_reply reply;
  struct fs_exchange x = {.payload = buffer, .capacity = size};
  const int result = __fs_call(&s->conn, &request, &x, &reply);
  if (result != 0) return result;
  if (reply.value != x.payload_bytes) return -EIO;
  if (reply.value == VIPER_FS_IO_MAX) __atomic_store_n(&s->streaming, 1, __ATOMIC_RELAXED);
  return (ssize_t)reply.value;
}

/* WRITEs of all of `bytes` at `*offset` (or at the end: O_APPEND); *offset
 * becomes where the last one ended. Bytes written, or -errno if none. */
static ssize_t write_at(struct fs_file* s, const void* bytes, size_t size, off_t* offset,
                        int append) {
  size_t done = 0;
  while (size - done > VIPER_FS_IO_MAX) { /* more than one message: the shared buffer */
    uint64_t end = 0;
    const int64_t n =
        __fs_shared_io(&s->conn, VIPER_FS_WRITE_SHARED, append ? VIPER_FS_APPEND : 0,
                       (uint64_t)*offset, (void*)((const char*)bytes + done), size - done, &end);
    if (n == -ENOBUFS) break; /* messages, below */
    if (n < 0) return done ? (ssize_t)done : (ssize_t)n;
    if (n == 0) return done ? (ssize_t)done : -EIO;
    done += (size_t)n;
    *offset = append ? (off_t)end : *offset + (off_t)n;
  }
  while (done < size) {
    const size_t chunk = size - done > VIPER_FS_IO_MAX ? VIPER_FS_IO_MAX : size - done;
    struct viper_fs_request request = {.op = VIPER_FS_WRITE,
                                       .flags = append ? VIPER_FS_APPEND : 0,
                                       .offset = (uint64_t)*offset,
                                       .count = chunk};
    struct viper_fs_reply reply;
    struct fs_exchange x = {.data = (const char*)bytes + done, .data_bytes = chunk};
    const int result = __fs_call(&s->conn, &request, &x, &reply);
    if (result != 0) return done ? (ssize_t)done : result; /* ENOSPC after some: short */
    if (reply.value == 0 || reply.value > chunk) return done ? (ssize_t)done : -EIO;
    done += reply.value;
    /* Appending, only fsd knows where the end was; else it is ours. */
    *offset = append ? (off_t)reply.offset : *offset + (off_t)reply.value;
  }
  return (ssize_t)done;
}

static ssize_t fs_read(struct fd_file* f, void* buffer, size_t size) {
  if (f->ops->kind == FD_KIND_FSDIR) return -EISDIR;
  if (!readable(f)) return -EBADF;
  if (size == 0) return 0;
  struct fs_file* s = fs_of(f);
  const int64_t at = begin_offset(s);
  const ssize_t n = read_at(s, buffer, size, (off_t)at);
  end_offset(s, at, n > 0 ? at + n : at);
  return n;
}

static ssize_t fs_write(struct fd_file* f, const void* bytes, size_t size) {
  if (f->ops->kind == FD_KIND_FSDIR) return -EISDIR;
  if (!writable(f)) return -EBADF;
  if (size == 0) return 0;
  struct fs_file* s = fs_of(f);
  const int64_t from = begin_offset(s);
  off_t at = (off_t)from;
  const ssize_t n = write_at(s, bytes, size, &at, (f->status_flags & O_APPEND) != 0);
  end_offset(s, from, at);
  return n;
}

static off_t fs_seek(struct fd_file* f, off_t offset, int whence) {
  struct fs_file* s = fs_of(f);
  if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) return -EINVAL;
  off_t end = 0;
  if (whence == SEEK_END) {
    struct stat status;
    const int got = __fs_stat(&s->conn, "", 0, &status);
    if (got != 0) return got;
    end = status.st_size;
  }
  const int64_t now = begin_offset(s);
  const off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (off_t)now : end;
  off_t result = -EINVAL;
  if (!(offset < 0 && base + offset < 0)) result = base + offset;
  end_offset(s, now, result < 0 ? now : result);
  return result;
}

static int fs_stat(struct fd_file* f, struct stat* status) {
  return __fs_stat(&fs_of(f)->conn, "", 0, status);
}

static void fs_destroy(struct fd_file* f) {
  struct fs_file* s = fs_of(f);
  viper_handle_close(s->conn.channel); /* fsd closes the node */
  __fs_shared_drop(&s->conn);
  if (s->shared) {
    viper_vm_unmap((uint64_t)(uintptr_t)s->shared, SHARED_BYTES);
    viper_handle_close(s->shared_vmo);
  }
  free(f);
}

static const struct fd_ops file_ops = {
    .kind = FD_KIND_FSFILE,
    .read = fs_read,
    .write = fs_write,
    .seek = fs_seek,
    .stat = fs_stat,
    .destroy = fs_destroy,
};

static const struct fd_ops directory_ops = {
    .kind = FD_KIND_FSDIR,
    .read = fs_read,
    .write = fs_write,
    .seek = fs_seek,
    .stat = fs_stat,
    .destroy = fs_destroy,
};

struct fd_file* __fd_fs_new(viper_handle_t channel, int is_directory, int status_flags) {
  struct fs_file* s = calloc(1, sizeof(*s));
  if (!s) {
    viper_handle_close(channel);
    return 0;
  }
  s->file.counted.references = 1;
  s->file.ops = is_directory ? &directory_ops : &file_ops;
  s->file.status_flags = status_flags;
  s->conn.channel = channel;
  return &s->file;
}

struct fs_conn* __fd_fs_conn(struct fd_file* f) {
  return f && (f->ops == &file_ops || f->ops == &directory_ops) ? &fs_of(f)->conn : 0;
}

off_t __fd_fs_offset(struct fd_file* f) {
  struct fs_file* s = fs_of(f);
  const int64_t offset = begin_offset(s);
  end_offset(s, offset, offset);
  return (off_t)offset;
}

void __fd_fs_set_offset(struct fd_file* f, off_t offset) {
  struct fs_file* s = fs_of(f);
  end_offset(s, begin_offset(s), offset);
}

/* Maps `vmo` as the shared offset page: its address, or 0. */
static struct shared_offset* map_shared(viper_handle_t vmo) {
  const int64_t address = viper_vmo_map(vmo, 0, VIPER_PROT_READ | VIPER_PROT_WRITE);
  return address < 0 ? 0 : (struct shared_offset*)(uintptr_t)address;
}

int __fd_fs_share_offset(struct fd_file* f, viper_handle_t* vmo_copy) {
  if (vmo_copy) *vmo_copy = 0;
  if (!f || f->ops != &file_ops) return 0; /* a directory's offset is nobody's business */
  struct fs_file* s = fs_of(f);
  int result = 0;
  futex_mutex_lock(&s->lock);
  if (!s->shared) {
    const int64_t vmo = viper_vmo_create(SHARED_BYTES);
    struct shared_offset* page = vmo < 0 ? 0 : map_shared((viper_handle_t)vmo);
    if (page) {
      page->offset = s->offset;
      s->shared_vmo = (viper_handle_t)vmo;
      __atomic_store_n(&s->shared, page, __ATOMIC_RELEASE);
    } else {
      if (vmo >= 0) viper_handle_close((viper_handle_t)vmo);
      result = -ENOMEM;
    }
  }
  futex_mutex_unlock(&s->lock);
  if (result == 0 && vmo_copy) {
    struct viper_object_info info;
    const int64_t got = viper_object_info(s->shared_vmo, &info);
    const int64_t copy = got < 0 ? got : viper_handle_duplicate(s->shared_vmo, info.rights);
    if (copy < 0) return -ENOMEM;
    *vmo_copy = (viper_handle_t)copy;
  }
  return result;
}

int __fd_fs_adopt_offset(struct fd_file* f, viper_handle_t vmo) {
  struct fs_file* s = fs_of(f);
  struct shared_offset* page = f->ops == &file_ops ? map_shared(vmo) : 0;
  if (!page) {
    viper_handle_close(vmo);
    return -EINVAL;
  }
  s->shared_vmo = vmo;
  s->shared = page;
  return 0;
}

ssize_t __fd_fs_pread(struct fd_file* f, void* buffer, size_t size, off_t offset) {
  if (!__fd_fs_conn(f)) return -ESPIPE;
  if (f->ops->kind == FD_KIND_FSDIR) return -EISDIR;
  if (!readable(f)) return -EBADF;
  if (offset < 0) return -EINVAL;
  return size ? read_at(fs_of(f), buffer, size, offset) : 0;
}

ssize_t __fd_fs_pwrite(struct fd_file* f, const void* bytes, size_t size, off_t offset) {
  if (!__fd_fs_conn(f)) return -ESPIPE;
  if (f->ops->kind == FD_KIND_FSDIR) return -EISDIR;
  if (!writable(f)) return -EBADF;
  if (offset < 0) return -EINVAL;
  /* POSIX leaves pwrite on O_APPEND to the system; Linux appends: so do we. */
  return size ? write_at(fs_of(f), bytes, size, &offset, (f->status_flags & O_APPEND) != 0) : 0;
}

int __fd_fs_readdir(struct fd_file* f, uint64_t cookie, void* buffer, size_t capacity,
                    size_t* bytes, uint64_t* next) {
  if (!f || f->ops != &directory_ops) return -ENOTDIR;
  struct viper_fs_request request = {.op = VIPER_FS_READDIR, .offset = cookie, .count = capacity};
  struct viper_fs_reply reply;
  struct fs_exchange x = {.payload = buffer, .capacity = capacity};
  const int result = __fs_call(&fs_of(f)->conn, &request, &x, &reply);
  if (result != 0) return result;
  *bytes = x.payload_bytes;
  *next = reply.offset;
  return (int)reply.value;
}
