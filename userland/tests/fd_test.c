/* File descriptors (userland/libc fdio): pipes between threads and
 * processes, end of file, EPIPE and SIGPIPE, a megabyte byte-exact,
 * FD_CLOEXEC across posix_spawn, dup2, boot files and directories, the
 * working directory, terminals and termios, stdio on fds, USER-002 (eight
 * threads' lines through a pipe, whole), and 500 spawns that leave no fds,
 * processes or memory behind. The children are bin/fd_helper. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <viperdos/console.h>
#include <viperdos/stream.h>
#include <viperdos/viper.h>

#include "userland/libc/children.h"
#include "userland/libc/startup.h"
#include "userland/testing/utest.h"

#define HELPER "/bin/fd_helper"
#define CONFIG "/etc/init.conf"

/* Waits for child `pid` (posix_spawn registered it): its exit code. */
static int64_t wait_child(pid_t pid) {
  const viper_handle_t process = __viper_child_take(pid);
  if (!process) return INT64_MIN;
  int64_t code = INT64_MIN;
  if (viper_process_wait(process, &code) != 0) code = INT64_MIN;
  viper_handle_close(process);
  return code;
}

/* Reads until end of file into `buffer` (at most `capacity`): the count. */
static size_t read_all(int fd, char* buffer, size_t capacity) {
  size_t got = 0;
  for (;;) {
    const ssize_t n = read(fd, buffer + got, capacity - got);
    if (n <= 0) return got;
    got += (size_t)n;
    if (got == capacity) return got;
  }
}

/* Kills a child that has not ended within 60 s, so a test whose child
 * hangs fails (its exit code is VIPER_EXIT_KILLED) instead of hanging. */
static void* watchdog(void* arg) {
  const pid_t pid = (pid_t)(intptr_t)arg;
  int64_t pids[256];
  viper_handle_t handles[256];
  const int n = __viper_children(pids, handles, 256);
  for (int i = 0; i < n && i < 256; ++i) {
    if (pids[i] != pid) continue;
    struct viper_object_info info;
    if (viper_object_info(handles[i], &info) != 0) break;
    const int64_t process = viper_handle_duplicate(handles[i], info.rights);
    if (process < 0) break;
    if (viper_object_wait((viper_handle_t)process, VIPER_SIGNAL_TERMINATED,
                          viper_deadline_after(60000000000ull)) == VIPER_ERR_TIMED_OUT) {
      utest_log("fd_test: child %d hung; killed", (int)pid);
      viper_process_kill((viper_handle_t)process);
    }
    viper_handle_close((viper_handle_t)process);
  }
  return 0;
}

/* Spawns the helper with stdout on a pipe, runs it to its end and returns
 * its output (NUL-terminated, in `out`) and exit code. */
static int64_t run_helper_with(char* const argv[], char* out, size_t capacity, int guard_it) {
  int p[2];
  if (pipe(p) != 0) return INT64_MIN;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, p[1], 1);
  posix_spawn_file_actions_addclose(&actions, p[0]);
  posix_spawn_file_actions_addclose(&actions, p[1]);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, HELPER, &actions, 0, argv, 0);
  posix_spawn_file_actions_destroy(&actions);
  close(p[1]);
  pthread_t guard;
  const int guarded =
      guard_it && spawned == 0 && pthread_create(&guard, 0, watchdog, (void*)(intptr_t)pid) == 0;
  size_t got = spawned == 0 ? read_all(p[0], out, capacity - 1) : 0;
  out[got] = 0;
  close(p[0]);
  const int64_t code = spawned == 0 ? wait_child(pid) : INT64_MIN;
  if (guarded) pthread_join(guard, 0);
  return code;
}

static int64_t run_helper(char* const argv[], char* out, size_t capacity) {
  return run_helper_with(argv, out, capacity, 0);
}

/* The same with the watchdog, for children that could hang. */
static int64_t run_guarded(char* const argv[], char* out, size_t capacity) {
  return run_helper_with(argv, out, capacity, 1);
}

/* ---- pipes ---- */

struct writer {
  int fd;
  const char* bytes;
  size_t size;
  size_t chunk;
};

static void* write_then_close(void* arg) {
  const struct writer* w = arg;
  for (size_t done = 0; done < w->size;) {
    size_t n = w->size - done < w->chunk ? w->size - done : w->chunk;
    const ssize_t wrote = write(w->fd, w->bytes + done, n);
    if (wrote <= 0) break;
    done += (size_t)wrote;
  }
  close(w->fd);
  return 0;
}

UTEST(pipe, carries_bytes_between_threads_and_ends_when_the_writer_closes) {
  int p[2];
  UASSERT_EQ(pipe(p), 0);
  struct writer w = {p[1], "hello, pipe", 11, 4};
  pthread_t t;
  UASSERT_EQ(pthread_create(&t, 0, write_then_close, &w), 0);
  char buffer[32] = {0};
  UEXPECT_EQ(read_all(p[0], buffer, sizeof(buffer)), 11);
  UEXPECT(strcmp(buffer, "hello, pipe") == 0);
  UEXPECT_EQ(read(p[0], buffer, sizeof(buffer)), 0); /* still the end */
  pthread_join(t, 0);
  UEXPECT_EQ(close(p[0]), 0);
}

