/* Program files from the disk, for the kernel to load (program_image.h). */
#include "userland/libc/program_image.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userland/libc/path.h"
#include "userland/libc/script.h"

static int runnable(const struct stat* st) {
  return S_ISREG(st->st_mode) && (st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH));
}

int __viper_is_program(const char* path) {
  char name[VIPER_PATH_MAX];
  if (__viper_resolve_program(path, name) == 0) return viper_bootfs_stat(name) >= 0;
  struct stat st;
  return stat(path, &st) == 0 && runnable(&st);
}

/* Reads the whole file into the mapping: 0 or -errno. */
static int read_all(int fd, uint8_t* to, uint64_t bytes) {
  for (uint64_t at = 0; at < bytes;) {
    const ssize_t n = read(fd, to + at, bytes - at);
    if (n < 0) return -errno;
    if (n == 0) return -EIO; /* shorter than its size said: changed under us */
    at += (uint64_t)n;
  }
  return 0;
}

int __viper_program_image(const char* path, struct program_image* image) {
  image->vmo = 0;
  image->bytes = 0;
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  struct stat st;
  int error = fstat(fd, &st) != 0 ? -errno : 0;
  if (!error && !runnable(&st)) error = -EACCES;
  if (!error && st.st_size == 0) error = -ENOEXEC;
  if (!error && (uint64_t)st.st_size > VIPER_SPAWN_IMAGE_MAX) error = -EFBIG;
  int64_t vmo = 0, at = 0;
  if (!error) {
    vmo = viper_vmo_create((uint64_t)st.st_size);
    if (vmo < 0) error = -ENOMEM;
  }
  if (!error) {
    at = viper_vmo_map((viper_handle_t)vmo, 0, VIPER_PROT_READ | VIPER_PROT_WRITE);
    if (at < 0) error = -ENOMEM;
  }
  if (!error) {
    error = read_all(fd, (uint8_t*)(uintptr_t)at, (uint64_t)st.st_size);
    viper_vm_unmap((uint64_t)at, ((size_t)st.st_size + 4095) & ~(size_t)4095);
  }
  close(fd);
  if (error) {
    if (vmo > 0) viper_handle_close((viper_handle_t)vmo);
    return error;
  }
  image->vmo = (viper_handle_t)vmo;
  image->bytes = (uint64_t)st.st_size;
  return 0;
}

void __viper_program_image_free(struct program_image* image) {
  if (image->vmo) viper_handle_close(image->vmo);
  image->vmo = 0;
}

int __viper_find_program(const char* path, char* const** argv, struct script* script,
                         struct program_image* image, char name[]) {
  const int resolved = __viper_resolve_program(path, name);
  if (resolved != -ENOENT) return resolved;
  const int is = __viper_script(script, path, *argv);
  if (is < 0) return is;
  if (is > 0) {
    *argv = script->argv;
    return __viper_resolve_program(script->argv[0], name);
  }
  const int read_in = __viper_program_image(path, image);
  return read_in != 0 ? read_in : __viper_resolve(path, name);
}
