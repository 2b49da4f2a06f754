/* with_memfs [PROGRAM [ARG...]]: runs PROGRAM (default bin/files_test)
 * with bin/memfsd as its root connection, as init does with fsd, and
 * exits with its exit code (a PROGRAM outside bin/ is a script: bin/sh
 * runs it): the client's tests before there is a disk
 * (//kernel:files_memfs_test). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <viperdos/fs_protocol.h>
#include <viperdos/viper.h>

static uint64_t ns_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The client's costs over a server that does no I/O (docs/vfs.md): a
 * round trip per stat and per open/close, and bulk bytes. Printed, never
 * asserted: timing under QEMU is the host's. */
static void measure(void) {
  enum { kStats = 200, kOpens = 100, kBytes = 4 << 20 };
  struct stat s;
  uint64_t t = ns_now();
  for (int i = 0; i < kStats; ++i) stat("/etc/motd", &s);
  const uint64_t stat_ns = (ns_now() - t) / kStats;
  t = ns_now();
  for (int i = 0; i < kOpens; ++i) close(open("/etc/motd", O_RDONLY));
  const uint64_t open_ns = (ns_now() - t) / kOpens;
  char* data = calloc(1, 1 << 20);
  const int fd = open("/tmp/bench", O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (!data || fd < 0) return;
  t = ns_now();
  for (int i = 0; i < kBytes >> 20; ++i) write(fd, data, 1 << 20);
  const uint64_t write_ns = ns_now() - t;
  lseek(fd, 0, SEEK_SET);
  t = ns_now();
  while (read(fd, data, 1 << 20) > 0) {
  }
  const uint64_t read_ns = ns_now() - t;
  close(fd);
  unlink("/tmp/bench");
  free(data);
  printf("VFS-BENCH stat %llu ns, open+close %llu ns, write %llu MiB/s, read %llu MiB/s\n",
         (unsigned long long)stat_ns, (unsigned long long)open_ns,
         (unsigned long long)(4000000000ull / (write_ns ? write_ns : 1)),
         (unsigned long long)(4000000000ull / (read_ns ? read_ns : 1)));
}

/* A server that answers nonsense: libc must say EIO, never trust it. */
static void* garbage_server(void* arg) {
  const viper_handle_t channel = (viper_handle_t)(uintptr_t)arg;
  static const struct viper_fs_reply lies[] = {
      {.status = 0}, /* first: a reply cut short (4 bytes) */
      {.status = 5}, /* a positive status */
      {.status = 0}, /* OPEN "succeeds" without a handle */
  };
  for (int i = 0; i < 3; ++i) {
    unsigned char request[512];
    struct viper_message m = {request, 0, sizeof(request), 0, 0, 0};
    if (viper_channel_read(channel, &m, VIPER_DEADLINE_NEVER) < 0) break;
    viper_channel_write(channel, &lies[i], i == 0 ? 4 : sizeof(lies[i]), 0, 0);
  }
  viper_handle_close(channel);
  return 0;
}

/* 0 if libc turned every lie into EIO. */
static int refuses_garbage(void) {
  viper_handle_t ends[2];
  if (viper_channel_create(ends) < 0) return -1;
  pthread_t thread;
  if (pthread_create(&thread, 0, garbage_server, (void*)(uintptr_t)ends[1]) != 0) return -1;
  viper_fs_set_root(ends[0]);
  struct stat s;
  int bad = 0;
  if (!(stat("/short", &s) == -1 && errno == EIO)) bad |= 1;
  if (!(stat("/positive", &s) == -1 && errno == EIO)) bad |= 2;
  if (!(open("/nohandle", O_RDONLY) == -1 && errno == EIO)) bad |= 4;
  if (!(stat("/gone", &s) == -1 && errno == EIO)) bad |= 8; /* the server has closed */
  pthread_join(thread, 0);
  if (bad) fprintf(stderr, "with_memfs: garbage from a server was trusted (%d)\n", bad);
  return bad;
}

int main(int argc, char** argv) {
  if (refuses_garbage() != 0) return 5;
  viper_handle_t ends[2];
  if (viper_channel_create(ends) < 0) return 3;
  const char* server_argv[] = {"bin/memfsd", 0};
  const struct viper_spawn_args server = {
      .path = "bin/memfsd", .argv = server_argv, .argc = 1, .bootstrap = ends[1]};
  const int64_t process = viper_process_spawn(&server);
  if (process < 0) {
    fprintf(stderr, "with_memfs: cannot start bin/memfsd: error %lld\n", (long long)process);
    return 3;
  }
  if (viper_fs_set_root(ends[0]) != 0) return 3;
  if (viper_fs_set_root(0) != VIPER_ERR_INVALID_ARGUMENT) return 4; /* a bad handle is refused */
  /* The server answers before anything depends on it. */
  struct stat root;
  if (stat("/", &root) != 0 || !S_ISDIR(root.st_mode)) {
    fprintf(stderr, "with_memfs: bin/memfsd does not answer: %s\n", strerror(errno));
    return 3;
  }
  /* A child sees it too (a clone in its startup message). */
  char* stat_argv[] = {"bin/stat", "/etc/motd", 0};
  pid_t stat_pid;
  int stat_status = -1;
  if (posix_spawn(&stat_pid, stat_argv[0], 0, 0, stat_argv, 0) != 0 ||
      waitpid(stat_pid, &stat_status, 0) != stat_pid || stat_status != 0) {
    fprintf(stderr, "with_memfs: bin/stat /etc/motd failed (status %d)\n", stat_status);
    return 3;
  }
  measure();
  char* default_argv[] = {"bin/files_test", 0};
  /* The kernel's initarg names the archive; with the root installed the
   * archive is /boot. */
  char script[256];
  snprintf(script, sizeof(script), "/boot/%s", argc > 1 ? argv[1] : "");
  char* script_argv[] = {"bin/sh", script, 0};
  char** program = argc > 1 ? argv + 1 : default_argv;
  /* Not a program of bin/: a script for the shell (the kernel's one
   * initarg can name only one). */
  if (argc > 1 && strncmp(argv[1], "bin/", 4) != 0) program = script_argv;
  pid_t pid;
  const int failed = posix_spawn(&pid, program[0], 0, 0, program, 0);
  if (failed) {
    fprintf(stderr, "with_memfs: cannot start %s: error %d\n", program[0], failed);
    return 3;
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return 3;
  printf("with_memfs: %s exited with %d\n", program[0], WEXITSTATUS(status));
  return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}
