/* Disk fds: a file or directory of fsd, each its own connection
 * (fs_client.h). The description keeps the offset and the open flags, as
 * POSIX puts them in the open file description: fsd keeps neither, and
 * each READ or WRITE names its position (O_APPEND asks fsd to write at the
 * end and says where that was). Lock order: the offset lock, then the
 * connection's. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/libc/fdio.h"
#include "userland/libc/fs_client.h"
#include "userland/libc/futex_mutex.h"

struct fs_file {
  struct fd_file file; /* first */
  struct fs_conn conn;
  uint32_t lock; /* futex mutex: offset */
  off_t offset;
};

static struct fs_file* fs_of(struct fd_file* f) { return (struct fs_file*)f; }

static int readable(const struct fd_file* f) { return (f->status_flags & O_ACCMODE) != O_WRONLY; }
static int writable(const struct fd_file* f) { return (f->status_flags & O_ACCMODE) != O_RDONLY; }

/* One READ at `offset`: bytes read (0 at the end). */
static ssize_t read_at(struct fs_file* s, void* buffer, size_t size, off_t offset) {
  if (size > VIPER_FS_IO_MAX) size = VIPER_FS_IO_MAX; /* a short read */
  struct viper_fs_request request = {.op = VIPER_FS_READ, .offset = (uint64_t)offset,
                                     .count = size};
  struct viper_fs_reply reply;
  struct fs_exchange x = {.payload = buffer, .capacity = size};
  const int result = __fs_call(&s->conn, &request, &x, &reply);
  if (result != 0) return result;
  return reply.value == x.payload_bytes ? (ssize_t)reply.value : -EIO;
}

/* WRITEs of all of `bytes` at `*offset` (or at the end: O_APPEND); *offset
 * becomes where the last one ended. Bytes written, or -errno if none. */
static ssize_t write_at(struct fs_file* s, const void* bytes, size_t size, off_t* offset,
                        int append) {
  size_t done = 0;
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
  futex_mutex_lock(&s->lock);
  const ssize_t n = read_at(s, buffer, size, s->offset);
  if (n > 0) s->offset += n;
  futex_mutex_unlock(&s->lock);
  return n;
}

static ssize_t fs_write(struct fd_file* f, const void* bytes, size_t size) {
  if (f->ops->kind == FD_KIND_FSDIR) return -EISDIR;
  if (!writable(f)) return -EBADF;
  if (size == 0) return 0;
  struct fs_file* s = fs_of(f);
  futex_mutex_lock(&s->lock);
  const ssize_t n = write_at(s, bytes, size, &s->offset, (f->status_flags & O_APPEND) != 0);
  futex_mutex_unlock(&s->lock);
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
  futex_mutex_lock(&s->lock);
  const off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? s->offset : end;
  off_t result = -EINVAL;
  if (!(offset < 0 && base + offset < 0)) result = s->offset = base + offset;
  futex_mutex_unlock(&s->lock);
  return result;
}

static int fs_stat(struct fd_file* f, struct stat* status) {
  return __fs_stat(&fs_of(f)->conn, "", 0, status);
}

static void fs_destroy(struct fd_file* f) {
  viper_handle_close(fs_of(f)->conn.channel); /* fsd closes the node */
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
  futex_mutex_lock(&s->lock);
  const off_t offset = s->offset;
  futex_mutex_unlock(&s->lock);
  return offset;
}

void __fd_fs_set_offset(struct fd_file* f, off_t offset) {
  struct fs_file* s = fs_of(f);
  futex_mutex_lock(&s->lock);
  s->offset = offset;
  futex_mutex_unlock(&s->lock);
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