UTEST(pipe, a_read_keeps_the_unread_rest_of_a_message) {
  int p[2];
  UASSERT_EQ(pipe(p), 0);
  UEXPECT_EQ(write(p[1], "0123456789", 10), 10);
  char buffer[16] = {0};
  UEXPECT_EQ(read(p[0], buffer, 3), 3);
  UEXPECT(memcmp(buffer, "012", 3) == 0);
  UEXPECT_EQ(read(p[0], buffer, sizeof(buffer)), 7);
  UEXPECT(memcmp(buffer, "3456789", 7) == 0);
  UEXPECT_EQ(read(p[0], buffer, 0), 0);
  close(p[0]);
  close(p[1]);
}

UTEST(pipe, end_of_file_only_once_every_writer_is_closed) {
  int p[2];
  UASSERT_EQ(pipe(p), 0);
  const int second = dup(p[1]);
  UASSERT(second > p[1]);
  UEXPECT_EQ(close(p[1]), 0);
  UEXPECT_EQ(write(second, "x", 1), 1); /* the description lives on in the dup */
  UEXPECT_EQ(close(second), 0);
  char c = 0;
  UEXPECT_EQ(read(p[0], &c, 1), 1);
  UEXPECT_EQ(c, 'x');
  UEXPECT_EQ(read(p[0], &c, 1), 0);
  close(p[0]);
}

UTEST(pipe, writing_with_no_reader_is_epipe) {
  int p[2];
  UASSERT_EQ(pipe(p), 0);
  signal(SIGPIPE, SIG_IGN);
  UEXPECT_EQ(close(p[0]), 0);
  errno = 0;
  UEXPECT_EQ(write(p[1], "x", 1), -1);
  UEXPECT_EQ(errno, EPIPE);
  signal(SIGPIPE, SIG_DFL);
  close(p[1]);
}

UTEST(pipe, the_wrong_end_is_ebadf) {
  int p[2];
  UASSERT_EQ(pipe(p), 0);
  char c;
  errno = 0;
  UEXPECT_EQ(read(p[1], &c, 1), -1);
  UEXPECT_EQ(errno, EBADF);
  errno = 0;
  UEXPECT_EQ(write(p[0], "x", 1), -1);
  UEXPECT_EQ(errno, EBADF);
  errno = 0;
  UEXPECT_EQ(lseek(p[0], 0, SEEK_SET), -1);
  UEXPECT_EQ(errno, ESPIPE);
  UEXPECT_EQ(pipe(0), -1);
  UEXPECT_EQ(errno, EFAULT);
  close(p[0]);
  close(p[1]);
}

UTEST(pipe, a_mebibyte_arrives_byte_exact) {
  enum { SIZE = 1 << 20 };
  char* sent = malloc(SIZE);
  char* got = malloc(SIZE + 1);
  UASSERT(sent && got);
  uint32_t x = 12345;
  for (int i = 0; i < SIZE; ++i) {
    x = x * 1103515245u + 12345u;
    sent[i] = (char)(x >> 16);
  }
  int p[2];
  UASSERT_EQ(pipe(p), 0);
  /* Odd chunks, some above a message's VIPER_STREAM_DATA_MAX. */
  struct writer w = {p[1], sent, SIZE, 100003};
  pthread_t t;
  UASSERT_EQ(pthread_create(&t, 0, write_then_close, &w), 0);
  size_t total = 0;
  const uint64_t start = viper_clock_monotonic();
  for (;;) {
    const ssize_t n = read(p[0], got + total, 7777); /* reads across messages */
    if (n <= 0) break;
    total += (size_t)n;
    if (total > SIZE) break;
  }
  const uint64_t ns = viper_clock_monotonic() - start;
  pthread_join(t, 0);
  utest_log("fd_test: 1 MiB through a pipe in %llu us (%llu MiB/s)",
            (unsigned long long)(ns / 1000), (unsigned long long)(1000000000ull / (ns ? ns : 1)));
  UEXPECT_EQ(total, SIZE);
  UEXPECT(memcmp(sent, got, SIZE) == 0);
  close(p[0]);
  free(sent);
  free(got);
}

/* ---- between processes ---- */

UTEST(spawn, a_child_copies_one_pipe_to_another) {
  int in[2], out[2];
  UASSERT_EQ(pipe(in), 0);
  UASSERT_EQ(pipe(out), 0);
  posix_spawn_file_actions_t actions;
  UASSERT_EQ(posix_spawn_file_actions_init(&actions), 0);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, in[0]);
  posix_spawn_file_actions_addclose(&actions, in[1]);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_addclose(&actions, out[1]);
  char* const argv[] = {HELPER, "cat", 0};
  pid_t pid = 0;
  UASSERT_EQ(posix_spawn(&pid, HELPER, &actions, 0, argv, 0), 0);
  posix_spawn_file_actions_destroy(&actions);
  UEXPECT(pid > 0);
  close(in[0]);
  close(out[1]);
  static char text[200000], echo[200001];
  for (size_t i = 0; i < sizeof(text); ++i) text[i] = (char)('A' + i % 53);
  struct writer w = {in[1], text, sizeof(text), 65536};
  pthread_t t;
  UASSERT_EQ(pthread_create(&t, 0, write_then_close, &w), 0);
  UEXPECT_EQ(read_all(out[0], echo, sizeof(echo)), sizeof(text));
  UEXPECT(memcmp(text, echo, sizeof(text)) == 0);
  pthread_join(t, 0);
  close(out[0]);
  UEXPECT_EQ(wait_child(pid), 0);
}

