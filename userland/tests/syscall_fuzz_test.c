/* Runs bin/syscall_fuzz (random system calls from four threads) and checks
 * that it ended by itself with 0, and that once it and its children are
 * gone, processes, threads and free memory are back at their baseline.
 * The fuzzer runs 10 s; started as bin/syscall_fuzz_test_<seconds>
 * (testing/syscall_fuzz.sh), that long. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <viperdos/viper.h>

#include "userland/testing/utest.h"

#define MS 1000000ull
/* The heap's slack (process_test.c says why) is larger here: the fuzzer
 * keeps hundreds of objects and queued messages alive at once on four
 * CPUs, so the pages that per-CPU magazines and partly used slabs pin vary
 * more (measured: after a 2 s warm-up, 16 to 160 KiB over 10 s; after
 * a 10 s one, 28 to 80 KiB). It catches a leak of a page, a process or an
 * address space per spawn or map, not a small object now and then: about
 * 2500 calls a second are made (spawns and 1 ms deadlines dominate), and
 * user space cannot see the kernel heap's live allocation count. */
#define HEAP_SLACK_BYTES (256 * 1024)

/* "10", or the digits after the last '_' of the program's name. */
static const char* seconds(void) {
  const char* underscore = strrchr(utest_program, '_');
  if (underscore && underscore[1] >= '0' && underscore[1] <= '9') return underscore + 1;
  return "10";
}

static int64_t run_fuzzer_with(const char* secs, const char* mask) {
  const char* const argv[] = {"bin/syscall_fuzz", secs, mask};
  const struct viper_spawn_args args = {argv[0], argv, mask ? 3 : 2, 0, 0, 0, 0, 0};
  const int64_t process = viper_process_spawn(&args);
  if (process < 0) return process;
  int64_t code = INT64_MIN;
  viper_process_wait((viper_handle_t)process, &code);
  viper_handle_close((viper_handle_t)process);
  return code;
}
static int64_t run_fuzzer(void) { return run_fuzzer_with(seconds(), 0); }

static void settle(const struct viper_system_info* baseline, struct viper_system_info* now) {
  const uint64_t give_up = viper_deadline_after(5000 * MS);
  do {
    viper_thread_sleep(viper_deadline_after(10 * MS));
    viper_system_info(now);
  } while ((now->processes != baseline->processes || now->threads != baseline->threads ||
            now->free_memory != baseline->free_memory) &&
           viper_clock_monotonic() < give_up);
}

UTEST(fuzz, random_calls_end_cleanly_and_leave_nothing_behind) {
  struct viper_system_info before, after;
  /* Warm-up, as long as CI's run: the kernel heap's caches grow to the
   * workload's high-water mark (about 350 KiB) and keep it. */
  UEXPECT_EQ(run_fuzzer_with("10", 0), 0);
  utest_quiet_system(&before);
  UEXPECT_EQ(run_fuzzer(), 0);
  settle(&before, &after);
  UEXPECT_EQ(after.processes, before.processes);
  UEXPECT_EQ(after.threads, before.threads);
  UEXPECT(after.free_memory + HEAP_SLACK_BYTES >= before.free_memory);
  utest_log("fuzz: free memory %lld bytes from the baseline",
            (long long)after.free_memory - (long long)before.free_memory);
  /* The system still works. */
  const char* const argv[] = {"bin/test_helper", "exit", "3"};
  const struct viper_spawn_args args = {argv[0], argv, 3, 0, 0, 0, 0, 0};
  const int64_t process = viper_process_spawn(&args);
  int64_t code = 0;
  UEXPECT(process > 0 && viper_process_wait((viper_handle_t)process, &code) == 0 && code == 3);
}
