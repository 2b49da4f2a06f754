/* fs_dir_sorted (fs.h): a directory's names, sorted bytewise, for the
 * tools whose output must not depend on the order the file system keeps
 * (ls, du, find). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "userland/utils/lib/fs.h"

static int by_name(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

int fs_dir_sorted(const char* path, struct fs_names* out) {
  *out = (struct fs_names){NULL, 0};
  struct fs_dir* dir = fs_dir_open(path);
  if (dir == NULL) return -1;
  size_t capacity = 0;
  int status = 0;
  errno = 0;
  for (const char* name; (name = fs_dir_next(dir)) != NULL;) {
    if (out->count == capacity) {
      capacity = capacity ? capacity * 2 : 64;
      char** grown = realloc(out->names, capacity * sizeof(*out->names));
      if (grown == NULL) break; /* errno ENOMEM */
      out->names = grown;
    }
    if ((out->names[out->count] = strdup(name)) == NULL) break;
    ++out->count;
  }
  if (errno != 0) status = 1;
  const int saved = errno;
  fs_dir_close(dir);
  if (out->count > 0) qsort(out->names, out->count, sizeof(*out->names), by_name);
  errno = saved;
  return status;
}

void fs_names_free(struct fs_names* names) {
  for (size_t i = 0; i < names->count; ++i) free(names->names[i]);
  free(names->names);
  *names = (struct fs_names){NULL, 0};
}
