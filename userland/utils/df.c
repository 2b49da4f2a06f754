/* df: the size and free space of the file system each PATH is on (every
 * mount's without one: the disk at / and the boot archive at /boot), in
 * KiB. */
#include <stdio.h>
#include <sys/statvfs.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "df",
    .usage = "[PATH]...",
    .help =
        "Prints the size, use and free space (KiB) of the file system of each PATH\n"
        "(without one: of / and, if it is another file system, /boot).\n"};

static int report(const char* path) {
  struct statvfs v;
  if (statvfs(path, &v) != 0) {
    util_errno("cannot read '%s'", path);
    return -1;
  }
  const unsigned long long unit = v.f_frsize ? v.f_frsize : v.f_bsize;
  const unsigned long long total = v.f_blocks * unit / 1024;
  const unsigned long long free_kib = v.f_bavail * unit / 1024;
  const unsigned long long used = (v.f_blocks - v.f_bfree) * unit / 1024;
  const unsigned percent = total ? (unsigned)((used * 100 + total - 1) / total) : 0;
  printf("%-16s %10llu %10llu %10llu %4u%% %s\n", path, total, used, free_kib, percent,
         (v.f_flag & ST_RDONLY) ? "ro" : "rw");
  return 0;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  const int first = util_operands(argc, argv);
  printf("%-16s %10s %10s %10s %5s %s\n", "Path", "1K-blocks", "Used", "Available", "Use%", "Mode");
  int status = UTIL_OK;
  if (first == argc) {
    /* The mounts are fixed (libc's vfs_path.h): the root, and the boot
     * archive when it is not the root itself (no disk). */
    struct statvfs root, boot;
    if (report("/") != 0) status = UTIL_FAILURE;
    if (statvfs("/", &root) == 0 && statvfs("/boot", &boot) == 0 && boot.f_fsid != root.f_fsid &&
        report("/boot") != 0) {
      status = UTIL_FAILURE;
    }
  }
  for (int i = first; i < argc; ++i) {
    if (report(argv[i]) != 0) status = UTIL_FAILURE;
  }
  return util_finish(status);
}
