/* Processes: spawn with arguments, exit codes through the process handle,
 * kill, faults, corrupt programs, the bootstrap channel, and 1000 spawns
 * that leave memory and the process count where they were. The children
 * are bin/test_helper (test_helper.c says what each mode does). */
#include <string.h>
#include <viperdos/viper.h>

#include "userland/testing/utest.h"

#define HELPER "bin/test_helper"
#define MS 1000000ull

/* Spawns the helper with `argv` (argv[0] is the path) and a bootstrap. */
static int64_t spawn_with(const char* const* argv, uint64_t argc, viper_handle_t bootstrap) {
  static const char* const envp[] = {"KEY=value", "OTHER=1"};
  const struct viper_spawn_args args = {
      .path = argv[0], .argv = argv, .argc = argc, .envp = envp, .envc = 2, .bootstrap = bootstrap};
  return viper_process_spawn(&args);
}

static int64_t spawn_helper(const char* mode, const char* arg) {
  const char* const argv[] = {HELPER, mode, arg};
  return spawn_with(argv, arg ? 3 : 2, VIPER_HANDLE_INVALID);
}

/* Waits for the process and closes its handle: its exit code, or INT64_MIN. */
static int64_t wait_and_close(int64_t process) {
  if (process < 0) return INT64_MIN;
  int64_t code = INT64_MIN;
  if (viper_process_wait((viper_handle_t)process, &code) != 0) code = INT64_MIN;
  viper_handle_close((viper_handle_t)process);
  return code;
}

/* Until the child has been running a while: it is blocked (or spinning). */
static void let_it_settle(int64_t process) {
  struct viper_process_info info;
  const uint64_t give_up = viper_deadline_after(2000 * MS);
  while (viper_process_info((viper_handle_t)process, &info) == 0 && info.threads == 0 &&
         viper_clock_monotonic() < give_up) {
    viper_thread_sleep(viper_deadline_after(MS));
  }
  viper_thread_sleep(viper_deadline_after(50 * MS));
}

UTEST(spawn, exit_code_reaches_the_parent) {
  UEXPECT_EQ(wait_and_close(spawn_helper("exit", "42")), 42);
  UEXPECT_EQ(wait_and_close(spawn_helper("exit", "0")), 0);
  UEXPECT_EQ(wait_and_close(spawn_helper("exit", "-3")), -3);
}

UTEST(spawn, passes_arguments_and_environment) {
  const char* const argv[] = {HELPER, "args", "A", "B b"};
  UEXPECT_EQ(wait_and_close(spawn_with(argv, 4, VIPER_HANDLE_INVALID)), 4);
}

UTEST(spawn, info_names_the_program_and_reports_termination) {
  const int64_t process = spawn_helper("futex", 0);
  UASSERT(process > 0);
  let_it_settle(process);
  struct viper_process_info info;
  UEXPECT_EQ(viper_process_info((viper_handle_t)process, &info), 0);
  UEXPECT_EQ(info.state, VIPER_PROCESS_RUNNING);
  UEXPECT_EQ(info.threads, 1);
  UEXPECT(strcmp(info.name, HELPER) == 0);
  UEXPECT_EQ(viper_process_kill((viper_handle_t)process), 0);
  UEXPECT_EQ(viper_object_wait((viper_handle_t)process, VIPER_SIGNAL_TERMINATED,
                               viper_deadline_after(5000 * MS)),
             VIPER_SIGNAL_TERMINATED);
  UEXPECT_EQ(viper_process_info((viper_handle_t)process, &info), 0);
  UEXPECT_EQ(info.state, VIPER_PROCESS_TERMINATED);
  UEXPECT_EQ(info.exit_code, VIPER_EXIT_KILLED);
  UEXPECT_EQ(info.threads, 0);
  viper_handle_close((viper_handle_t)process);
}

static void expect_killed(const char* mode) {
  const int64_t process = spawn_helper(mode, 0);
  UASSERT(process > 0);
  let_it_settle(process);
  UEXPECT_EQ(viper_process_kill((viper_handle_t)process), 0);
  UEXPECT_EQ(wait_and_close(process), VIPER_EXIT_KILLED);
}