UTEST(spawn, fds_with_cloexec_stay_behind) {
  int p[2];
  UASSERT_EQ(pipe(p), 0);
  const int kept = dup2(p[0], 20);
  const int dropped = dup2(p[0], 21);
  UASSERT_EQ(kept, 20);
  UASSERT_EQ(dropped, 21);
  UEXPECT_EQ(fcntl(dropped, F_SETFD, FD_CLOEXEC), 0);
  const int opened = open(CONFIG, O_RDONLY | O_CLOEXEC);
  UASSERT(opened >= 0);
  char* const argv[] = {HELPER, "fds", 0};
  char out[256];
  UEXPECT_EQ(run_helper(argv, out, sizeof(out)), 0);
  utest_log("fd_test: the child had %s", out);
  UEXPECT(strstr(out, " 20") != 0);
  UEXPECT(strstr(out, " 21") == 0);
  char opened_text[8];
  snprintf(opened_text, sizeof(opened_text), " %d ", opened);
  UEXPECT(strstr(out, opened_text) == 0);
  UEXPECT(strncmp(out, "open: 0 1 2", 11) == 0);
  close(p[0]);
  close(p[1]);
  close(kept);
  close(dropped);
  close(opened);
}

/* What execve will pass (startup.h): this process's inheritable fds, here
 * with stdout on a pipe for a moment, reach a program spawned with the
 * channel as its bootstrap, and FD_CLOEXEC ones do not. */
UTEST(spawn, the_exec_startup_channel_carries_the_inheritable_fds) {
  int p[2];
  UASSERT_EQ(pipe(p), 0);
  const int hidden = fcntl(p[0], F_DUPFD_CLOEXEC, 30);
  UASSERT(hidden >= 30);
  const int saved = dup(1);
  UASSERT(saved >= 0);
  UASSERT_EQ(dup2(p[1], 1), 1);
  const int64_t channel = __viper_startup_channel_for_exec();
  dup2(saved, 1);
  close(saved);
  UASSERT(channel > 0);
  const char* const argv[] = {"bin/fd_helper", "fds"};
  const struct viper_spawn_args args = {.path = argv[0],
                                        .argv = argv,
                                        .argc = 2,
                                        .envp = 0,
                                        .envc = 0,
                                        .bootstrap = (viper_handle_t)channel};
  const int64_t process = viper_process_spawn(&args);
  UASSERT(process > 0);
  close(p[1]);
  char out[256];
  out[read_all(p[0], out, sizeof(out) - 1)] = 0;
  int64_t code = -1;
  UEXPECT_EQ(viper_process_wait((viper_handle_t)process, &code), 0);
  UEXPECT_EQ(code, 0);
  viper_handle_close((viper_handle_t)process);
  UEXPECT(strncmp(out, "open: 0 1 2", 11) == 0); /* its stdout was our pipe */
  char hidden_text[8];
  snprintf(hidden_text, sizeof(hidden_text), " %d", hidden);
  UEXPECT(strstr(out, hidden_text) == 0);
  close(p[0]);
  close(hidden);
}

UTEST(spawn, the_child_starts_in_the_parents_directory_with_its_arguments) {
  UASSERT_EQ(chdir("/etc"), 0);
  char* const argv[] = {HELPER, "where", "a", "b c", 0};
  char out[256];
  UEXPECT_EQ(run_helper(argv, out, sizeof(out)), 0);
  UEXPECT(strcmp(out, "cwd=/etc args=a b c\n") == 0);
  UEXPECT_EQ(chdir("/"), 0);
}

UTEST(spawn, posix_spawnp_searches_the_path_and_bad_input_is_refused) {
  char* const argv[] = {"fd_helper", "exit", "7", 0};
  pid_t pid = 0;
  UASSERT_EQ(posix_spawnp(&pid, "fd_helper", 0, 0, argv, 0), 0); /* default PATH: /bin */
  UEXPECT_EQ(wait_child(pid), 7);
  UEXPECT_EQ(posix_spawnp(&pid, "no_such_program", 0, 0, argv, 0), ENOENT);
  UEXPECT_EQ(posix_spawn(&pid, "/bin/no_such_program", 0, 0, argv, 0), ENOENT);
  UEXPECT_EQ(posix_spawn(&pid, "/bin/corrupt", 0, 0, argv, 0), ENOEXEC);
  UEXPECT_EQ(posix_spawn(&pid, HELPER, 0, 0, 0, 0), EINVAL);
  UEXPECT_EQ(posix_spawn(&pid, 0, 0, 0, argv, 0), EINVAL);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  UEXPECT_EQ(posix_spawn_file_actions_adddup2(&actions, -1, 1), EBADF);
  UEXPECT_EQ(posix_spawn_file_actions_addclose(&actions, 4096), EBADF);
  posix_spawn_file_actions_addopen(&actions, 3, "/etc/missing", O_RDONLY, 0);
  UEXPECT_EQ(posix_spawn(&pid, HELPER, &actions, 0, argv, 0), ENOENT);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, 77, 1); /* 77 is not open */
  UEXPECT_EQ(posix_spawn(&pid, HELPER, &actions, 0, argv, 0), EBADF);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  UEXPECT_EQ(posix_spawnattr_setflags(&attr, 0x4000), EINVAL);
  UEXPECT_EQ(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP), 0);
  UEXPECT_EQ(posix_spawn(&pid, HELPER, 0, &attr, argv, 0), ENOTSUP);
  posix_spawnattr_destroy(&attr);
}

