/* Symbolic links on the disk, followed by libc. fsd never follows one: a
 * link inside a path is -ELOOP there, and STAT describes the link itself.
 * So a call that meets one (open, stat, chdir) resolves its path here, a
 * component at a time, and is retried on the result: paths without links
 * cost nothing extra. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "userland/libc/fs_client.h"
#include "userland/libc/path.h"

/* POSIX's SYMLOOP_MAX is at least 8; Linux follows 40. */
#define LINKS_MAX 40

/* READLINK of `rest` on the disk: the target's length, or -errno. */
static int read_link(struct fs_conn* root, const char* rest, char* target, size_t capacity) {
  struct viper_fs_request request = {.op = VIPER_FS_READLINK};
  struct viper_fs_reply reply;
  struct fs_exchange x = {
      .path = rest, .path_bytes = strlen(rest), .payload = target, .capacity = capacity};
  const int result = __fs_call(root, &request, &x, &reply);
  if (result != 0) return result;
  if (x.payload_bytes == 0 || x.payload_bytes >= capacity) return -EIO;
  return (int)x.payload_bytes;
}

/* Replaces, in `work` (a resolved name), the link that ends at `next`
 * (its component starting at `start`) by its target and the rest. */
static int splice(char work[VIPER_PATH_MAX], size_t start, size_t next, const char* target,
                  int length) {
  char joined[VIPER_PATH_MAX];
  const size_t rest = strlen(work + next);
  if ((size_t)length + rest + 1 > sizeof(joined)) return -ENAMETOOLONG;
  memcpy(joined, target, (size_t)length);
  memcpy(joined + length, work + next, rest + 1);
  /* A relative target is relative to the directory holding the link. */
  char base[VIPER_PATH_MAX];
  base[0] = '/';
  const size_t parent = start > 0 ? start - 1 : 0;
  memcpy(base + 1, work, parent);
  base[1 + parent] = '\0';
  return vfs_normalize(base, joined, work);
}

int __viper_follow_links(const char* name, int follow_last, char out[VIPER_PATH_MAX]) {
  char work[VIPER_PATH_MAX];
  const size_t length = strlen(name);
  if (length >= sizeof(work)) return -ENAMETOOLONG;
  memcpy(work, name, length + 1);
  struct fs_conn* root = __fs_root();
  for (int links = 0; root;) {
    int spliced = 0;
    for (size_t start = 0; work[start] != '\0' && !spliced;) {
      size_t next = start;
      while (work[next] != '\0' && work[next] != '/') ++next;
      const int last = work[next] == '\0';
      if (last && !follow_last) break;
      char prefix[VIPER_PATH_MAX];
      memcpy(prefix, work, next);
      prefix[next] = '\0';
      const struct vfs_route route = vfs_route(prefix, 1);
      struct stat status;
      if (route.mount != VFS_DISK) {
        /* the boot archive has no links */
      } else if (__fs_stat(root, route.rest, 1, &status) != 0) {
        break; /* the call itself reports what is wrong */
      } else if (S_ISLNK(status.st_mode)) {
        if (++links > LINKS_MAX) return -ELOOP;
        char target[VIPER_PATH_MAX];
        const int got = read_link(root, route.rest, target, sizeof(target));
        if (got < 0) return got;
        const int joined = splice(work, start, next, target, got);
        if (joined != 0) return joined;
        spliced = 1;
      }
      start = last ? next : next + 1;
    }
    if (!spliced) break;
  }
  memcpy(out, work, strlen(work) + 1);
  return 0;
}
