/* opendir/readdir/closedir (<dirent.h>). On the boot archive opendir
 * takes the directory's names once (the archive never changes), so
 * readdir is a step through an array; on the disk readdir reads records
 * from fsd a buffer at a time (READDIR, from a cookie), so a directory
 * that changes meanwhile is seen as POSIX allows; the disk's root lists
 * the mount points "boot" and "bin" last. "." and ".." are not listed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "userland/libc/bootfs_names.h"
#include "userland/libc/fdio.h"
#include "userland/libc/fs_client.h"
#include "userland/libc/path.h"

#define RECORDS_BYTES 4096

struct name {
  char text[MAXNAMLEN + 1];
  unsigned char type;
};

struct __viper_dir {
  int fd; /* the directory, open O_RDONLY (dirfd, fstat) */
  size_t count, capacity, next;
  struct name* names;
  struct dirent entry;
  /* The disk's: records read and not yet returned, and where to go on. */
  struct fd_file* disk;
  unsigned char* records;
  size_t record_bytes, record_at;
  uint64_t cookie;
  int done;
  int root;        /* the disk's root: "boot" and "bin" are the archive's */
  int mounts_next; /* the mount points listed so far */
};

static int add(const char* child, int is_dir, void* arg) {
  DIR* d = arg;
  for (size_t i = 0; i < d->count; ++i) {
    if (strcmp(d->names[i].text, child) == 0) return 0; /* implied again */
  }
  if (d->count == d->capacity) {
    const size_t capacity = d->capacity ? d->capacity * 2 : 16;
    struct name* grown = realloc(d->names, capacity * sizeof(*grown));
    if (!grown) return -ENOMEM;
    d->names = grown;
    d->capacity = capacity;
  }
  struct name* n = &d->names[d->count++];
  strncpy(n->text, child, MAXNAMLEN);
  n->text[MAXNAMLEN] = 0;
  n->type = is_dir ? DT_DIR : DT_REG;
  return 0;
}

DIR* opendir(const char* path) {
  char name[VIPER_PATH_MAX];
  struct vfs_route route;
  const int resolved = __viper_route(path, name, &route);
  if (resolved < 0) {
    errno = -resolved;
    return 0;
  }
  const int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return 0; /* ENOENT, ENOTDIR */
  DIR* d = calloc(1, sizeof(*d));
  if (!d) {
    close(fd);
    errno = ENOMEM;
    return 0;
  }
  d->fd = fd;
  struct fd_file* file = __fd_get(fd);
  if (__fd_fs_conn(file)) {
    d->disk = file; /* held until closedir */
    d->root = route.rest[0] == 0;
    d->records = malloc(RECORDS_BYTES);
    if (!d->records) {
      closedir(d);
      errno = ENOMEM;
      return 0;
    }
    return d;
  }
  __fd_put(file);
  const int listed = __bootfs_each_child(route.rest, add, d);
  if (listed < 0 || (d->count > 0 && !d->names)) {
    closedir(d);
    errno = listed < 0 ? -listed : ENOMEM;
    return 0;
  }
  return d;
}

static const char* const kMountPoints[] = {"boot", "bin"};

/* At the disk root's end: its mount points, as directories. */
static int next_mount_point(DIR* d) {
  if (!d->root || d->mounts_next == 2) return 0;
  const char* name = kMountPoints[d->mounts_next++];
  d->entry.d_ino = 0;
  d->entry.d_type = DT_DIR;
  memcpy(d->entry.d_name, name, strlen(name) + 1);
  return 1;
}

/* The next record of a disk directory: 1, 0 at the end, -errno. */
static int next_record(DIR* d) {
  for (;;) {
    if (d->record_at >= d->record_bytes) {
      if (d->done) return next_mount_point(d);
      size_t bytes = 0;
      uint64_t next = 0;
      const int n = __fd_fs_readdir(d->disk, d->cookie, d->records, RECORDS_BYTES, &bytes, &next);
      if (n < 0) return n;
      d->record_bytes = bytes;
      d->record_at = 0;
      d->cookie = next;
      d->done = next == 0 || n == 0;
      if (bytes == 0) return next_mount_point(d);
    }
    struct viper_fs_dirent r;
    const size_t left = d->record_bytes - d->record_at;
    if (left < sizeof(r)) return -EIO;
    memcpy(&r, d->records + d->record_at, sizeof(r));
    if (r.record_bytes < sizeof(r) + r.name_bytes || r.record_bytes > left || r.name_bytes == 0) {
      return -EIO; /* fsd's records must say where the next begins */
    }
    const char* text = (const char*)d->records + d->record_at + sizeof(r);
    d->record_at += r.record_bytes;
    if ((r.name_bytes == 1 && text[0] == '.') ||
        (r.name_bytes == 2 && text[0] == '.' && text[1] == '.')) {
      continue;
    }
    /* The disk's own "boot" or "bin" at its root is hidden by the mount. */
    if (d->root && ((r.name_bytes == 4 && memcmp(text, "boot", 4) == 0) ||
                    (r.name_bytes == 3 && memcmp(text, "bin", 3) == 0))) {
      continue;
    }
    d->entry.d_ino = (ino_t)r.ino;
    d->entry.d_type = r.type == VIPER_FS_TYPE_DIR       ? DT_DIR
                      : r.type == VIPER_FS_TYPE_FILE    ? DT_REG
                      : r.type == VIPER_FS_TYPE_SYMLINK ? DT_LNK
                                                        : DT_UNKNOWN;
    const size_t n = r.name_bytes < MAXNAMLEN ? r.name_bytes : MAXNAMLEN;
    memcpy(d->entry.d_name, text, n);
    d->entry.d_name[n] = 0;
    return 1;
  }
}

struct dirent* readdir(DIR* d) {
  if (!d) {
    errno = EBADF;
    return 0;
  }
  if (d->disk) {
    const int got = next_record(d);
    if (got < 0) errno = -got;
    return got == 1 ? &d->entry : 0; /* the end: errno unchanged */
  }
  if (d->next == d->count) return 0; /* the end: errno unchanged */
  const struct name* n = &d->names[d->next++];
  d->entry.d_ino = (ino_t)d->next;
  d->entry.d_type = n->type;
  memcpy(d->entry.d_name, n->text, sizeof(d->entry.d_name));
  return &d->entry;
}

void rewinddir(DIR* d) {
  if (!d) return;
  d->next = 0;
  d->cookie = 0;
  d->record_bytes = d->record_at = 0;
  d->done = 0;
  d->mounts_next = 0;
}

int dirfd(DIR* d) {
  if (!d) {
    errno = EBADF;
    return -1;
  }
  return d->fd;
}

int closedir(DIR* d) {
  if (!d) {
    errno = EBADF;
    return -1;
  }
  close(d->fd);
  __fd_put(d->disk);
  free(d->records);
  free(d->names);
  free(d);
  return 0;
}