UTEST(spawn, a_writer_whose_reader_left_ends_by_sigpipe) {
  int p[2];
  UASSERT_EQ(pipe(p), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, p[1], 1);
  posix_spawn_file_actions_addclose(&actions, p[0]);
  posix_spawn_file_actions_addclose(&actions, p[1]);
  char* const argv[] = {HELPER, "yes", 0};
  pid_t pid = 0;
  UASSERT_EQ(posix_spawn(&pid, HELPER, &actions, 0, argv, 0), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(p[1]);
  char buffer[64];
  UEXPECT(read(p[0], buffer, sizeof(buffer)) > 0);
  close(p[0]);
  UEXPECT_EQ(wait_child(pid), -SIGPIPE);
}

/* ---- boot files ---- */

UTEST(files, open_read_lseek_and_fstat_a_boot_file) {
  const int64_t size = viper_bootfs_stat("etc/init.conf");
  UASSERT(size > 0);
  const int fd = open(CONFIG, O_RDONLY);
  UASSERT(fd >= 0);
  struct stat s;
  UEXPECT_EQ(fstat(fd, &s), 0);
  UEXPECT(S_ISREG(s.st_mode));
  UEXPECT_EQ(s.st_size, size);
  char* whole = malloc((size_t)size + 1);
  UASSERT(whole);
  UEXPECT_EQ(read_all(fd, whole, (size_t)size + 1), size);
  UEXPECT_EQ(read(fd, whole, 1), 0);
  UEXPECT_EQ(lseek(fd, 2, SEEK_SET), 2);
  char again[4];
  UEXPECT_EQ(read(fd, again, 4), 4);
  UEXPECT(memcmp(again, whole + 2, 4) == 0);
  UEXPECT_EQ(lseek(fd, -1, SEEK_CUR), 5);
  UEXPECT_EQ(lseek(fd, 0, SEEK_END), size);
  UEXPECT_EQ(lseek(fd, -1, SEEK_SET), -1);
  UEXPECT_EQ(errno, EINVAL);
  UEXPECT_EQ(lseek(fd, 0, 42), -1);
  UEXPECT_EQ(errno, EINVAL);
  const int copy = dup(fd);
  UEXPECT_EQ(lseek(copy, 1, SEEK_SET), 1);
  UEXPECT_EQ(lseek(fd, 0, SEEK_CUR), 1); /* dup shares the offset */
  UEXPECT_EQ(stat("etc/../etc/init.conf", &s), 0);
  UEXPECT_EQ(s.st_size, size);
  close(copy);
  close(fd);
  free(whole);
}

UTEST(files, the_archive_is_read_only_and_bad_fds_are_ebadf) {
  errno = 0;
  UEXPECT_EQ(open(CONFIG, O_WRONLY), -1);
  UEXPECT_EQ(errno, EROFS);
  UEXPECT_EQ(open(CONFIG, O_RDWR), -1);
  UEXPECT_EQ(errno, EROFS);
  UEXPECT_EQ(open("/etc/new", O_WRONLY | O_CREAT, 0644), -1);
  UEXPECT_EQ(errno, EROFS);
  UEXPECT_EQ(open("/etc/missing", O_RDONLY), -1);
  UEXPECT_EQ(errno, ENOENT);
  UEXPECT_EQ(open("", O_RDONLY), -1);
  UEXPECT_EQ(errno, ENOENT);
  UEXPECT_EQ(open(CONFIG "/x", O_RDONLY), -1);
  UEXPECT_EQ(access(CONFIG, R_OK), 0);
  UEXPECT_EQ(access(CONFIG, W_OK), -1);
  UEXPECT_EQ(errno, EROFS);
  UEXPECT_EQ(access("/nope", F_OK), -1);
  UEXPECT_EQ(errno, ENOENT);
  UEXPECT_EQ(access(CONFIG, 0x100), -1);
  UEXPECT_EQ(errno, EINVAL);
  UEXPECT_EQ(unlink(CONFIG), -1);
  UEXPECT_EQ(errno, EROFS);
  char c;
  UEXPECT_EQ(read(99, &c, 1), -1);
  UEXPECT_EQ(errno, EBADF);
  UEXPECT_EQ(write(-1, &c, 1), -1);
  UEXPECT_EQ(errno, EBADF);
  UEXPECT_EQ(close(200), -1);
  UEXPECT_EQ(errno, EBADF);
  UEXPECT_EQ(dup(1000), -1);
  UEXPECT_EQ(errno, EBADF);
  UEXPECT_EQ(dup2(1, 4096), -1);
  UEXPECT_EQ(errno, EBADF);
  UEXPECT_EQ(dup2(77, 3), -1);
  UEXPECT_EQ(errno, EBADF);
  struct stat s;
  UEXPECT_EQ(fstat(77, &s), -1);
  UEXPECT_EQ(errno, EBADF);
  UEXPECT_EQ(stat("/etc/missing", &s), -1);
  UEXPECT_EQ(errno, ENOENT);
  UEXPECT_EQ(stat(CONFIG, 0), -1);
  UEXPECT_EQ(errno, EFAULT);
  UEXPECT_EQ(fstat(1, 0), -1);
  UEXPECT_EQ(errno, EFAULT);
  const int fd = open(CONFIG, O_RDONLY);
  UEXPECT_EQ(write(fd, "x", 1), -1);
  UEXPECT_EQ(errno, EBADF);
  UEXPECT_EQ(read(fd, 0, 4), -1);
  UEXPECT_EQ(errno, EFAULT);
  close(fd);
}

static int has_entry(const char* path, const char* name, unsigned char type) {
  DIR* d = opendir(path);
  if (!d) return 0;
  int found = 0, count = 0;
  for (struct dirent* e; (e = readdir(d));) {
    if (strcmp(e->d_name, name) == 0) found += e->d_type == type;
    if (strcmp(e->d_name, name) == 0) ++count;
  }
  closedir(d);
  return found == 1 && count == 1; /* listed once, with its type */
}

UTEST(files, directories_are_stat_able_and_listed) {
  struct stat s;
  UEXPECT_EQ(stat("/", &s), 0);
  UEXPECT(S_ISDIR(s.st_mode));
  UEXPECT_EQ(stat("/bin", &s), 0);
  UEXPECT(S_ISDIR(s.st_mode));
  const int fd = open("/bin", O_RDONLY);
  UASSERT(fd >= 0);
  UEXPECT_EQ(fstat(fd, &s), 0);
  UEXPECT(S_ISDIR(s.st_mode));
  char c;
  UEXPECT_EQ(read(fd, &c, 1), -1);
  UEXPECT_EQ(errno, EISDIR);
  close(fd);
  UEXPECT_EQ(open("/bin", O_WRONLY), -1);
  UEXPECT_EQ(errno, EISDIR);
  UEXPECT_EQ(open(CONFIG, O_RDONLY | O_DIRECTORY), -1);
  UEXPECT_EQ(errno, ENOTDIR);
  UEXPECT(has_entry("/", "bin", DT_DIR));
  UEXPECT(has_entry("/", "etc", DT_DIR));
  UEXPECT(has_entry("/bin", "fd_test", DT_REG));
  UEXPECT(has_entry("/bin/", "fd_helper", DT_REG));
  UEXPECT(has_entry("/etc", "init.conf", DT_REG));
  UEXPECT(!has_entry("/etc", "fd_test", DT_REG));
  errno = 0;
  UEXPECT(opendir(CONFIG) == 0);
  UEXPECT_EQ(errno, ENOTDIR);
  UEXPECT(opendir("/nope") == 0);
  UEXPECT_EQ(errno, ENOENT);
  UEXPECT(readdir(0) == 0);
  UEXPECT_EQ(errno, EBADF);
  UEXPECT_EQ(closedir(0), -1);
  UEXPECT_EQ(errno, EBADF);
  UEXPECT_EQ(dirfd(0), -1);
  UEXPECT_EQ(errno, EBADF);
  char name[8];
  UEXPECT_EQ(viper_bootfs_list(0, name, 0), VIPER_ERR_OVERFLOW);
  UEXPECT_EQ(viper_bootfs_list(1u << 20, name, sizeof(name)), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_bootfs_list(0, (char*)8, 256), VIPER_ERR_FAULT);
}

UTEST(cwd, relative_paths_resolve_against_the_working_directory) {
  char cwd[64];
  UEXPECT(getcwd(cwd, sizeof(cwd)) == cwd);
  UEXPECT(strcmp(cwd, "/") == 0);
  UEXPECT_EQ(chdir("bin"), 0);
  UEXPECT(strcmp(getcwd(cwd, sizeof(cwd)), "/bin") == 0);
  struct stat s;
  UEXPECT_EQ(stat("fd_helper", &s), 0);
  UEXPECT(S_ISREG(s.st_mode));
  UEXPECT_EQ(stat("./../etc//init.conf", &s), 0);
  UEXPECT_EQ(chdir(".."), 0);
  UEXPECT(strcmp(getcwd(cwd, sizeof(cwd)), "/") == 0);
  UEXPECT_EQ(chdir(".."), 0); /* the root's parent is the root */
  UEXPECT(strcmp(getcwd(cwd, sizeof(cwd)), "/") == 0);
  UEXPECT_EQ(chdir("/bin/../etc/."), 0);
  UEXPECT(strcmp(getcwd(cwd, sizeof(cwd)), "/etc") == 0);
  UEXPECT_EQ(chdir("init.conf"), -1);
  UEXPECT_EQ(errno, ENOTDIR);
  UEXPECT_EQ(chdir("nope"), -1);
  UEXPECT_EQ(errno, ENOENT);
  UEXPECT_EQ(chdir(""), -1);
  UEXPECT_EQ(errno, ENOENT);
  UEXPECT(strcmp(getcwd(cwd, sizeof(cwd)), "/etc") == 0); /* failures changed nothing */
  UEXPECT(getcwd(cwd, 3) == 0);
  UEXPECT_EQ(errno, ERANGE);
  UEXPECT(getcwd(cwd, 0) == 0);
  UEXPECT_EQ(errno, EINVAL);
  UEXPECT_EQ(chdir("/"), 0);
}

/* ---- fd flags, dup2 ---- */

UTEST(fcntl, fd_flags_and_duplicates) {
  int p[2];
  UASSERT_EQ(pipe(p), 0);
  UEXPECT_EQ(fcntl(p[0], F_GETFD), 0);
  UEXPECT_EQ(fcntl(p[0], F_SETFD, FD_CLOEXEC), 0);
  UEXPECT_EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);
  UEXPECT_EQ(fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY);
  UEXPECT_EQ(fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY);
  const int high = fcntl(p[0], F_DUPFD, 40);
  UEXPECT(high >= 40);
  UEXPECT_EQ(fcntl(high, F_GETFD), 0); /* a duplicate starts without FD_CLOEXEC */
  const int high_cloexec = fcntl(p[0], F_DUPFD_CLOEXEC, 40);
  UEXPECT(high_cloexec > high);
  UEXPECT_EQ(fcntl(high_cloexec, F_GETFD), FD_CLOEXEC);
  UEXPECT_EQ(fcntl(p[0], F_DUPFD, -1), -1);
  UEXPECT_EQ(errno, EINVAL);
  UEXPECT_EQ(fcntl(p[0], F_SETFD, 0x10), -1);
  UEXPECT_EQ(errno, EINVAL);
  UEXPECT_EQ(fcntl(p[0], 999), -1);
  UEXPECT_EQ(errno, EINVAL);
  UEXPECT_EQ(fcntl(123, F_GETFD), -1);
  UEXPECT_EQ(errno, EBADF);
  close(high);
  close(high_cloexec);
  close(p[0]);
  close(p[1]);
}

