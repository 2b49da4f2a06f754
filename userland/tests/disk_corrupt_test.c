/* Corrupt images booted in the guest, the guest's half
 * (//kernel:disk_corrupt_test, testing/disk/corrupt_test.sh): whatever fsd
 * mounted as "/" (or the boot archive, when it refused the disk), walk
 * everything reachable, read every file and link, then try changes; print
 * each failure as "disk_corrupt_test: PATH: OP: ERROR" and a summary line.
 * The host's script judges the lines against what its damage must cause.
 * Exits 0 whenever it got to the end: what must never happen is a crash
 * or a hang, of this program, fsd or the kernel.
 *
 * The walk remembers the directories it has been in (by inode number) and
 * does not enter one twice, so a looped directory ends it; a read stops at
 * 1 MiB per file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int lstat(const char* path, struct stat* status);

#define MAX_DIRS 4096
#define MAX_SHOWN 40
#define READ_LIMIT (1 << 20)

static ino_t seen_dirs[MAX_DIRS];
static int seen_count, entries, errors;

static void failed(const char* path, const char* op, int error) {
  if (errors++ < MAX_SHOWN) printf("disk_corrupt_test: %s: %s: %s\n", path, op, strerror(error));
}

static int seen(ino_t ino) {
  for (int i = 0; i < seen_count; ++i) {
    if (seen_dirs[i] == ino) return 1;
  }
  if (seen_count < MAX_DIRS) seen_dirs[seen_count++] = ino;
  return 0;
}

static void read_file(const char* path) {
  const int fd = open(path, O_RDONLY);
  if (fd < 0) return failed(path, "open", errno);
  static char buffer[16384];
  ssize_t n = 0;
  for (long total = 0; total < READ_LIMIT && (n = read(fd, buffer, sizeof(buffer))) > 0;) {
    total += n;
  }
  if (n < 0) failed(path, "read", errno);
  close(fd);
}

static void walk(const char* path, int depth) {
  struct stat st;
  if (lstat(path, &st) != 0) return failed(path, "lstat", errno);
  ++entries;
  if (S_ISLNK(st.st_mode)) {
    char target[512];
    if (readlink(path, target, sizeof(target)) < 0) failed(path, "readlink", errno);
    return;
  }
  if (S_ISREG(st.st_mode)) return read_file(path);
  if (!S_ISDIR(st.st_mode)) return;
  if (seen(st.st_ino)) {
    printf("disk_corrupt_test: %s: a directory met twice (a loop): not entered again\n", path);
    return;
  }
  if (depth > 32) return failed(path, "walk", ELOOP);
  DIR* d = opendir(path);
  if (!d) return failed(path, "opendir", errno);
  /* Names first: the walk below opens more directories. */
  char(*names)[256] = malloc(256 * 256);
  int count = 0;
  errno = 0;
  for (struct dirent* de; (de = readdir(d));) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    if (count < 256) snprintf(names[count++], 256, "%s", de->d_name);
  }
  if (errno != 0) failed(path, "readdir", errno);
  closedir(d);
  for (int i = 0; i < count; ++i) {
    char child[1024];
    snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") == 0 ? "" : path, names[i]);
    if (strcmp(child, "/bin") != 0 && strcmp(child, "/boot") != 0) walk(child, depth + 1);
  }
  free(names);
}

/* Changes: a new file written, synced and removed; a directory made and
 * removed; then every file of the image's /victims truncated and removed
 * (the damaged ones must fail, not free blocks twice). */
static void try_changes(void) {
  const int fd = open("/probe", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    failed("/probe", "create", errno);
  } else {
    static char block[10000];
    memset(block, 'p', sizeof(block));
    if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block)) failed("/probe", "write", errno);
    if (fsync(fd) != 0) failed("/probe", "fsync", errno);
    close(fd);
    if (unlink("/probe") != 0) failed("/probe", "unlink", errno);
  }
  if (mkdir("/probe.d", 0755) != 0) {
    failed("/probe.d", "mkdir", errno);
  } else if (rmdir("/probe.d") != 0) {
    failed("/probe.d", "rmdir", errno);
  }
  DIR* d = opendir("/victims");
  if (!d) return;
  char names[16][256];
  int count = 0;
  for (struct dirent* de; (de = readdir(d)) && count < 16;) {
    if (de->d_name[0] != '.') snprintf(names[count++], 256, "%s", de->d_name);
  }
  closedir(d);
  for (int i = 0; i < count; ++i) {
    char path[300];
    snprintf(path, sizeof(path), "/victims/%s", names[i]);
    if (truncate(path, 0) != 0) failed(path, "truncate", errno);
    if (unlink(path) != 0) failed(path, "unlink", errno);
  }
  sync();
}

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  walk("/", 0);
  printf("disk_corrupt_test: walked %d entries, %d errors\n", entries, errors);
  const int before = errors;
  try_changes();
  printf("disk_corrupt_test: changes done, %d errors\n", errors - before);
  return 0;
}
