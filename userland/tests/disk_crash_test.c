/* Crash consistency, the guest's half (//kernel:disk_crash_test and
 * testing/disk/crash_test.py): `disk_crash_test CASE` makes one change
 * durable with fsync, prints "CRASH-POINT CASE" the moment fsync has
 * returned, and then keeps the disk busy with changes nobody synced until
 * the host kills QEMU. The host then checks with e2fsck and debugfs that
 * everything fsync covered is on the image.
 *
 *   overwrite  /crash/existing (made on the host, 64 KiB) rewritten and
 *              grown to 200 KiB; fsync of the file
 *   rename     /crash/new.tmp written and fsynced, renamed over
 *              /crash/final; fsync of the directory /crash
 *   large      8 MiB into /crash/large (made empty on the host), into the
 *              double indirect blocks; fsync of the file
 *
 * The bytes are pattern(seed, i) (below; crash_test.py computes the same).
 * Exit status 2 (and no marker) if a step fails: the host then sees no
 * marker and fails with the console's message. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned char pattern(unsigned seed, uint64_t i) {
  return (unsigned char)(i * 7 + i / 4096 + seed);
}

static void die(const char* what) {
  printf("disk_crash_test: %s: %s\n", what, strerror(errno));
  exit(2);
}

/* `size` bytes of pattern(seed) into `fd` from offset 0. */
static void fill(int fd, unsigned seed, uint64_t size) {
  static unsigned char buffer[32768];
  for (uint64_t at = 0; at < size;) {
    size_t n = sizeof(buffer);
    if (n > size - at) n = (size_t)(size - at);
    for (size_t i = 0; i < n; ++i) buffer[i] = pattern(seed, at + i);
    if (pwrite(fd, buffer, n, (off_t)at) != (ssize_t)n) die("write");
    at += n;
  }
}

static int open_or_die(const char* path, int flags) {
  const int fd = open(path, flags, 0644);
  if (fd < 0) die(path);
  return fd;
}

/* Changes nobody syncs, until the power goes: rewriting and truncating a
 * file frees and allocates blocks, so the bitmaps are in motion when the
 * host kills QEMU. */
static _Noreturn void keep_busy(void) {
  for (unsigned round = 0;; ++round) {
    const int fd = open_or_die("/crash/noise", O_WRONLY | O_CREAT | O_TRUNC);
    fill(fd, round, 256 * 1024 + round % 4096);
    close(fd);
    if (round % 8 == 7) unlink("/crash/noise");
  }
}

static void crash_point(const char* name) {
  printf("CRASH-POINT %s\n", name);
  fflush(stdout);
  keep_busy();
}

int main(int argc, char** argv) {
  const char* name = argc == 2 ? argv[1] : "";
  if (strcmp(name, "overwrite") == 0) {
    const int fd = open_or_die("/crash/existing", O_RDWR);
    fill(fd, 1, 200 * 1024);
    if (fsync(fd) != 0) die("fsync /crash/existing");
    crash_point(name);
  }
  if (strcmp(name, "rename") == 0) {
    const int fd = open_or_die("/crash/new.tmp", O_WRONLY | O_CREAT | O_TRUNC);
    fill(fd, 2, 5000);
    if (fsync(fd) != 0) die("fsync /crash/new.tmp");
    close(fd);
    if (rename("/crash/new.tmp", "/crash/final") != 0) die("rename");
    const int dir = open("/crash", O_RDONLY | O_DIRECTORY);
    if (dir < 0) die("open /crash");
    if (fsync(dir) != 0) die("fsync /crash");
    crash_point(name);
  }
  if (strcmp(name, "large") == 0) {
    const int fd = open_or_die("/crash/large", O_WRONLY);
    fill(fd, 3, 8 << 20);
    if (fsync(fd) != 0) die("fsync /crash/large");
    crash_point(name);
  }
  printf("usage: disk_crash_test overwrite|rename|large (got '%s')\n", name);
  return 2;
}