UTEST(fcntl, dup2_over_an_open_fd_closes_what_was_there) {
  int p[2];
  UASSERT_EQ(pipe(p), 0);
  const int fd = open(CONFIG, O_RDONLY);
  UASSERT(fd >= 0);
  UEXPECT_EQ(dup2(p[0], fd), fd);
  struct stat s;
  UEXPECT_EQ(fstat(fd, &s), 0);
  UEXPECT(S_ISFIFO(s.st_mode)); /* now the pipe */
  UEXPECT_EQ(write(p[1], "z", 1), 1);
  char c = 0;
  UEXPECT_EQ(read(fd, &c, 1), 1);
  UEXPECT_EQ(c, 'z');
  UEXPECT_EQ(dup2(fd, fd), fd);
  close(p[0]);
  close(p[1]);
  UEXPECT_EQ(read(fd, &c, 1), 0); /* the writer is gone */
  close(fd);
}

/* ---- terminals ---- */

UTEST(terminal, the_kernel_console_and_sessions_are_terminals_and_pipes_are_not) {
  UEXPECT_EQ(isatty(1), 1);
  int p[2];
  UASSERT_EQ(pipe(p), 0);
  errno = 0;
  UEXPECT_EQ(isatty(p[0]), 0);
  UEXPECT_EQ(errno, ENOTTY);
  UEXPECT_EQ(isatty(150), 0);
  UEXPECT_EQ(errno, EBADF);
  struct termios t;
  UEXPECT_EQ(tcgetattr(p[0], &t), -1);
  UEXPECT_EQ(errno, ENOTTY);
  close(p[0]);
  close(p[1]);
}

