/* The file-system seam (fs.h) over the boot archive alone, as ViperDOS had
 * it before libc had files (the programs now use fs_posix.c: libc serves
 * the archive and the disk); kept with its test as the archive's model. Its names are paths
 * ("bin/sleep"); a directory is a prefix that some name continues with '/'. It is read-only, so
 * every change fails with EROFS. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <viperdos/viper.h>

#include "userland/utils/lib/fs.h"

#define NAME_MAX_BYTES VIPER_SPAWN_PATH_MAX
#define SEEN_MAX 128 /* names one directory lists; more are listed again */

/* "/bin/", "./bin", "bin" -> "bin"; "/", ".", "" -> "" (the root). */
static const char* archive_path(const char* path, char* out, size_t capacity) {
  while (path[0] == '/' || (path[0] == '.' && (path[1] == '/' || path[1] == '\0'))) ++path;
  size_t n = strlen(path);
  while (n > 0 && path[n - 1] == '/') --n;
  if (n >= capacity) return NULL;
  memcpy(out, path, n);
  out[n] = '\0';
  return out;
}

/* Whether an archive name lies below directory `dir` ("" is the root). */
static const char* below(const char* name, const char* dir) {
  const size_t n = strlen(dir);
  if (n == 0) return name;
  if (strncmp(name, dir, n) != 0 || name[n] != '/') return NULL;
  return name + n + 1;
}

static int is_directory(const char* dir) {
  char name[NAME_MAX_BYTES];
  if (dir[0] == '\0') return 1;
  for (uint64_t i = 0; viper_bootfs_list(i, name, sizeof(name)) >= 0; ++i) {
    if (below(name, dir) != NULL) return 1;
  }
  return 0;
}

int fs_stat(const char* path, struct fs_info* info, int follow) {
  (void)follow; /* the archive has no links */
  char p[NAME_MAX_BYTES];
  if (archive_path(path, p, sizeof(p)) == NULL) {
    errno = ENAMETOOLONG;
    return -1;
  }
  *info = (struct fs_info){.mode = 0444};
  const int64_t size = p[0] == '\0' ? -1 : viper_bootfs_stat(p);
  if (size >= 0) {
    info->size = (uint64_t)size;
    return 0;
  }
  if (is_directory(p)) {
    info->is_directory = 1;
    info->mode = 0555;
    return 0;
  }
  errno = ENOENT;
  return -1;
}

struct fs_dir {
  char path[NAME_MAX_BYTES];
  uint64_t index;
  char name[NAME_MAX_BYTES];
  /* The names already returned: an archive lists "bin/a" and "bin/b", and
   * the root must say "bin" once. */
  char seen[SEEN_MAX][NAME_MAX_BYTES];
  int seen_count;
};

struct fs_dir* fs_dir_open(const char* path) {
  struct fs_info info;
  if (fs_stat(path, &info, 1) != 0) return NULL; /* errno says why */
  if (!info.is_directory) {
    errno = ENOTDIR;
    return NULL;
  }
  struct fs_dir* dir = calloc(1, sizeof(*dir));
  if (dir == NULL) return NULL;
  archive_path(path, dir->path, sizeof(dir->path)); /* fits: fs_stat took it */
  return dir;
}

const char* fs_dir_next(struct fs_dir* dir) {
  char name[NAME_MAX_BYTES];
  for (;; ++dir->index) {
    const int64_t listed = viper_bootfs_list(dir->index, name, sizeof(name));
    if (listed < 0) {
      /* Past the last entry is the end; anything else is a failure. */
      errno = listed == VIPER_ERR_OUT_OF_RANGE ? 0 : ENOSYS;
      return NULL;
    }
    const char* rest = below(name, dir->path);
    if (rest == NULL || rest[0] == '\0') continue;
    const size_t n = strcspn(rest, "/");
    memcpy(dir->name, rest, n);
    dir->name[n] = '\0';
    int seen = 0;
    for (int i = 0; i < dir->seen_count && !seen; ++i) seen = strcmp(dir->seen[i], dir->name) == 0;
    if (seen) continue;
    if (dir->seen_count < SEEN_MAX) strcpy(dir->seen[dir->seen_count++], dir->name);
    ++dir->index;
    return dir->name;
  }
}

void fs_dir_close(struct fs_dir* dir) { free(dir); }

static int read_only(void) {
  errno = EROFS;
  return -1;
}

int fs_mkdir(const char* path) { return (void)path, read_only(); }
int fs_rmdir(const char* path) { return (void)path, read_only(); }
int fs_unlink(const char* path) { return (void)path, read_only(); }
int fs_rename(const char* from, const char* to) { return (void)from, (void)to, read_only(); }
int fs_touch(const char* path) { return (void)path, read_only(); }
int fs_create(const char* path, uint32_t mode) { return (void)path, (void)mode, read_only(); }
int fs_chmod(const char* path, uint32_t mode) { return (void)path, (void)mode, read_only(); }