UTEST(kill, ends_a_process_blocked_on_a_futex) { expect_killed("futex"); }
UTEST(kill, ends_a_process_blocked_in_object_wait) { expect_killed("wait"); }
UTEST(kill, ends_a_process_spinning_in_user_mode) { expect_killed("spin"); }
UTEST(kill, ends_every_thread_of_a_process) { expect_killed("threads"); }

/* exit() ends the process's other threads through their slots while the
 * reaper frees the ones that already ended: a slot still naming a freed
 * thread made exit() kill freed memory (a kernel crash, seen in fd_test).
 * A stress: each round's exit lands somewhere in the reaper's work. */
UTEST(exit, while_the_reaper_frees_its_ended_threads) {
  for (int round = 0; round < 60; ++round) {
    if (!UEXPECT_EQ(wait_and_close(spawn_helper("churn", 0)), 0)) break;
  }
}

UTEST(kill, a_terminated_process_keeps_its_first_exit_code) {
  const int64_t process = spawn_helper("exit", "7");
  UASSERT(process > 0);
  int64_t code = 0;
  UEXPECT_EQ(viper_process_wait((viper_handle_t)process, &code), 0);
  UEXPECT_EQ(code, 7);
  UEXPECT_EQ(viper_process_kill((viper_handle_t)process), 0);
  UEXPECT_EQ(wait_and_close(process), 7);
}

UTEST(kill, needs_the_write_right) {
  const int64_t process = spawn_helper("futex", 0);
  UASSERT(process > 0);
  const int64_t reader =
      viper_handle_duplicate((viper_handle_t)process, VIPER_RIGHT_READ | VIPER_RIGHT_WAIT);
  UEXPECT(reader > 0);
  UEXPECT_EQ(viper_process_kill((viper_handle_t)reader), VIPER_ERR_ACCESS_DENIED);
  UEXPECT_EQ(viper_process_kill((viper_handle_t)process), 0);
  UEXPECT_EQ(wait_and_close(reader), VIPER_EXIT_KILLED);
  viper_handle_close((viper_handle_t)process);
}

UTEST(fault, a_null_store_ends_the_process_and_nothing_else) {
  UEXPECT_EQ(wait_and_close(spawn_helper("fault", 0)), VIPER_EXIT_FAULT);
  UEXPECT_EQ(wait_and_close(spawn_helper("fault", 0)), VIPER_EXIT_FAULT);
  UEXPECT_EQ(wait_and_close(spawn_helper("exit", "5")), 5); /* the system still runs */
}

UTEST(spawn, a_corrupt_program_is_refused) {
  const char* const argv[] = {"bin/corrupt"};
  UEXPECT_EQ(spawn_with(argv, 1, VIPER_HANDLE_INVALID), VIPER_ERR_CORRUPT);
  UEXPECT_EQ(wait_and_close(spawn_helper("exit", "1")), 1);
}

UTEST(spawn, a_missing_program_or_a_directory_is_not_found) {
  const char* const missing[] = {"bin/no_such_program"};
  UEXPECT_EQ(spawn_with(missing, 1, VIPER_HANDLE_INVALID), VIPER_ERR_NOT_FOUND);
  const char* const directory[] = {"bin"};
  UEXPECT_EQ(spawn_with(directory, 1, VIPER_HANDLE_INVALID), VIPER_ERR_NOT_FOUND);
}

/* A memory object holding the first `bytes` of the archive's `path` (as
 * libc reads a program from the disk), or a negative error. */
