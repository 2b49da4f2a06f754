/* stat: what a name is, in one line each: its type, size, permission
 * bits, links and modification time (UTC); a symbolic link says where it
 * points unless -L follows it. */
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "userland/utils/lib/util.h"

/* ViperDOS's libc has it; picolibc declares it only for some systems. */
int lstat(const char* path, struct stat* status);

static const struct util_program kProgram = {
    .name = "stat",
    .usage = "[-L] FILE...",
    .help =
        "Prints FILE's type, size, mode, links and modification time (UTC).\n"
        "  -L  follow symbolic links\n"};

static const char* type_of(mode_t mode) {
  if (S_ISREG(mode)) return "regular file";
  if (S_ISDIR(mode)) return "directory";
  if (S_ISLNK(mode)) return "symbolic link";
  if (S_ISFIFO(mode)) return "fifo";
  if (S_ISCHR(mode)) return "character device";
  return "other";
}

static int describe(const char* path, int follow) {
  struct stat s;
  if ((follow ? stat(path, &s) : lstat(path, &s)) != 0) {
    util_errno("cannot stat '%s'", path);
    return -1;
  }
  char when[32];
  const time_t mtime = s.st_mtime;
  struct tm tm;
  strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime_r(&mtime, &tm));
  printf("%s: %s, %lld bytes, mode %04o, %lu link%s, modified %s", path, type_of(s.st_mode),
         (long long)s.st_size, (unsigned)(s.st_mode & 07777), (unsigned long)s.st_nlink,
         s.st_nlink == 1 ? "" : "s", when);
  if (S_ISLNK(s.st_mode)) {
    char target[1024];
    const ssize_t n = readlink(path, target, sizeof(target) - 1);
    if (n >= 0) {
      target[n] = 0;
      printf(" -> %s", target);
    }
  }
  printf("\n");
  return 0;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  int follow = 0;
  for (int c; (c = util_next_option(&o, "L")) != -1;) follow = 1;
  if (o.index == argc) util_usage_error("missing operand");
  int status = UTIL_OK;
  for (int i = o.index; i < argc; ++i) {
    if (describe(argv[i], follow) != 0) status = UTIL_FAILURE;
  }
  return util_finish(status);
}
