/* `disk_client P`: process P of //kernel:disk_clients_test, THREADS
 * clients of fsd at once (disk_clients.h has the model; exit 0 when every
 * step worked, 1 when one failed, 2 for a bad argument). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userland/tests/disk_clients.h"

/* One client's steps; 0, or the step that failed (and why, on stdout). */
static int client(int k) {
  char path[96], to[96], rec[RECORD];
  snprintf(path, sizeof(path), "/clients/private-%d", k);
  const int mine = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  const int shared = open("/clients/shared", O_WRONLY);
  if (mine < 0 || shared < 0) return printf("client %d: open: %s\n", k, strerror(errno)), 1;
  for (int i = 0; i < OPS; ++i) {
    char line[32];
    const int n = snprintf(line, sizeof(line), "%d %d\n", k, i);
    record(rec, k, i);
    snprintf(path, sizeof(path), "/clients/dir/%d-%d", k, i);
    snprintf(to, sizeof(to), "/clients/dir/%d-%d.kept", k, i);
    const int made = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    int bad = write(mine, line, (size_t)n) != n;
    bad |= pwrite(shared, rec, RECORD, (off_t)(i * CLIENTS + k) * RECORD) != RECORD;
    bad |= made < 0 || write(made, line, (size_t)n) != n || close(made) != 0;
    bad |= i % 2 ? rename(path, to) != 0 : unlink(path) != 0;
    snprintf(path, sizeof(path), "/clients/dir/d-%d-%d", k, i);
    bad |= mkdir(path, 0755) != 0 || rmdir(path) != 0;
    if (bad) return printf("client %d: step %d: %s\n", k, i, strerror(errno)), 1;
  }
  return close(mine) != 0 || close(shared) != 0;
}

static void* client_thread(void* arg) { return (void*)(intptr_t)client((int)(intptr_t)arg); }

/* Process P's THREADS clients. */
static int run_process(int p) {
  pthread_t threads[THREADS];
  for (int t = 0; t < THREADS; ++t) {
    if (pthread_create(&threads[t], 0, client_thread, (void*)(intptr_t)(p * THREADS + t)) != 0)
      return 1;
  }
  int failed = 0;
  for (int t = 0; t < THREADS; ++t) {
    void* result;
    pthread_join(threads[t], &result);
    failed |= result != 0;
  }
  return failed;
}

int main(int argc, char** argv) {
  char* end = 0;
  const long p = argc == 2 ? strtol(argv[1], &end, 10) : -1;
  if (p < 0 || p >= PROCESSES || !end || *end) {
    fprintf(stderr, "usage: disk_client P (0 <= P < %d)\n", PROCESSES);
    return 2;
  }
  return run_process((int)p);
}