static int64_t image_of(const char* path, uint64_t* bytes) {
  const int64_t size = viper_bootfs_stat(path);
  if (size <= 0) return -1;
  const int64_t vmo = viper_vmo_create((uint64_t)size);
  if (vmo < 0) return vmo;
  const int64_t at = viper_vmo_map((viper_handle_t)vmo, 0, VIPER_PROT_READ | VIPER_PROT_WRITE);
  if (at < 0) return at;
  for (int64_t done = 0; done < size;) {
    const uint64_t n =
        size - done < VIPER_BOOTFS_READ_MAX ? (uint64_t)(size - done) : VIPER_BOOTFS_READ_MAX;
    const int64_t got = viper_bootfs_read(path, (uint64_t)done, (char*)(uintptr_t)at + done, n);
    if (got <= 0) return -1;
    done += got;
  }
  viper_vm_unmap((uint64_t)at, ((uint64_t)size + 4095) & ~4095ull);
  *bytes = (uint64_t)size;
  return vmo;
}

static int64_t spawn_image(const char* name, viper_handle_t image, uint64_t bytes) {
  const char* const argv[] = {name, "exit", "23"};
  const struct viper_spawn_args args = {
      .path = name, .argv = argv, .argc = 3, .image = image, .image_bytes = bytes};
  return viper_process_spawn(&args);
}

/* A program file handed over in a memory object runs as if from the
 * archive (the name is only its name: no such file needs to exist). */
UTEST(spawn, a_program_from_a_memory_object_runs) {
  uint64_t bytes = 0;
  const int64_t image = image_of(HELPER, &bytes);
  UASSERT(image > 0);
  const int64_t process = spawn_image("home/user/helper", (viper_handle_t)image, bytes);
  UEXPECT_EQ(wait_and_close(process), 23);
  viper_handle_close((viper_handle_t)image);
}

