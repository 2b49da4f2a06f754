/* The file-system seam (fs.h) on POSIX calls: the host build, and
 * ViperDOS's, whose libc has the file system (the disk and the boot
 * archive, docs/vfs.md). */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userland/utils/lib/fs.h"

/* ViperDOS's libc has it; picolibc declares it only for some systems. */
int lstat(const char* path, struct stat* status);

int fs_stat(const char* path, struct fs_info* info, int follow) {
  struct stat s;
  if ((follow ? stat(path, &s) : lstat(path, &s)) != 0) return -1;
  *info = (struct fs_info){.is_directory = S_ISDIR(s.st_mode),
                           .is_symlink = S_ISLNK(s.st_mode),
                           .size = (uint64_t)s.st_size,
                           .mtime = (int64_t)s.st_mtime,
                           .mode = (uint32_t)(s.st_mode & 07777)};
  return 0;
}

struct fs_dir {
  DIR* dir;
};

struct fs_dir* fs_dir_open(const char* path) {
  DIR* d = opendir(path);
  if (d == NULL) return NULL;
  struct fs_dir* dir = malloc(sizeof(*dir));
  if (dir == NULL) {
    closedir(d);
    return NULL;
  }
  dir->dir = d;
  return dir;
}

const char* fs_dir_next(struct fs_dir* dir) {
  for (;;) {
    errno = 0;
    const struct dirent* e = readdir(dir->dir);
    if (e == NULL) return NULL;
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) return e->d_name;
  }
}

void fs_dir_close(struct fs_dir* dir) {
  closedir(dir->dir);
  free(dir);
}

int fs_mkdir(const char* path) { return mkdir(path, 0777); }
int fs_rmdir(const char* path) { return rmdir(path); }
int fs_unlink(const char* path) { return unlink(path); }
int fs_rename(const char* from, const char* to) { return rename(from, to); }

int fs_touch(const char* path) {
  const int fd = open(path, O_WRONLY | O_CREAT, 0666);
  if (fd < 0) return -1;
  const int result = futimens(fd, NULL);
  close(fd);
  return result;
}

int fs_create(const char* path, uint32_t mode) {
  return open(path, O_WRONLY | O_CREAT | O_TRUNC, (mode_t)mode);
}

int fs_chmod(const char* path, uint32_t mode) { return chmod(path, (mode_t)mode); }
