/* Boot-file fds: the boot archive, read-only (VIPER_SYS_BOOTFS_*). A file
 * description keeps the archive name and its offset (lseek works); a
 * directory (a name the archive's paths imply, "" for the root) can be
 * opened O_RDONLY for fstat and fchdir-like uses, not read. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/libc/bootfs_names.h"
#include "userland/libc/fdio.h"
#include "userland/libc/futex_mutex.h"

struct boot_file {
  struct fd_file file; /* first */
  uint32_t lock;       /* futex mutex: offset */
  off_t offset;
  off_t size;
  char name[VIPER_SPAWN_PATH_MAX];
};

static struct boot_file* boot_of(struct fd_file* f) { return (struct boot_file*)f; }

static ssize_t boot_read(struct fd_file* f, void* buffer, size_t size) {
  struct boot_file* b = boot_of(f);
  if (f->ops->kind == FD_KIND_DIRECTORY) return -EISDIR;
  if (size > VIPER_BOOTFS_READ_MAX) size = VIPER_BOOTFS_READ_MAX; /* a short read */
  futex_mutex_lock(&b->lock);
  const int64_t n = viper_bootfs_read(b->name, (uint64_t)b->offset, buffer, size);
  if (n > 0) b->offset += n;
  futex_mutex_unlock(&b->lock);
  return n < 0 ? -__viper_errno(n) : (ssize_t)n;
}

static ssize_t boot_write(struct fd_file* f, const void* bytes, size_t size) {
  (void)f;
  (void)bytes;
  (void)size;
  return -EBADF; /* opened read-only: open() refused anything else */
}

static off_t boot_seek(struct fd_file* f, off_t offset, int whence) {
  struct boot_file* b = boot_of(f);
  futex_mutex_lock(&b->lock);
  off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? b->offset : b->size;
  off_t result = -EINVAL;
  if ((whence == SEEK_SET || whence == SEEK_CUR || whence == SEEK_END) &&
      !(offset < 0 && base + offset < 0)) {
    b->offset = base + offset;
    result = b->offset;
  }
  futex_mutex_unlock(&b->lock);
  return result;
}

/* A file of the archive has no inode: its number is a hash of its name
 * (FNV-1a, never 0), stable across boots and distinct in practice, so
 * tools that tell files apart by (st_dev, st_ino) — a walk's loop check,
 * du's hard links, cp's same-file check — do not take every archive file
 * for one. The archive is device 1; the disk's files are device 0. */
static ino_t name_ino(const char* name) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const unsigned char* p = (const unsigned char*)name; *p; ++p) {
    h = (h ^ *p) * 0x100000001b3ull;
  }
  return (ino_t)(h ? h : 1);
}

static int boot_stat(struct fd_file* f, struct stat* status) {
  struct boot_file* b = boot_of(f);
  status->st_dev = 1;
  status->st_ino = name_ino(b->name);
  if (f->ops->kind == FD_KIND_DIRECTORY) {
    status->st_mode = S_IFDIR | 0555;
  } else {
    status->st_mode = S_IFREG | 0555;
    status->st_size = b->size;
  }
  status->st_nlink = 1;
  return 0;
}

static void boot_destroy(struct fd_file* f) { free(f); }

static const struct fd_ops file_ops = {
    .kind = FD_KIND_BOOTFILE,
    .read = boot_read,
    .write = boot_write,
    .seek = boot_seek,
    .stat = boot_stat,
    .destroy = boot_destroy,
};

static const struct fd_ops directory_ops = {
    .kind = FD_KIND_DIRECTORY,
    .read = boot_read,
    .write = boot_write,
    .seek = boot_seek,
    .stat = boot_stat,
    .destroy = boot_destroy,
};

int __fd_bootfile_open(const char* name, int flags, struct fd_file** out) {
  const size_t length = strlen(name);
  if (length >= VIPER_SPAWN_PATH_MAX) return -ENAMETOOLONG;
  const int64_t size = viper_bootfs_stat(name);
  const int directory = size < 0 && __bootfs_is_directory(name);
  if (size < 0 && !directory && size != VIPER_ERR_NOT_FOUND) return -__viper_errno(size);
  /* Nothing can be created or written: the archive is read-only. */
  if (flags & O_CREAT) return -EROFS;
  if (size < 0 && !directory) return -ENOENT;
  if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_TRUNC | O_APPEND))) {
    return directory ? -EISDIR : -EROFS;
  }
  if ((flags & O_DIRECTORY) && !directory) return -ENOTDIR;
  struct boot_file* b = calloc(1, sizeof(*b));
  if (!b) return -ENOMEM;
  b->file.counted.references = 1;
  b->file.ops = directory ? &directory_ops : &file_ops;
  b->file.status_flags = flags & (O_ACCMODE | O_NONBLOCK);
  b->size = directory ? 0 : size;
  memcpy(b->name, name, length + 1);
  *out = &b->file;
  return 0;
}

const char* __fd_bootfile_name(const struct fd_file* f) {
  return f->ops == &file_ops || f->ops == &directory_ops ? ((const struct boot_file*)f)->name : 0;
}

off_t __fd_bootfile_offset(const struct fd_file* f) {
  struct boot_file* b = (struct boot_file*)f;
  futex_mutex_lock(&b->lock);
  const off_t offset = b->offset;
  futex_mutex_unlock(&b->lock);
  return offset;
}