UTEST(spawn, a_bad_program_image_is_refused) {
  uint64_t bytes = 0;
  const int64_t image = image_of(HELPER, &bytes);
  UASSERT(image > 0);
  const viper_handle_t vmo = (viper_handle_t)image;
  UEXPECT_EQ(spawn_image("x", vmo, 0), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(spawn_image("x", vmo, ((bytes + 4095) & ~4095ull) + 1), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(spawn_image("x", vmo, VIPER_SPAWN_IMAGE_MAX + 1ull), VIPER_ERR_OUT_OF_RANGE);
  /* Cut inside its code (the file's tail is debug information, which a
   * cut may lose harmlessly), and an object of zeros. */
  UEXPECT_EQ(spawn_image("x", vmo, 4096 + 64), VIPER_ERR_CORRUPT);
  const int64_t zeros = viper_vmo_create(65536);
  UASSERT(zeros > 0);
  UEXPECT_EQ(spawn_image("x", (viper_handle_t)zeros, 65536), VIPER_ERR_CORRUPT);
  viper_handle_close((viper_handle_t)zeros);
  UEXPECT_EQ(spawn_image("x", 0xdead0, bytes), VIPER_ERR_BAD_HANDLE);
  viper_handle_t pair[2];
  UASSERT_EQ(viper_channel_create(pair), 0);
  UEXPECT_EQ(spawn_image("x", pair[0], bytes), VIPER_ERR_BAD_HANDLE); /* no memory object */
  const int64_t no_read = viper_handle_duplicate(vmo, VIPER_RIGHTS_ALL & ~VIPER_RIGHT_READ);
  UASSERT(no_read > 0);
  UEXPECT_EQ(spawn_image("x", (viper_handle_t)no_read, bytes), VIPER_ERR_ACCESS_DENIED);
  viper_handle_close((viper_handle_t)no_read);
  viper_handle_close(pair[0]);
  viper_handle_close(pair[1]);
  UEXPECT_EQ(wait_and_close(spawn_image("x", vmo, bytes)), 23); /* the object is still good */
  viper_handle_close(vmo);
}

/* The ELF header and program headers of a real program with a few bytes
 * changed, 300 times (a fixed seed): each spawn either fails with an
 * error or starts a process that ends — by itself, by a fault, or killed
 * after a second — and the system goes on. User space hands the kernel's
 * ELF parser any bytes it likes now (testing/fuzz fuzzes it on the host). */
UTEST(spawn, corrupted_program_images_fail_cleanly) {
  uint64_t bytes = 0;
  const int64_t image = image_of(HELPER, &bytes);
  UASSERT(image > 0);
  const int64_t at = viper_vmo_map((viper_handle_t)image, 0, VIPER_PROT_READ | VIPER_PROT_WRITE);
  UASSERT(at > 0);
  uint8_t* file = (uint8_t*)(uintptr_t)at;
  uint8_t original[288];
  memcpy(original, file, sizeof(original));
  uint64_t seed = 0x9e3779b97f4a7c15ull;
  int refused = 0, ran = 0;
  for (int round = 0; round < 300; ++round) {
    memcpy(file, original, sizeof(original));
    const int flips = 1 + round % 4;
    for (int i = 0; i < flips; ++i) {
      seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
      file[seed % sizeof(original)] ^= (uint8_t)(1u << ((seed >> 32) % 8));
    }
    const int64_t process = spawn_image("corrupted", (viper_handle_t)image, bytes);
    if (process < 0) {
      UEXPECT(process == VIPER_ERR_CORRUPT || process == VIPER_ERR_NOT_SUPPORTED ||
              process == VIPER_ERR_OUT_OF_RANGE || process == VIPER_ERR_NO_MEMORY);
      refused++;
      continue;
    }
    ran++;
    if (viper_object_wait((viper_handle_t)process, VIPER_SIGNAL_TERMINATED,
                          viper_deadline_after(1000 * MS)) < 0) {
      viper_process_kill((viper_handle_t)process);
    }
    UEXPECT(wait_and_close(process) != INT64_MIN);
  }
  utest_log("process_test: corrupted images: %d refused, %d ran", refused, ran);
  UEXPECT(refused > 0);
  memcpy(file, original, sizeof(original));
  UEXPECT_EQ(wait_and_close(spawn_image("intact", (viper_handle_t)image, bytes)), 23);
  viper_vm_unmap((uint64_t)at, (bytes + 4095) & ~4095ull);
  viper_handle_close((viper_handle_t)image);
}

UTEST(bootstrap, the_child_gets_exactly_the_channel_and_answers_on_it) {
  viper_handle_t pair[2];
  UASSERT_EQ(viper_channel_create(pair), 0);
  const char* const argv[] = {HELPER, "bootstrap"};
  const int64_t process = spawn_with(argv, 2, pair[1]);
  UASSERT(process > 0);
  /* The end moved: the parent's value of it is gone. */
  struct viper_object_info info;
  UEXPECT_EQ(viper_object_info(pair[1], &info), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_channel_write(pair[0], "ping", 4, 0, 0), 0);
  char reply[32] = {0};
  struct viper_message m = {reply, 0, sizeof(reply) - 1, 0, 0, 0};
  UEXPECT_EQ(viper_channel_read(pair[0], &m, viper_deadline_after(10000 * MS)), 6);
  UEXPECT(strcmp(reply, "pong 1") == 0); /* one live handle: the bootstrap */
  UEXPECT_EQ(wait_and_close(process), 0);
  viper_handle_close(pair[0]);
}

UTEST(bootstrap, a_failed_spawn_leaves_the_handle_with_the_parent) {
  viper_handle_t pair[2];
  UASSERT_EQ(viper_channel_create(pair), 0);
  const char* const argv[] = {"bin/corrupt"};
  UEXPECT_EQ(spawn_with(argv, 1, pair[1]), VIPER_ERR_CORRUPT);
  struct viper_object_info info;
  UEXPECT_EQ(viper_object_info(pair[1], &info), 0);
  viper_handle_close(pair[0]);
  viper_handle_close(pair[1]);
}

UTEST(bootstrap, a_handle_without_transfer_is_refused) {
  viper_handle_t pair[2];
  UASSERT_EQ(viper_channel_create(pair), 0);
  const int64_t kept = viper_handle_duplicate(pair[1], VIPER_RIGHTS_ALL & ~VIPER_RIGHT_TRANSFER);
  UASSERT(kept > 0);
  const char* const argv[] = {HELPER, "exit", "0"};
  UEXPECT_EQ(spawn_with(argv, 3, (viper_handle_t)kept), VIPER_ERR_ACCESS_DENIED);
  viper_handle_close(pair[0]);
  viper_handle_close(pair[1]);
  viper_handle_close((viper_handle_t)kept);
}

/* Free memory and processes once the reaper has caught up: it frees a
 * process after its last thread is off its CPU, a little after the exit
 * code became readable, so the counts are polled (for at most 2 s). */
static void settle(const struct viper_system_info* baseline, struct viper_system_info* now) {
  const uint64_t give_up = viper_deadline_after(2000 * MS);
  for (;;) {
    viper_system_info(now);
    if (now->free_memory == baseline->free_memory && now->processes == baseline->processes &&
        now->threads == baseline->threads && now->heap_allocations == baseline->heap_allocations &&
        now->ipc_channels == baseline->ipc_channels) {
      return;
    }
    if (viper_clock_monotonic() > give_up) return;
    viper_thread_sleep(viper_deadline_after(MS));
  }
}

/* Pages the kernel heap may keep after a workload without a leak: its
 * slab caches hold up to 16 freed objects per CPU per size class in
 * magazines and a spare empty slab per class, so the pages they pin depend
 * on which CPU freed what last (measured: 0 to 16 KiB over 1000 spawns).
 * A leak of a page, a kernel stack or a process per spawn would be
 * megabytes. */
#define HEAP_SLACK_BYTES (64 * 1024)

/* Runs `batch` twice: once to warm up (the heap's caches grow to the
 * workload's high-water mark and keep it), then measured: processes and
 * threads exactly as before, free memory within the heap's slack. */
static void expect_no_growth(int (*batch)(void)) {
  UEXPECT_EQ(batch(), 0);
  struct viper_system_info before, after;
  utest_quiet_system(&before);
  UEXPECT_EQ(batch(), 0);
  settle(&before, &after);
  UEXPECT_EQ(after.processes, before.processes);
  UEXPECT_EQ(after.threads, before.threads);
  /* Live kernel objects exactly as before: every block of the kernel heap
   * (processes, threads, handle tables, channels, ...) and every channel. */
  UEXPECT_EQ(after.heap_allocations, before.heap_allocations);
  UEXPECT_EQ(after.ipc_channels, before.ipc_channels);
  UEXPECT_EQ(after.ipc_pollsets, before.ipc_pollsets);
  UEXPECT_EQ(after.ipc_events + after.ipc_timers, before.ipc_events + before.ipc_timers);
  UEXPECT(after.free_memory + HEAP_SLACK_BYTES >= before.free_memory);
  if (after.free_memory != before.free_memory) {
    utest_log("utest: free memory %lld bytes from the baseline",
              (long long)after.free_memory - (long long)before.free_memory);
  }
}

/* 1000 spawns, one after the other; how many did not exit with 0. */
static int thousand_spawns(void) {
  int wrong = 0;
  for (int i = 0; i < 1000; ++i) {
    const int64_t code = wait_and_close(spawn_helper("exit", "0"));
    if (code != 0) {
      utest_log("utest: spawn %d ended with %lld", i, (long long)code);
      ++wrong;
    }
  }
  return wrong;
}

/* 100 processes four at a time, killed while they run or block with
 * several threads; how many did not end as killed. */
static int killed_four_at_a_time(void) {
  int wrong = 0;
  for (int round = 0; round < 25; ++round) {
    int64_t children[4];
    for (int i = 0; i < 4; ++i) children[i] = spawn_helper(i % 2 ? "threads" : "spin", 0);
    viper_thread_sleep(viper_deadline_after(2 * MS));
    for (int i = 0; i < 4; ++i) viper_process_kill((viper_handle_t)children[i]);
    for (int i = 0; i < 4; ++i) wrong += wait_and_close(children[i]) != VIPER_EXIT_KILLED;
  }
  return wrong;
}

UTEST(spawn, a_thousand_spawns_leave_memory_and_processes_at_their_baseline) {
  expect_no_growth(thousand_spawns);
}

UTEST(spawn, killed_spawns_four_at_a_time_leave_memory_at_their_baseline) {
  expect_no_growth(killed_four_at_a_time);
}
