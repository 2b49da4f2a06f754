/* opendir/readdir/closedir (<dirent.h>) over the boot archive: opendir
 * takes the directory's names once (the archive never changes), so
 * readdir is a step through an array. "." and ".." are not listed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "userland/libc/bootfs_names.h"
#include "userland/libc/fdio.h"
#include "userland/libc/path.h"

struct name {
  char text[MAXNAMLEN + 1];
  unsigned char type;
};

struct __viper_dir {
  int fd; /* the directory, open O_RDONLY (dirfd, fstat) */
  size_t count, capacity, next;
  struct name* names;
  struct dirent entry;
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
  const int resolved = __viper_resolve(path, name);
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
  const int listed = __bootfs_each_child(name, add, d);
  if (listed < 0 || (d->count > 0 && !d->names)) {
    closedir(d);
    errno = listed < 0 ? -listed : ENOMEM;
    return 0;
  }
  return d;
}

struct dirent* readdir(DIR* d) {
  if (!d) {
    errno = EBADF;
    return 0;
  }
  if (d->next == d->count) return 0; /* the end: errno unchanged */
  const struct name* n = &d->names[d->next++];
  d->entry.d_ino = (ino_t)d->next;
  d->entry.d_type = n->type;
  memcpy(d->entry.d_name, n->text, sizeof(d->entry.d_name));
  return &d->entry;
}

void rewinddir(DIR* d) {
  if (d) d->next = 0;
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
  free(d->names);
  free(d);
  return 0;
}