/* A console session's client end as an fd, and the "consoled" end. */
static int session(viper_handle_t* consoled) {
  viper_handle_t ends[2];
  if (viper_channel_create(ends) != 0) return -1;
  *consoled = ends[1];
  return viper_fd_adopt_stream(ends[0], 1);
}

/* The next message consoled gets: its size; the handles' count in *handles. */
static int64_t next_message(viper_handle_t consoled, unsigned char* bytes, size_t capacity,
                            uint64_t* handles) {
  viper_handle_t got[VIPER_MESSAGE_HANDLES_MAX];
  struct viper_message m = {bytes, 0, capacity, got, 0, VIPER_MESSAGE_HANDLES_MAX};
  const int64_t n = viper_channel_read(consoled, &m, viper_deadline_after(2000000000ull));
  for (uint64_t i = 0; n >= 0 && i < m.handle_count; ++i) viper_handle_close(got[i]);
  *handles = n >= 0 ? m.handle_count : 0;
  return n;
}

UTEST(terminal, a_session_reads_lines_and_eof_and_sends_mode_changes) {
  viper_handle_t consoled;
  const int fd = session(&consoled);
  UASSERT(fd >= 0);
  UEXPECT_EQ(isatty(fd), 1);
  struct stat s;
  UEXPECT_EQ(fstat(fd, &s), 0);
  UEXPECT(S_ISCHR(s.st_mode));
  /* Input: a line, then Ctrl-D (EOF once), then more. */
  const unsigned char line[] = {VIPER_STREAM_DATA, 'l', 's', '\n'};
  const unsigned char eof[] = {VIPER_STREAM_EOF};
  UEXPECT_EQ(viper_channel_write(consoled, line, sizeof(line), 0, 0), 0);
  UEXPECT_EQ(viper_channel_write(consoled, eof, 1, 0, 0), 0);
  UEXPECT_EQ(viper_channel_write(consoled, line, sizeof(line), 0, 0), 0);
  char buffer[16];
  UEXPECT_EQ(read(fd, buffer, sizeof(buffer)), 3);
  UEXPECT_EQ(read(fd, buffer, sizeof(buffer)), 0);
  UEXPECT_EQ(read(fd, buffer, sizeof(buffer)), 3);
  /* Output is DATA. */
  UEXPECT_EQ(write(fd, "hi", 2), 2);
  unsigned char got[64];
  uint64_t handles;
  UEXPECT_EQ(next_message(consoled, got, sizeof(got), &handles), 3);
  UEXPECT(got[0] == VIPER_STREAM_DATA && got[1] == 'h' && got[2] == 'i');
  /* Raw mode and back: one SET_MODE each, none when nothing changes. */
  struct termios t;
  UASSERT_EQ(tcgetattr(fd, &t), 0);
  UEXPECT(t.c_lflag & ICANON);
  UEXPECT(t.c_lflag & ECHO);
  struct termios raw = t;
  cfmakeraw(&raw);
  UEXPECT_EQ(tcsetattr(fd, TCSANOW, &raw), 0);
  UEXPECT_EQ(next_message(consoled, got, sizeof(got), &handles), 2);
  UEXPECT(got[0] == VIPER_STREAM_SET_MODE && got[1] == VIPER_CONSOLE_RAW);
  UEXPECT_EQ(tcsetattr(fd, TCSANOW, &raw), 0);
  struct termios now;
  UEXPECT_EQ(tcgetattr(fd, &now), 0);
  UEXPECT(!(now.c_lflag & ICANON));
  UEXPECT_EQ(tcsetattr(fd, TCSADRAIN, &t), 0);
  UEXPECT_EQ(next_message(consoled, got, sizeof(got), &handles), 2);
  UEXPECT(got[0] == VIPER_STREAM_SET_MODE && got[1] == VIPER_CONSOLE_COOKED);
  UEXPECT_EQ(tcsetattr(fd, 99, &t), -1);
  UEXPECT_EQ(errno, EINVAL);
  UEXPECT_EQ(tcsetattr(fd, TCSANOW, 0), -1);
  UEXPECT_EQ(errno, EFAULT);
  close(fd);
  /* consoled sees the session end. */
  UEXPECT_EQ(next_message(consoled, got, sizeof(got), &handles), VIPER_ERR_PEER_CLOSED);
  viper_handle_close(consoled);
}

