/* What process_test and syscall_fuzz spawn: one small program whose first
 * argument says how to behave (and so how it ends).
 *
 *   exit N       returns N
 *   args A B     returns argc if argv[1..] are "args A B" and envp is KEY=value
 *   futex        waits forever on a futex (to be killed)
 *   wait         waits forever on an event (to be killed)
 *   spin         runs forever without a system call (to be killed)
 *   threads      four threads and main wait forever (to be killed)
 *   fault        stores through a null pointer (VIPER_EXIT_FAULT)
 *   churn        starts detached threads that end at once and returns 0
 *                while the reaper is still freeing them
 *   bootstrap    checks that the bootstrap channel is its only handle, reads
 *                a request on it and answers "pong <handles found>"
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <viperdos/viper.h>

static void* end_at_once(void* arg) { return arg; }

static void* wait_forever(void* word) {
  for (;;) viper_futex_wait((uint32_t*)word, 0, VIPER_DEADLINE_NEVER);
  return 0;
}

/* Every handle value a fresh process could hold (the slot in the low 16
 * bits, generation 1 for a slot never used): only the bootstrap may work. */
static int count_live_handles(void) {
  int live = 0;
  for (uint64_t slot = 0; slot < 1024; ++slot) {
    for (uint64_t generation = 0; generation < 3; ++generation) {
      struct viper_object_info info;
      if (viper_object_info((generation << 16) | slot, &info) == 0) ++live;
    }
  }
  return live;
}

static int bootstrap(void) {
  const viper_handle_t channel = viper_bootstrap_handle();
  if (channel == VIPER_HANDLE_INVALID) return 10;
  struct viper_object_info info;
  if (viper_object_info(channel, &info) != 0 || info.type != VIPER_OBJECT_CHANNEL) return 11;
  const int live = count_live_handles();
  char request[16] = {0};
  struct viper_message m = {request, 0, sizeof(request) - 1, 0, 0, 0};
  if (viper_channel_read(channel, &m, VIPER_DEADLINE_NEVER) != 4) return 12;
  if (strcmp(request, "ping") != 0) return 13;
  char reply[32];
  const int n = snprintf(reply, sizeof(reply), "pong %d", live);
  if (viper_channel_write(channel, reply, (size_t)n, 0, 0) != 0) return 14;
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) return 100;
  const char* mode = argv[1];
  static uint32_t never;
  if (strcmp(mode, "exit") == 0 && argc == 3) return atoi(argv[2]);
  if (strcmp(mode, "umask") == 0) return (int)umask(022); /* the mask it started with */
  if (strcmp(mode, "args") == 0) {
    const char* value = getenv("KEY");
    if (argc != 4 || strcmp(argv[2], "A") != 0 || strcmp(argv[3], "B b") != 0) return 101;
    if (!value || strcmp(value, "value") != 0) return 102;
    return argc;
  }
  /* Run as a script's interpreter (a file named helper-script holding
   * `#!/bin/test_helper script`): its path comes after the argument. */
  if (strcmp(mode, "script") == 0) {
    const size_t length = argc == 5 ? strlen(argv[2]) : 0;
    if (length < 13 || strcmp(argv[2] + length - 13, "helper-script") != 0) return 103;
    if (strcmp(argv[3], "A") != 0 || strcmp(argv[4], "B b") != 0) return 104;
    return 42;
  }
  if (strcmp(mode, "futex") == 0) wait_forever(&never);
  if (strcmp(mode, "wait") == 0) {
    const int64_t event = viper_event_create();
    if (event < 0) return 103;
    viper_object_wait((viper_handle_t)event, VIPER_SIGNAL_USER0, VIPER_DEADLINE_NEVER);
    return 104;
  }
  if (strcmp(mode, "spin") == 0) {
    for (volatile uint64_t i = 0;; ++i) {
    }
  }
  if (strcmp(mode, "threads") == 0) {
    for (int i = 0; i < 4; ++i) {
      pthread_t t;
      if (pthread_create(&t, 0, wait_forever, &never) != 0) return 105;
    }
    wait_forever(&never);
  }
  if (strcmp(mode, "churn") == 0) {
    for (int i = 0; i < 32; ++i) {
      pthread_t t;
      if (pthread_create(&t, 0, end_at_once, 0) == 0) pthread_detach(t);
    }
    return 0;
  }
  if (strcmp(mode, "fault") == 0) {
    /* A store to address 0, written in assembly: the compiler may not turn
     * it into a trap instruction as it could a C null dereference. */
    __asm__ volatile("mov x9, #0\n str wzr, [x9]" ::: "x9", "memory");
    return 106;
  }
  if (strcmp(mode, "bootstrap") == 0) return bootstrap();
  return 107;
}
