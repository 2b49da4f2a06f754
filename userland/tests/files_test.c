/* Files on the disk, end to end: libc's VFS client (userland/libc
 * fd_fsfile.c, fs_client.c, posix_fs.c) talking to fsd over the protocol
 * of <viperdos/fs_protocol.h>, on the ext2 image of //userland/disk.
 * Run by init after `fs bin/fsd` (etc/files-test.conf), so "/" is the
 * disk and "/boot", "/bin" the boot archive. Creates, writes, reads,
 * appends, renames (over an existing name, across directories), truncates
 * (REL-006), deletes, lists and syncs, checks every POSIX error the calls
 * name, passes disk fds to children (fork, posix_spawn), and leaves
 * /home/user/files_test.txt for //kernel:files_disk_test to read back
 * from the image with debugfs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include "userland/testing/utest.h"

/* libc has them; picolibc declares them only for some systems. */
int lstat(const char* path, struct stat* status);
int utime(const char* path, const struct utimbuf* times);

/* A file with exactly `text`. */
static int put(const char* path, const char* text) {
  const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  const ssize_t n = write(fd, text, strlen(text));
  const int closed = close(fd);
  return n == (ssize_t)strlen(text) && closed == 0 ? 0 : -1;
}

/* The whole file (NUL-terminated in `buffer`): its size, or -1. */
static ssize_t get(const char* path, char* buffer, size_t capacity) {
  const int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  size_t got = 0;
  for (ssize_t n; got + 1 < capacity && (n = read(fd, buffer + got, capacity - 1 - got)) > 0;) {
    got += (size_t)n;
  }
  buffer[got] = 0;
  close(fd);
  return (ssize_t)got;
}

/* Whether `path` fails `call` with `error`. */
#define FAILS_WITH(call, error) ((call) == -1 && errno == (error))

static void fresh_dir(const char* path) {
  mkdir(path, 0755); /* left over from an earlier run of the same image: fine */
}

UTEST(mounts, the_disk_is_root_and_the_archive_is_boot_and_bin) {
  struct stat s;
  const int root = stat("/", &s);
  if (root != 0) utest_log("files_test: stat(\"/\"): %s", strerror(errno));
  UASSERT(root == 0);
  UEXPECT(S_ISDIR(s.st_mode));
  UEXPECT(stat("/lost+found", &s) == 0 && S_ISDIR(s.st_mode)); /* ext2's own */
  UEXPECT(stat("/etc/motd", &s) == 0 && S_ISREG(s.st_mode) && s.st_size > 0);
  UEXPECT(stat("/boot/etc/init.conf", &s) == 0 && S_ISREG(s.st_mode));
  UEXPECT(stat("/boot/bin/sh", &s) == 0 && S_ISREG(s.st_mode));
  UEXPECT(stat("/bin/sh", &s) == 0 && S_ISREG(s.st_mode));
  DIR* d = opendir("/");
  UASSERT(d != 0);
  int boot = 0, bin = 0, tmp = 0;
  for (struct dirent* e; (e = readdir(d));) {
    boot += strcmp(e->d_name, "boot") == 0 && e->d_type == DT_DIR;
    bin += strcmp(e->d_name, "bin") == 0 && e->d_type == DT_DIR;
    tmp += strcmp(e->d_name, "tmp") == 0;
  }
  closedir(d);
  UEXPECT(boot == 1 && bin == 1 && tmp == 1); /* the mount points are listed, once */
  struct statvfs v;
  UASSERT(statvfs("/", &v) == 0);
  UEXPECT((v.f_flag & ST_RDONLY) == 0);
  UEXPECT(v.f_blocks > 0 && v.f_bfree > 0 && v.f_bfree <= v.f_blocks);
  UASSERT(statvfs("/boot", &v) == 0);
  UEXPECT(v.f_flag & ST_RDONLY);
  UEXPECT(FAILS_WITH(statvfs("/no/such", &v), ENOENT));
}