UTEST(terminal, the_foreground_job_goes_to_consoled_as_process_handles) {
  viper_handle_t consoled;
  const int fd = session(&consoled);
  UASSERT(fd >= 0);
  char* const argv[] = {HELPER, "cat", 0};
  int p[2];
  UASSERT_EQ(pipe(p), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, p[0], 0);
  posix_spawn_file_actions_addclose(&actions, p[0]);
  posix_spawn_file_actions_addclose(&actions, p[1]);
  pid_t pid = 0;
  UASSERT_EQ(posix_spawn(&pid, HELPER, &actions, 0, argv, 0), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(p[0]);
  UEXPECT_EQ(viper_console_set_foreground(fd, &pid, 1), 0);
  unsigned char got[16];
  uint64_t handles = 0;
  UEXPECT_EQ(next_message(consoled, got, sizeof(got), &handles), 1);
  UEXPECT_EQ(got[0], VIPER_STREAM_SET_FOREGROUND);
  UEXPECT_EQ(handles, 1);
  UEXPECT_EQ(viper_console_set_foreground(fd, 0, 0), 0); /* none */
  UEXPECT_EQ(next_message(consoled, got, sizeof(got), &handles), 1);
  UEXPECT_EQ(handles, 0);
  const pid_t stranger = 999999;
  UEXPECT_EQ(viper_console_set_foreground(fd, &stranger, 1), -1);
  UEXPECT_EQ(errno, ESRCH);
  UEXPECT_EQ(viper_console_set_foreground(fd, &pid, -1), -1);
  UEXPECT_EQ(errno, EINVAL);
  UEXPECT_EQ(viper_console_set_foreground(p[1], &pid, 1), -1);
  UEXPECT_EQ(errno, ENOTTY);
  UEXPECT_EQ(viper_console_set_foreground(170, &pid, 1), -1);
  UEXPECT_EQ(errno, EBADF);
  UEXPECT_EQ(viper_fd_adopt_stream(0x7777, 1), -1);
  UEXPECT_EQ(errno, EBADF);
  close(p[1]); /* cat sees the end */
  UEXPECT_EQ(wait_child(pid), 0);
  close(fd);
  viper_handle_close(consoled);
}

/* ---- stdio on fds ---- */

UTEST(stdio, stdin_reads_a_pipe_with_fgets_and_scanf) {
  int p[2];
  UASSERT_EQ(pipe(p), 0);
  const int saved = dup(0);
  UASSERT_EQ(dup2(p[0], 0), 0);
  close(p[0]);
  static const char input[] = "first line\nword 42\n";
  struct writer w = {p[1], input, sizeof(input) - 1, 5};
  pthread_t t;
  UASSERT_EQ(pthread_create(&t, 0, write_then_close, &w), 0);
  char line[32];
  UEXPECT(fgets(line, sizeof(line), stdin) == line);
  UEXPECT(strcmp(line, "first line\n") == 0);
  char word[16];
  int number = 0;
  UEXPECT_EQ(scanf("%15s %d", word, &number), 2);
  UEXPECT(strcmp(word, "word") == 0);
  UEXPECT_EQ(number, 42);
  UEXPECT_EQ(getchar(), '\n');
  UEXPECT_EQ(getchar(), EOF);
  pthread_join(t, 0);
  clearerr(stdin);
  UEXPECT_EQ(dup2(saved, 0), 0);
  close(saved);
}

UTEST(stdio, stdin_reads_a_console_session_to_its_eof) {
  viper_handle_t consoled;
  const int fd = session(&consoled);
  UASSERT(fd >= 0);
  const int saved = dup(0);
  UASSERT_EQ(dup2(fd, 0), 0);
  close(fd);
  const unsigned char line[] = {VIPER_STREAM_DATA, 'e', 'c', 'h', 'o', ' ', '7', '\n'};
  const unsigned char eof[] = {VIPER_STREAM_EOF};
  UEXPECT_EQ(viper_channel_write(consoled, line, sizeof(line), 0, 0), 0);
  UEXPECT_EQ(viper_channel_write(consoled, eof, 1, 0, 0), 0);
  char text[16];
  int number = 0;
  UEXPECT_EQ(scanf("%15s %d", text, &number), 2);
  UEXPECT(strcmp(text, "echo") == 0);
  UEXPECT_EQ(number, 7);
  UEXPECT_EQ(getchar(), '\n');
  UEXPECT_EQ(getchar(), EOF); /* Ctrl-D on an empty line */
  clearerr(stdin);
  UEXPECT_EQ(dup2(saved, 0), 0);
  close(saved);
  viper_handle_close(consoled);
}

UTEST(stdio, fopen_and_fread_a_boot_file) {
  const int64_t size = viper_bootfs_stat("etc/init.conf");
  UASSERT(size > 0);
  char* direct = malloc((size_t)size);
  char* through = malloc((size_t)size + 1);
  UASSERT(direct && through);
  UEXPECT_EQ(viper_bootfs_read("etc/init.conf", 0, direct, (size_t)size), size);
  FILE* f = fopen(CONFIG, "r");
  UASSERT(f != 0);
  UEXPECT_EQ(fread(through, 1, (size_t)size + 1, f), size);
  UEXPECT(memcmp(direct, through, (size_t)size) == 0);
  UEXPECT_EQ(fclose(f), 0);
  errno = 0;
  UEXPECT(fopen(CONFIG, "w") == 0);
  UEXPECT_EQ(errno, EROFS);
  UEXPECT(fopen("/etc/missing", "r") == 0);
  UEXPECT_EQ(errno, ENOENT);
  free(direct);
  free(through);
}

/* USER-002: eight threads of a child print long lines (longer than the
 * old 1 KiB piece) to a stdout that is a pipe; the reader finds every line
 * whole, each thread's in order, none lost. */
UTEST(stdio, USER002_eight_threads_print_whole_lines_to_a_pipe) {
  enum { THREADS = 8, LINES = 150, LENGTH = 3000 };
  char* const argv[] = {HELPER, "lines", "8", "150", "3000", 0};
  const size_t capacity = (size_t)THREADS * LINES * (LENGTH + 16) + 1;
  char* out = malloc(capacity);
  UASSERT(out);
  UEXPECT_EQ(run_guarded(argv, out, capacity), 0);
  int next[THREADS] = {0};
  int whole = 0, broken = 0;
  for (char *line = out, *end; *line; line = end + 1) {
    end = strchr(line, '\n');
    if (!end) {
      ++broken;
      break;
    }
    *end = 0;
    int thread = -1, n = -1, at = 0;
    unsigned sum = 0, expected = 0;
    if (sscanf(line, "t%d n%d %n", &thread, &n, &at) != 2 || thread < 0 || thread >= THREADS) {
      ++broken;
      continue;
    }
    const char* space = strrchr(line, ' ');
    for (const char* c = line + at; c < space; ++c) sum += (unsigned char)*c;
    expected = (unsigned)strtoul(space + 1, 0, 10);
    if (sum != expected || (int)(end - line) != LENGTH - 12 + 9 || n != next[thread]) {
      if (broken++ < 3) utest_log("fd_test: a broken line: %.60s...", line);
      continue;
    }
    ++next[thread];
    ++whole;
  }
  UEXPECT_EQ(broken, 0);
  UEXPECT_EQ(whole, THREADS * LINES);
  free(out);
}

/* ---- no leaks ---- */

static int count_open_fds(void) {
  int open = 0;
  for (int fd = 0; fd < 256; ++fd) open += fcntl(fd, F_GETFD) >= 0;
  return open;
}

UTEST(spawn, five_hundred_spawns_leave_fds_processes_and_memory_at_the_baseline) {
  char* const argv[] = {HELPER, "exit", "0", 0};
  char out[16];
  /* Warm up: the kernel heap's caches and this process's heap grow to the
   * workload's high-water mark and keep it. */
  for (int i = 0; i < 20; ++i) UEXPECT_EQ(run_helper(argv, out, sizeof(out)), 0);
  struct viper_system_info before, after;
  const int fds = count_open_fds();
  utest_quiet_system(&before);
  int failed = 0;
  for (int i = 0; i < 500; ++i) failed += run_helper(argv, out, sizeof(out)) != 0;
  UEXPECT_EQ(failed, 0);
  utest_quiet_system(&after);
  UEXPECT_EQ(count_open_fds(), fds);
  UEXPECT_EQ(after.processes, before.processes);
  UEXPECT_EQ(after.threads, before.threads);
  /* The kernel heap's caches may keep a few pages (process_test says why). */
  UEXPECT(after.free_memory + 64 * 1024 >= before.free_memory);
  if (after.free_memory != before.free_memory) {
    utest_log("fd_test: free memory %lld bytes from the baseline",
              (long long)after.free_memory - (long long)before.free_memory);
  }
}
