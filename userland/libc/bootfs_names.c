/* The boot archive's directories (bootfs_names.h), from VIPER_SYS_BOOTFS_LIST. */
#include "userland/libc/bootfs_names.h"

#include <errno.h>
#include <string.h>
#include <viperdos/viper.h>

#include "userland/libc/fdio.h"

#define NAME_BYTES 256 /* the kernel's kMaxArchiveNameBytes */

/* The part of `entry` below `directory` ("" for the root), or 0. */
static const char* below(const char* entry, const char* directory) {
  const size_t n = strlen(directory);
  if (n == 0) return entry;
  if (strncmp(entry, directory, n) != 0 || entry[n] != '/') return 0;
  return entry + n + 1;
}

int __bootfs_is_directory(const char* name) {
  if (name[0] == 0) return 1;
  char entry[NAME_BYTES];
  for (uint64_t i = 0;; ++i) {
    const int64_t n = viper_bootfs_list(i, entry, sizeof(entry));
    if (n < 0) return 0;
    const char* rest = below(entry, name);
    if (rest && rest[0]) return 1;
    /* An entry of this very name that is no regular file: a directory. */
    if (strcmp(entry, name) == 0 && viper_bootfs_stat(name) < 0) return 1;
  }
}

int __bootfs_each_child(const char* directory, int (*visit)(const char*, int, void*), void* arg) {
  char entry[NAME_BYTES];
  for (uint64_t i = 0;; ++i) {
    const int64_t n = viper_bootfs_list(i, entry, sizeof(entry));
    if (n == VIPER_ERR_OUT_OF_RANGE) return 0;
    if (n < 0) return -__viper_errno(n);
    const char* rest = below(entry, directory);
    if (!rest || !rest[0]) continue;
    const char* slash = strchr(rest, '/');
    const size_t length = slash ? (size_t)(slash - rest) : strlen(rest);
    char child[NAME_BYTES];
    memcpy(child, rest, length);
    child[length] = 0;
    const int is_dir = slash != 0 || viper_bootfs_stat(entry) < 0;
    const int stop = visit(child, is_dir, arg);
    if (stop) return stop < 0 ? stop : 0;
  }
}
