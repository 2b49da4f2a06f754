/* USER-001 over the real disk, from processes (//kernel:disk_clients_test):
 * PROCESSES processes of bin/disk_client (posix_spawn), THREADS threads each,
 * are CLIENTS clients of one fsd at once, each doing OPS steps on
 *
 *   /clients/private-K  its own file: a line "K I" appended per step
 *   /clients/shared     one file for all: its 64-byte record at
 *                       (I * CLIENTS + K) * 64, written with pwrite
 *   /clients/dir        one directory for all: "K-I" created per step and
 *                       renamed to "K-I.kept" on odd steps, the even ones
 *                       unlinked; "d-K-I" made and removed each step
 *
 * Then the parent reads everything back against that model (every byte,
 * every name, nothing else), syncs, and the host's script
 * (testing/disk/clients_test.sh) checks the image with e2fsck -fn and
 * debugfs against the same model. Without fsd's locks (the predecessor's
 * design) the clients' bitmap and directory updates race. */
#include "userland/tests/disk_clients.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "userland/testing/utest.h"

extern char** environ;

UTEST(user001, clients_in_several_processes_run_at_once) {
  mkdir("/clients", 0755);
  UASSERT(mkdir("/clients/dir", 0755) == 0); /* a fresh image: not there before */
  const int shared = open("/clients/shared", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  UASSERT(shared >= 0);
  close(shared);
  pid_t pids[PROCESSES];
  for (int p = 0; p < PROCESSES; ++p) {
    char number[8];
    snprintf(number, sizeof(number), "%d", p);
    char* args[] = {(char*)"bin/disk_client", number, 0};
    UASSERT(posix_spawn(&pids[p], "bin/disk_client", 0, 0, args, environ) == 0);
  }
  for (int p = 0; p < PROCESSES; ++p) {
    int status = -1;
    UEXPECT(waitpid(pids[p], &status, 0) == pids[p]);
    UEXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
}

UTEST(user001, every_file_holds_what_the_model_says) {
  static char got[CLIENTS * OPS * RECORD + 1], want[CLIENTS * OPS * RECORD];
  for (int k = 0; k < CLIENTS; ++k) {
    char path[64];
    snprintf(path, sizeof(path), "/clients/private-%d", k);
    size_t n = 0;
    for (int i = 0; i < OPS; ++i) n += (size_t)snprintf(want + n, 32, "%d %d\n", k, i);
    const int fd = open(path, O_RDONLY);
    UASSERT(fd >= 0);
    UEXPECT_EQ(read(fd, got, sizeof(got)), (ssize_t)n);
    UEXPECT(memcmp(got, want, n) == 0);
    close(fd);
  }
  for (int i = 0; i < OPS; ++i) {
    for (int k = 0; k < CLIENTS; ++k) record(want + (i * CLIENTS + k) * RECORD, k, i);
  }
  const int fd = open("/clients/shared", O_RDONLY);
  UASSERT(fd >= 0);
  UEXPECT_EQ(read(fd, got, sizeof(got)), (ssize_t)sizeof(want));
  UEXPECT(memcmp(got, want, sizeof(want)) == 0);
  close(fd);
}

UTEST(user001, the_shared_directory_holds_exactly_the_kept_names) {
  DIR* d = opendir("/clients/dir");
  UASSERT(d);
  static char found[CLIENTS][OPS];
  int names = 0, strays = 0;
  for (struct dirent* de; (de = readdir(d));) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    int k, i;
    char tail[8] = "";
    if (sscanf(de->d_name, "%d-%d%7s", &k, &i, tail) == 3 && strcmp(tail, ".kept") == 0 && k >= 0 &&
        k < CLIENTS && i >= 0 && i < OPS && i % 2 == 1 && !found[k][i]) {
      found[k][i] = 1;
      ++names;
    } else if (strays++ < 5) {
      utest_log("unexpected in /clients/dir: %s", de->d_name);
    }
  }
  closedir(d);
  UEXPECT_EQ(strays, 0);
  UEXPECT_EQ(names, CLIENTS * OPS / 2);
  char line[32];
  const int fd = open("/clients/dir/0-1.kept", O_RDONLY);
  UEXPECT(fd >= 0 && read(fd, line, sizeof(line)) == 4 && memcmp(line, "0 1\n", 4) == 0);
  close(fd);
  sync();
}

UTEST(user001, a_client_with_a_bad_argument_fails) {
  char* args[] = {(char*)"bin/disk_client", "99", 0};
  pid_t pid;
  UASSERT(posix_spawn(&pid, "bin/disk_client", 0, 0, args, environ) == 0);
  int status = -1;
  UEXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 2);
}