UTEST(files, create_write_read_and_stat) {
  fresh_dir("/tmp/ft");
  unlink("/tmp/ft/a");
  const char text[] = "hello, disk\n";
  const int fd = open("/tmp/ft/a", O_RDWR | O_CREAT | O_EXCL, 0640);
  UASSERT(fd >= 0);
  UEXPECT_EQ(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
  struct stat s;
  UEXPECT(fstat(fd, &s) == 0 && S_ISREG(s.st_mode) && s.st_size == (off_t)sizeof(text) - 1);
  UEXPECT_EQ(s.st_mode & 0777, 0640);
  UEXPECT_EQ(s.st_nlink, 1);
  UEXPECT_EQ(lseek(fd, 0, SEEK_SET), 0);
  char back[64] = {0};
  UEXPECT_EQ(read(fd, back, sizeof(back)), (ssize_t)sizeof(text) - 1);
  UEXPECT(strcmp(back, text) == 0);
  UEXPECT_EQ(read(fd, back, sizeof(back)), 0); /* the end */
  UEXPECT(close(fd) == 0);
  UEXPECT(FAILS_WITH(open("/tmp/ft/a", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST));
  UEXPECT(FAILS_WITH(open("/tmp/ft/missing", O_RDONLY), ENOENT));
  UEXPECT(FAILS_WITH(open("/tmp/ft/a/below", O_RDONLY), ENOTDIR));
  UEXPECT(FAILS_WITH(open("/tmp/ft", O_WRONLY), EISDIR));
  UEXPECT(FAILS_WITH(open("/tmp/ft/a", O_RDONLY | O_DIRECTORY), ENOTDIR));
  UEXPECT(FAILS_WITH(open("", O_RDONLY), ENOENT));
  char longest[300];
  memset(longest, 'n', sizeof(longest) - 1);
  longest[sizeof(longest) - 1] = 0;
  char path[320];
  snprintf(path, sizeof(path), "/tmp/%s", longest);
  UEXPECT(FAILS_WITH(open(path, O_WRONLY | O_CREAT, 0644), ENAMETOOLONG));
}

/* A script on the disk, which the kernel cannot load (it loads ELF files
 * from the archive), runs through its `#!` interpreter (libc's script.c):
 * test_helper says 42 when it got "script", the path and the arguments. */
UTEST(files, a_script_on_the_disk_runs_through_its_interpreter) {
  fresh_dir("/tmp/ft-script");
  const char script[] = "#!/bin/test_helper script\n";
  const int fd = open("/tmp/ft-script/helper-script", O_WRONLY | O_CREAT | O_TRUNC, 0755);
  UASSERT(fd >= 0);
  UEXPECT_EQ(write(fd, script, sizeof(script) - 1), (ssize_t)sizeof(script) - 1);
  UEXPECT(close(fd) == 0);
  char* const argv[] = {"helper-script", "A", "B b", 0};
  pid_t pid = 0;
  UASSERT_EQ(posix_spawn(&pid, "/tmp/ft-script/helper-script", 0, 0, argv, 0), 0);
  int status = 0;
  UEXPECT_EQ(waitpid(pid, &status, 0), pid);
  UEXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 42);
  UEXPECT(unlink("/tmp/ft-script/helper-script") == 0);
  UEXPECT(rmdir("/tmp/ft-script") == 0);
}

UTEST(files, wrong_access_modes_are_ebadf) {
  UASSERT(put("/tmp/ft/modes", "x") == 0);
  int fd = open("/tmp/ft/modes", O_RDONLY);
  UASSERT(fd >= 0);
  UEXPECT(FAILS_WITH(write(fd, "y", 1), EBADF));
  UEXPECT(FAILS_WITH(ftruncate(fd, 0), EBADF));
  close(fd);
  fd = open("/tmp/ft/modes", O_WRONLY);
  UASSERT(fd >= 0);
  char c;
  UEXPECT(FAILS_WITH(read(fd, &c, 1), EBADF));
  close(fd);
}

UTEST(files, REL006_a_short_file_over_a_long_one_keeps_no_old_tail) {
  char big[5000];
  memset(big, 'L', sizeof(big) - 1);
  big[sizeof(big) - 1] = 0;
  UASSERT(put("/tmp/ft/rel006", big) == 0);
  UASSERT(put("/tmp/ft/rel006", "short\n") == 0); /* O_TRUNC */
  char back[6000];
  UEXPECT_EQ(get("/tmp/ft/rel006", back, sizeof(back)), 6);
  UEXPECT(strcmp(back, "short\n") == 0);
  struct stat s;
  UEXPECT(stat("/tmp/ft/rel006", &s) == 0 && s.st_size == 6);
  /* Without O_TRUNC the tail stays: that is what O_TRUNC is for. */
  const int fd = open("/tmp/ft/rel006", O_WRONLY);
  UASSERT(fd >= 0);
  UEXPECT_EQ(write(fd, "S", 1), 1);
  close(fd);
  UEXPECT_EQ(get("/tmp/ft/rel006", back, sizeof(back)), 6);
  UEXPECT(strcmp(back, "Short\n") == 0);
}

UTEST(files, append_pread_pwrite_and_seek_end) {
  UASSERT(put("/tmp/ft/log", "one\n") == 0);
  int fd = open("/tmp/ft/log", O_WRONLY | O_APPEND);
  UASSERT(fd >= 0);
  UEXPECT_EQ(lseek(fd, 0, SEEK_SET), 0);
  UEXPECT_EQ(write(fd, "two\n", 4), 4); /* at the end all the same */
  UEXPECT_EQ(lseek(fd, 0, SEEK_CUR), 8);
  close(fd);
  char back[64];
  UEXPECT_EQ(get("/tmp/ft/log", back, sizeof(back)), 8);
  UEXPECT(strcmp(back, "one\ntwo\n") == 0);
  fd = open("/tmp/ft/log", O_RDWR);
  UASSERT(fd >= 0);
  UEXPECT_EQ(lseek(fd, 0, SEEK_END), 8);
  UEXPECT_EQ(lseek(fd, -4, SEEK_END), 4);
  UEXPECT(FAILS_WITH(lseek(fd, -9, SEEK_END), EINVAL));
  UEXPECT(FAILS_WITH(lseek(fd, 0, 42), EINVAL));
  UEXPECT_EQ(pwrite(fd, "TWO", 3, 4), 3);
  char part[4] = {0};
  UEXPECT_EQ(pread(fd, part, 3, 4), 3);
  UEXPECT(memcmp(part, "TWO", 3) == 0);
  UEXPECT_EQ(lseek(fd, 0, SEEK_CUR), 4); /* pread and pwrite leave the offset */
  UEXPECT(FAILS_WITH(pread(fd, part, 1, -1), EINVAL));
  /* Past the end: a hole of zeros, then the bytes. */
  UEXPECT_EQ(pwrite(fd, "Z", 1, 100), 1);
  struct stat s;
  UEXPECT(fstat(fd, &s) == 0 && s.st_size == 101);
  char zero = 'x';
  UEXPECT_EQ(pread(fd, &zero, 1, 50), 1);
  UEXPECT_EQ(zero, 0);
  UEXPECT(fsync(fd) == 0);
  close(fd);
  int p[2];
  UASSERT(pipe(p) == 0);
  UEXPECT(FAILS_WITH(pread(p[0], part, 1, 0), ESPIPE));
  close(p[0]);
  close(p[1]);
}

UTEST(files, a_megabyte_byte_exact) {
  enum { kSize = 1 << 20 };
  unsigned char* data = malloc(kSize);
  unsigned char* back = malloc(kSize);
  UASSERT(data && back);
  for (size_t i = 0; i < kSize; ++i) data[i] = (unsigned char)(i * 131 + (i >> 9));
  int fd = open("/tmp/ft/mega", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  UASSERT(fd >= 0);
  UEXPECT_EQ(write(fd, data, kSize), kSize); /* in VIPER_FS_IO_MAX pieces */
  close(fd);
  fd = open("/tmp/ft/mega", O_RDONLY);
  UASSERT(fd >= 0);
  size_t got = 0;
  for (ssize_t n; got < kSize && (n = read(fd, back + got, kSize - got)) > 0;) got += (size_t)n;
  close(fd);
  UEXPECT_EQ(got, kSize);
  UEXPECT(memcmp(data, back, kSize) == 0);
  UEXPECT(unlink("/tmp/ft/mega") == 0);
  free(data);
  free(back);
}

UTEST(files, truncate_shrinks_and_grows) {
  UASSERT(put("/tmp/ft/t", "0123456789") == 0);
  UEXPECT(truncate("/tmp/ft/t", 4) == 0);
  char back[32];
  UEXPECT_EQ(get("/tmp/ft/t", back, sizeof(back)), 4);
  UEXPECT(strcmp(back, "0123") == 0);
  const int fd = open("/tmp/ft/t", O_RDWR);
  UASSERT(fd >= 0);
  UEXPECT(ftruncate(fd, 8) == 0);
  struct stat s;
  UEXPECT(fstat(fd, &s) == 0 && s.st_size == 8);
  UEXPECT(FAILS_WITH(ftruncate(fd, -1), EINVAL));
  close(fd);
  UEXPECT_EQ(get("/tmp/ft/t", back, sizeof(back)), 8);
  UEXPECT(memcmp(back, "0123\0\0\0\0", 8) == 0);
  UEXPECT(FAILS_WITH(truncate("/tmp/ft", 0), EISDIR));
  UEXPECT(FAILS_WITH(truncate("/tmp/ft/none", 0), ENOENT));
  UEXPECT(FAILS_WITH(truncate("/boot/etc/init.conf", 0), EROFS));
}

UTEST(dirs, mkdir_rmdir_and_their_errors) {
  fresh_dir("/tmp/ft");
  rmdir("/tmp/ft/d/sub");
  rmdir("/tmp/ft/d");
  UASSERT(mkdir("/tmp/ft/d", 0755) == 0);
  struct stat s;
  UEXPECT(stat("/tmp/ft/d", &s) == 0 && S_ISDIR(s.st_mode));
  UEXPECT(FAILS_WITH(mkdir("/tmp/ft/d", 0755), EEXIST));
  UEXPECT(FAILS_WITH(mkdir("/tmp/ft/none/d", 0755), ENOENT));
  UASSERT(mkdir("/tmp/ft/d/sub", 0755) == 0);
  UEXPECT(FAILS_WITH(rmdir("/tmp/ft/d"), ENOTEMPTY));
  UEXPECT(FAILS_WITH(unlink("/tmp/ft/d"), EISDIR));
  UASSERT(put("/tmp/ft/d/file", "f") == 0);
  UEXPECT(FAILS_WITH(rmdir("/tmp/ft/d/file"), ENOTDIR));
  UEXPECT(FAILS_WITH(mkdir("/tmp/ft/d/file/x", 0755), ENOTDIR));
  UEXPECT(unlink("/tmp/ft/d/file") == 0);
  UEXPECT(FAILS_WITH(unlink("/tmp/ft/d/file"), ENOENT));
  UEXPECT(rmdir("/tmp/ft/d/sub") == 0);
  UEXPECT(rmdir("/tmp/ft/d") == 0);
  UEXPECT(FAILS_WITH(stat("/tmp/ft/d", &s), ENOENT));
  UEXPECT(FAILS_WITH(rmdir("/"), EBUSY));
  UEXPECT(FAILS_WITH(rmdir("/boot"), EBUSY));
  UEXPECT(FAILS_WITH(mkdir("/", 0755), EEXIST));
}

UTEST(dirs, readdir_lists_what_is_there) {
  fresh_dir("/tmp/ls");
  const char* names[] = {"alpha", "beta", "gamma"};
  for (int i = 0; i < 3; ++i) {
    char path[64];
    snprintf(path, sizeof(path), "/tmp/ls/%s", names[i]);
    UASSERT(put(path, names[i]) == 0);
  }
  fresh_dir("/tmp/ls/sub");
  DIR* d = opendir("/tmp/ls");
  UASSERT(d != 0);
  int seen[4] = {0};
  int others = 0;
  for (struct dirent* e; (e = readdir(d));) {
    int known = 0;
    for (int i = 0; i < 3; ++i) {
      if (strcmp(e->d_name, names[i]) == 0) {
        ++seen[i];
        known = 1;
        UEXPECT_EQ(e->d_type, DT_REG);
      }
    }
    if (strcmp(e->d_name, "sub") == 0) {
      ++seen[3];
      known = 1;
      UEXPECT_EQ(e->d_type, DT_DIR);
    }
    others += !known; /* "." and ".." are not listed */
  }
  for (int i = 0; i < 4; ++i) UEXPECT_EQ(seen[i], 1);
  UEXPECT_EQ(others, 0);
  rewinddir(d);
  int again = 0;
  while (readdir(d)) ++again;
  UEXPECT_EQ(again, 4);
  UEXPECT(closedir(d) == 0);
  UEXPECT(opendir("/tmp/ls/alpha") == 0 && errno == ENOTDIR);
  UEXPECT(opendir("/tmp/none") == 0 && errno == ENOENT);
  /* A directory of many entries comes in several READDIRs. */
  fresh_dir("/tmp/many");
  for (int i = 0; i < 300; ++i) {
    char path[64];
    snprintf(path, sizeof(path), "/tmp/many/entry-with-a-long-name-%03d", i);
    UASSERT(put(path, "") == 0);
  }
  d = opendir("/tmp/many");
  UASSERT(d != 0);
  int count = 0;
  while (readdir(d)) ++count;
  closedir(d);
  UEXPECT_EQ(count, 300);
  for (int i = 0; i < 300; ++i) {
    char path[64];
    snprintf(path, sizeof(path), "/tmp/many/entry-with-a-long-name-%03d", i);
    UEXPECT(unlink(path) == 0);
  }
  UEXPECT(rmdir("/tmp/many") == 0);
}

UTEST(rename, over_an_existing_name_and_across_directories) {
  fresh_dir("/tmp/rn");
  fresh_dir("/tmp/rn/x");
  fresh_dir("/tmp/rn/y");
  UASSERT(put("/tmp/rn/x/old", "new contents") == 0);
  UASSERT(put("/tmp/rn/x/target", "replaced") == 0);
  UEXPECT(rename("/tmp/rn/x/old", "/tmp/rn/x/target") == 0);
  char back[64];
  UEXPECT_EQ(get("/tmp/rn/x/target", back, sizeof(back)), 12);
  UEXPECT(strcmp(back, "new contents") == 0);
  struct stat s;
  UEXPECT(FAILS_WITH(stat("/tmp/rn/x/old", &s), ENOENT));
  UEXPECT(rename("/tmp/rn/x/target", "/tmp/rn/y/moved") == 0);
  UEXPECT_EQ(get("/tmp/rn/y/moved", back, sizeof(back)), 12);
  /* A directory moves with what is in it, and ".." follows. */
  UEXPECT(rename("/tmp/rn/y", "/tmp/rn/x/y") == 0);
  UEXPECT_EQ(get("/tmp/rn/x/y/moved", back, sizeof(back)), 12);
  UEXPECT(chdir("/tmp/rn/x/y") == 0);
  UEXPECT(stat("..", &s) == 0 && S_ISDIR(s.st_mode));
  UEXPECT(chdir("/") == 0);
  UEXPECT(FAILS_WITH(rename("/tmp/rn/x", "/tmp/rn/x/y/inside"), EINVAL));
  UEXPECT(FAILS_WITH(rename("/tmp/rn/none", "/tmp/rn/z"), ENOENT));
  UASSERT(put("/tmp/rn/file", "f") == 0);
  fresh_dir("/tmp/rn/empty");
  UEXPECT(FAILS_WITH(rename("/tmp/rn/x", "/tmp/rn/file"), ENOTDIR));
  UEXPECT(FAILS_WITH(rename("/tmp/rn/x/y/moved", "/tmp/rn/empty"), EISDIR));
  UEXPECT(FAILS_WITH(rename("/tmp/rn/empty", "/tmp/rn/x"), ENOTEMPTY));
  UEXPECT(rename("/tmp/rn/x/y", "/tmp/rn/empty") == 0); /* a directory over an empty one */
  UEXPECT(rename("/tmp/rn/empty", "/tmp/rn/x/y") == 0);
  UEXPECT(unlink("/tmp/rn/file") == 0);
  UEXPECT(FAILS_WITH(rename("/tmp/rn/x/y/moved", "/boot/moved"), EXDEV));
  UEXPECT(FAILS_WITH(rename("/bin/sh", "/tmp/sh"), EXDEV));
  UEXPECT(FAILS_WITH(rename("/boot", "/tmp/boot"), EXDEV)); /* as Linux: EXDEV first */
  UEXPECT(FAILS_WITH(rename("/bin", "/boot/bin2"), EBUSY));
  UEXPECT(unlink("/tmp/rn/x/y/moved") == 0);
  UEXPECT(rmdir("/tmp/rn/x/y") == 0);
  UEXPECT(rmdir("/tmp/rn/x") == 0);
}

UTEST(links, hard_and_symbolic) {
  UASSERT(put("/tmp/ft/original", "linked") == 0);
  unlink("/tmp/ft/hard");
  unlink("/tmp/ft/soft");
  UEXPECT(link("/tmp/ft/original", "/tmp/ft/hard") == 0);
  struct stat a, b;
  UEXPECT(stat("/tmp/ft/original", &a) == 0 && stat("/tmp/ft/hard", &b) == 0);
  UEXPECT(a.st_ino == b.st_ino && a.st_nlink == 2);
  /* A whole ext2 inode number (32 bits): picolibc's own ino_t is 16 bits
   * (libc/include/machine/_types.h), and files 65 536 inodes apart would
   * compare equal here. */
  UEXPECT((ino_t)-1 >= (ino_t)0xffffffffu && (ino_t)0x100000000ull != 0);
  UEXPECT(FAILS_WITH(link("/tmp/ft/original", "/tmp/ft/hard"), EEXIST));
  UEXPECT(FAILS_WITH(link("/tmp/ft", "/tmp/ft/dirlink"), EPERM));
  UEXPECT(FAILS_WITH(link("/bin/sh", "/tmp/ft/sh"), EXDEV));
  UEXPECT(symlink("original", "/tmp/ft/soft") == 0);
  char target[64] = {0};
  UEXPECT_EQ(readlink("/tmp/ft/soft", target, sizeof(target)), 8);
  UEXPECT(strcmp(target, "original") == 0);
  struct stat l;
  UEXPECT(lstat("/tmp/ft/soft", &l) == 0 && S_ISLNK(l.st_mode));
  UEXPECT(stat("/tmp/ft/soft", &l) == 0 && S_ISREG(l.st_mode) && l.st_ino == a.st_ino);
  char back[16];
  UEXPECT_EQ(get("/tmp/ft/soft", back, sizeof(back)), 6);
  UEXPECT(FAILS_WITH(readlink("/tmp/ft/original", target, sizeof(target)), EINVAL));
  UEXPECT(FAILS_WITH(readlink("/tmp/ft/none", target, sizeof(target)), ENOENT));
  UEXPECT(FAILS_WITH(symlink("x", "/tmp/ft/soft"), EEXIST));
  UEXPECT(FAILS_WITH(symlink("x", "/boot/soft"), EROFS));
  UEXPECT(unlink("/tmp/ft/soft") == 0);
  UEXPECT(stat("/tmp/ft/original", &a) == 0); /* the link went, not its target */
  UEXPECT(unlink("/tmp/ft/hard") == 0);
  UEXPECT(stat("/tmp/ft/original", &a) == 0 && a.st_nlink == 1);
}

UTEST(attributes, chmod_and_utimes) {
  UASSERT(put("/tmp/ft/attr", "a") == 0);
  UEXPECT(chmod("/tmp/ft/attr", 0600) == 0);
  struct stat s;
  UEXPECT(stat("/tmp/ft/attr", &s) == 0 && (s.st_mode & 07777) == 0600);
  const struct timeval times[2] = {{1000000000, 0}, {1200000000, 500000}};
  UEXPECT(utimes("/tmp/ft/attr", times) == 0);
  UEXPECT(stat("/tmp/ft/attr", &s) == 0);
  UEXPECT_EQ(s.st_atime, 1000000000);
  UEXPECT_EQ(s.st_mtime, 1200000000);
  UEXPECT(utimes("/tmp/ft/attr", 0) == 0); /* now */
  UEXPECT(stat("/tmp/ft/attr", &s) == 0 && s.st_mtime > 1700000000);
  const struct timeval bad[2] = {{0, 2000000}, {0, 0}};
  UEXPECT(FAILS_WITH(utimes("/tmp/ft/attr", bad), EINVAL));
  UEXPECT(FAILS_WITH(chmod("/tmp/ft/none", 0600), ENOENT));
  UEXPECT(FAILS_WITH(chmod("/boot/etc/init.conf", 0600), EROFS));
}

UTEST(attributes, the_umask_takes_bits_from_new_files_and_directories) {
  struct stat s;
  UEXPECT_EQ(umask(022), 022); /* what a program starts with */
  const int fd = open("/tmp/ft/masked", O_CREAT | O_WRONLY | O_TRUNC, 0666);
  UASSERT(fd >= 0);
  close(fd);
  UEXPECT(stat("/tmp/ft/masked", &s) == 0 && (s.st_mode & 0777) == 0644);
  UEXPECT(mkdir("/tmp/ft/maskdir", 0777) == 0);
  UEXPECT(stat("/tmp/ft/maskdir", &s) == 0 && (s.st_mode & 0777) == 0755);
  UEXPECT_EQ(umask(0), 022);
  UEXPECT(unlink("/tmp/ft/masked") == 0);
  const int again = open("/tmp/ft/masked", O_CREAT | O_WRONLY, 0666);
  UASSERT(again >= 0);
  close(again);
  UEXPECT(stat("/tmp/ft/masked", &s) == 0 && (s.st_mode & 0777) == 0666);
  umask(022);
  UEXPECT(unlink("/tmp/ft/masked") == 0 && rmdir("/tmp/ft/maskdir") == 0);
}

UTEST(bad_input, each_call_refuses_it_with_its_error) {
  UASSERT(put("/tmp/ft/bad", "b") == 0);
  const int fd = open("/tmp/ft/bad", O_RDWR);
  UASSERT(fd >= 0);
  UEXPECT(FAILS_WITH(pwrite(fd, "x", 1, -1), EINVAL));
  UEXPECT(FAILS_WITH(pwrite(99, "x", 1, 0), EBADF));
  UEXPECT(FAILS_WITH(pread(fd, 0, 1, 0), EFAULT));
  UEXPECT(fchmod(fd, 0600) == 0);
  struct stat s;
  UEXPECT(fstat(fd, &s) == 0 && (s.st_mode & 0777) == 0600);
  const struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
  UEXPECT(FAILS_WITH(futimens(fd, bad), EINVAL));
  const struct timespec set[2] = {{1100000000, 0}, {1300000000, 0}};
  UEXPECT(futimens(fd, set) == 0);
  UEXPECT(fstat(fd, &s) == 0 && s.st_mtime == 1300000000 && s.st_atime == 1100000000);
  UEXPECT(FAILS_WITH(futimens(99, 0), EBADF));
  struct statvfs v;
  UEXPECT(fstatvfs(fd, &v) == 0 && !(v.f_flag & ST_RDONLY));
  close(fd);
  const int boot = open("/boot/etc/init.conf", O_RDONLY);
  UASSERT(boot >= 0);
  UEXPECT(FAILS_WITH(fchmod(boot, 0600), EROFS));
  UEXPECT(FAILS_WITH(futimens(boot, 0), EROFS));
  UEXPECT(FAILS_WITH(ftruncate(boot, 0), EROFS));
  UEXPECT(fsync(boot) == 0); /* nothing of the archive waits to be written */
  UEXPECT(fstatvfs(boot, &v) == 0 && (v.f_flag & ST_RDONLY));
  close(boot);
  int p[2];
  UASSERT(pipe(p) == 0);
  UEXPECT(FAILS_WITH(fstatvfs(p[0], &v), EINVAL));
  UEXPECT(FAILS_WITH(fsync(p[1]), EINVAL));
  close(p[0]);
  close(p[1]);
  UEXPECT(FAILS_WITH(fstatvfs(99, &v), EBADF));
  UEXPECT(FAILS_WITH(statvfs("/", 0), EFAULT));
  const struct utimbuf times = {5, 6};
  UEXPECT(FAILS_WITH(utime("/tmp/ft/none", &times), ENOENT));
  UEXPECT(utime("/tmp/ft/bad", &times) == 0);
  UEXPECT(stat("/tmp/ft/bad", &s) == 0 && s.st_mtime == 6);
  UEXPECT(FAILS_WITH(symlink("", "/tmp/ft/empty_link"), ENOENT));
  char target[8];
  UEXPECT(FAILS_WITH(readlink("/tmp/ft/bad", target, 0), EINVAL));
  UEXPECT(FAILS_WITH(stat("/tmp/ft/bad", 0), EFAULT));
  UEXPECT(FAILS_WITH(open("/tmp/ft/bad/", O_RDONLY), ENOTDIR));
  UEXPECT(FAILS_WITH(stat("/tmp/ft/bad/", &s), ENOTDIR));
  UEXPECT(FAILS_WITH(open("/tmp/ft/new/", O_WRONLY | O_CREAT, 0644), EISDIR));
  UEXPECT(stat("/tmp/ft/", &s) == 0 && S_ISDIR(s.st_mode));
  UEXPECT(FAILS_WITH(stat("/boot/etc/init.conf/", &s), ENOTDIR));
  UEXPECT(FAILS_WITH(mkdir("", 0755), ENOENT));
  UEXPECT(FAILS_WITH(link("/tmp/ft/none", "/tmp/ft/other"), ENOENT));
  UEXPECT(unlink("/tmp/ft/bad") == 0);
}

UTEST(archive, is_read_only_under_boot_and_bin) {
  UEXPECT(FAILS_WITH(open("/boot/etc/init.conf", O_WRONLY), EROFS));
  UEXPECT(FAILS_WITH(open("/boot/new", O_WRONLY | O_CREAT, 0644), EROFS));
  UEXPECT(FAILS_WITH(unlink("/bin/sh"), EROFS));
  UEXPECT(FAILS_WITH(mkdir("/boot/new", 0755), EROFS));
  UEXPECT(FAILS_WITH(mkdir("/bin", 0755), EEXIST));
  UEXPECT(FAILS_WITH(rmdir("/boot/etc"), EROFS));
  UEXPECT(access("/boot/etc/init.conf", R_OK) == 0);
  UEXPECT(FAILS_WITH(access("/boot/etc/init.conf", W_OK), EROFS));
  UEXPECT(access("/etc/motd", W_OK) == 0);
  char back[4096];
  UEXPECT(get("/boot/etc/init.conf", back, sizeof(back)) > 0);
}

/* Archive files are told apart by (st_dev, st_ino) like disk files: one
 * file has one number (through /bin and /boot/bin too), two files two,
 * and the archive is another device than the disk. */
UTEST(archive, files_have_their_own_inode_numbers) {
  struct stat sh, sh_again, cat, disk;
  UASSERT(stat("/bin/sh", &sh) == 0 && stat("/boot/bin/sh", &sh_again) == 0);
  UASSERT(stat("/bin/cat", &cat) == 0 && stat("/etc/motd", &disk) == 0);
  UEXPECT(sh.st_ino != 0 && sh.st_ino == sh_again.st_ino && sh.st_dev == sh_again.st_dev);
  UEXPECT(sh.st_ino != cat.st_ino);
  UEXPECT(sh.st_dev != disk.st_dev);
}

UTEST(cwd, chdir_into_disk_directories) {
  fresh_dir("/tmp/cw");
  fresh_dir("/tmp/cw/in");
  UASSERT(chdir("/tmp/cw/in") == 0);
  char now[128];
  UEXPECT(getcwd(now, sizeof(now)) && strcmp(now, "/tmp/cw/in") == 0);
  UEXPECT(put("relative", "here") == 0);
  char back[16];
  UEXPECT_EQ(get("/tmp/cw/in/relative", back, sizeof(back)), 4);
  UEXPECT(chdir("..") == 0);
  UEXPECT_EQ(get("in/relative", back, sizeof(back)), 4);
  UEXPECT(FAILS_WITH(chdir("in/relative"), ENOTDIR));
  UEXPECT(FAILS_WITH(chdir("/tmp/cw/none"), ENOENT));
  UEXPECT(chdir("/boot/bin") == 0);
  struct stat s;
  UEXPECT(stat("sh", &s) == 0 && S_ISREG(s.st_mode));
  UEXPECT(chdir("/") == 0);
  UEXPECT(unlink("/tmp/cw/in/relative") == 0);
  UEXPECT(rmdir("/tmp/cw/in") == 0);
}

/* Waits for `pid`: its exit status as waitpid gives it, or -1. */
static int wait_for(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The child shares the description, offset and all (POSIX): what it
 * writes is not overwritten by the parent's next write. */
UTEST(children, fork_keeps_disk_fds_and_the_root) {
  const int fd = open("/tmp/ft/forked", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  UASSERT(fd >= 0);
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    /* The child's own connections: clones the parent made for it. */
    const int ok = write(fd, "child\n", 6) == 6 && put("/tmp/ft/from_child", "c") == 0;
    _exit(ok ? 0 : 1);
  }
  UEXPECT_EQ(wait_for(pid), 0);
  UEXPECT_EQ(write(fd, "parent\n", 7), 7);
  close(fd);
  char back[32];
  UEXPECT_EQ(get("/tmp/ft/from_child", back, sizeof(back)), 1);
  UEXPECT_EQ(get("/tmp/ft/forked", back, sizeof(back)), 13);
  UEXPECT(strcmp(back, "child\nparent\n") == 0);
}

UTEST(children, posix_spawn_passes_disk_fds_and_the_root) {
  UASSERT(put("/tmp/ft/in", "through cat\n") == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/tmp/ft/in", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/tmp/ft/out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  char* argv[] = {"cat", 0};
  pid_t pid;
  UASSERT(posix_spawn(&pid, "/bin/cat", &actions, 0, argv, 0) == 0);
  posix_spawn_file_actions_destroy(&actions);
  UEXPECT_EQ(wait_for(pid), 0);
  char back[32];
  UEXPECT_EQ(get("/tmp/ft/out", back, sizeof(back)), 12);
  UEXPECT(strcmp(back, "through cat\n") == 0);
  /* The child has the root too: it opens a disk path itself. */
  char* cat_path[] = {"cat", "/tmp/ft/in", 0};
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/tmp/ft/out2", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  UASSERT(posix_spawn(&pid, "/bin/cat", &actions, 0, cat_path, 0) == 0);
  posix_spawn_file_actions_destroy(&actions);
  UEXPECT_EQ(wait_for(pid), 0);
  UEXPECT_EQ(get("/tmp/ft/out2", back, sizeof(back)), 12);
  /* The child's writes move the parent's offset too (one description):
   * the shell's `{ echo a; cmd; echo c; } > f`. */
  const int shared = open("/tmp/ft/shared", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  UASSERT(shared >= 0);
  UEXPECT_EQ(write(shared, "a\n", 2), 2);
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, shared, 1);
  char* echo[] = {"echo", "from the child", 0};
  UASSERT(posix_spawn(&pid, "/bin/echo", &actions, 0, echo, 0) == 0);
  posix_spawn_file_actions_destroy(&actions);
  UEXPECT_EQ(wait_for(pid), 0);
  UEXPECT_EQ(lseek(shared, 0, SEEK_CUR), 17);
  UEXPECT_EQ(write(shared, "c\n", 2), 2);
  close(shared);
  char all[64];
  UEXPECT_EQ(get("/tmp/ft/shared", all, sizeof(all)), 19);
  UEXPECT(strcmp(all, "a\nfrom the child\nc\n") == 0);
  /* A file without an execute bit is no program (POSIX: EACCES). */
  char* none[] = {"x", 0};
  UEXPECT_EQ(posix_spawn(&pid, "/tmp/ft/in", 0, 0, none, 0), EACCES);
}

/* `from` copied to `to` with `mode`: 0 or -1. */
static int copy_file(const char* from, const char* to, mode_t mode) {
  const int in = open(from, O_RDONLY);
  const int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
  char buffer[4096];
  ssize_t n = in >= 0 && out >= 0 ? 0 : -1;
  while (n >= 0 && (n = read(in, buffer, sizeof(buffer))) > 0) {
    if (write(out, buffer, (size_t)n) != n) n = -1;
  }
  if (in >= 0) close(in);
  if (out >= 0 && close(out) != 0) n = -1;
  return n == 0 && chmod(to, mode) == 0 ? 0 : -1;
}

/* A program copied onto the disk runs from there: posix_spawn, execv,
 * posix_spawnp along PATH (libc reads it into a memory object for the
 * kernel). Without an execute bit it is refused, and a file that is no
 * ELF and no script is no program. */
UTEST(children, a_program_on_the_disk_runs) {
  UASSERT(copy_file("/bin/echo", "/tmp/ft/my-echo", 0755) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/tmp/ft/echoed", O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  char* argv[] = {"my-echo", "from", "the disk", 0};
  pid_t pid;
  UASSERT_EQ(posix_spawn(&pid, "/tmp/ft/my-echo", &actions, 0, argv, 0), 0);
  UEXPECT_EQ(wait_for(pid), 0);
  char back[64];
  UEXPECT_EQ(get("/tmp/ft/echoed", back, sizeof(back)), 14);
  UEXPECT(strcmp(back, "from the disk\n") == 0);
  /* The caller's PATH, as execvp's (POSIX). */
  const char* path = getenv("PATH");
  char* saved = path ? strdup(path) : 0;
  UASSERT(setenv("PATH", "/boot:/tmp/ft", 1) == 0);
  const int spawned = posix_spawnp(&pid, "my-echo", &actions, 0, argv, 0);
  if (saved)
    setenv("PATH", saved, 1);
  else
    unsetenv("PATH");
  free(saved);
  UASSERT_EQ(spawned, 0);
  posix_spawn_file_actions_destroy(&actions);
  UEXPECT_EQ(wait_for(pid), 0);
  pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    const int out = open("/tmp/ft/echoed", O_WRONLY | O_TRUNC);
    if (out < 0 || dup2(out, 1) != 1) _exit(30);
    char* exec_argv[] = {"my-echo", "exec'd", 0};
    execv("/tmp/ft/my-echo", exec_argv);
    _exit(31);
  }
  UEXPECT_EQ(wait_for(pid), 0);
  UEXPECT_EQ(get("/tmp/ft/echoed", back, sizeof(back)), 7);
  UEXPECT(strcmp(back, "exec'd\n") == 0);
  UASSERT(chmod("/tmp/ft/my-echo", 0644) == 0);
  UEXPECT_EQ(posix_spawn(&pid, "/tmp/ft/my-echo", 0, 0, argv, 0), EACCES);
  UASSERT(put("/tmp/ft/not-a-program", "just text\n") == 0 &&
          chmod("/tmp/ft/not-a-program", 0755) == 0);
  UEXPECT_EQ(posix_spawn(&pid, "/tmp/ft/not-a-program", 0, 0, argv, 0), ENOEXEC);
  UEXPECT_EQ(execv("/tmp/ft/not-a-program", argv), -1);
  UEXPECT_EQ(errno, ENOEXEC);
  UEXPECT(unlink("/tmp/ft/my-echo") == 0 && unlink("/tmp/ft/not-a-program") == 0);
}

UTEST(children, execve_keeps_disk_fds_but_not_close_on_exec_ones) {
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    const int out = open("/tmp/ft/exec_out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int kept = open("/etc/motd", O_RDONLY);
    const int dropped = open("/etc/motd", O_RDONLY | O_CLOEXEC);
    if (out < 0 || dup2(out, 1) != 1 || dup2(kept, 8) != 8 || dup2(dropped, 9) != 9 ||
        fcntl(9, F_SETFD, FD_CLOEXEC) != 0) {
      _exit(30);
    }
    close(out);
    close(kept);
    close(dropped);
    /* The offset goes along: the helper's output starts after this. */
    if (write(1, "before ", 7) != 7) _exit(31);
    char* argv[] = {"fd_helper", "fds", 0};
    execv("/bin/fd_helper", argv);
    _exit(32);
  }
  UEXPECT_EQ(wait_for(pid), 0);
  char back[256];
  UASSERT(get("/tmp/ft/exec_out", back, sizeof(back)) > 0);
  utest_log("files_test: exec'd helper: %s", back);
  UEXPECT(strncmp(back, "before open:", 12) == 0);
  UEXPECT(strstr(back, " 8") != 0);
  UEXPECT(strstr(back, " 9") == 0);
}

UTEST(sync, and_the_file_the_image_check_reads) {
  fresh_dir("/home");
  fresh_dir("/home/user");
  UASSERT(put("/home/user/files_test.txt", "written by files_test on ViperDOS\n") == 0);
  const int fd = open("/home/user/files_test.txt", O_WRONLY | O_APPEND);
  UASSERT(fd >= 0);
  UEXPECT_EQ(write(fd, "and appended\n", 13), 13);
  UEXPECT(fsync(fd) == 0);
  close(fd);
  sync();
  UEXPECT(FAILS_WITH(fsync(-1), EBADF));
  UEXPECT(FAILS_WITH(fsync(99), EBADF));
}
