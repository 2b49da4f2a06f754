/* Bad input for every system call: each kind of bad argument gets its
 * documented error, never a panic, a hang or a changed object. Raw svc
 * (userland/libc/syscall.h) where the wrappers could not say it. */
#include "userland/libc/syscall.h"

#include <string.h>
#include <viperdos/viper.h>

#include "userland/testing/utest.h"

#define KERNEL_ADDRESS 0xffff000000000000ull
#define UNMAPPED 0x0000100000000000ull /* nothing is mapped at 16 TiB */
#define STALE ((viper_handle_t)0xdead0001)
#define SOON viper_deadline_after(1000000)

static int64_t sys(uint64_t n, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3) {
  return viper_syscall(n, a0, a1, a2, a3, 0, 0);
}

UTEST(numbers, unknown_calls_are_refused) {
  const uint64_t numbers[] = {
      4,    15,         22,         37,   99, 132, VIPER_SYS_COUNT - 1, VIPER_SYS_COUNT,
      1000, 1ull << 32, 1ull << 63, ~0ull};
  for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); ++i) {
    UEXPECT_EQ(sys(numbers[i], 0, 0, 0, 0), VIPER_ERR_UNKNOWN_CALL);
  }
}

UTEST(debug, bad_buffers) {
  UEXPECT_EQ(viper_debug_write("", 0), 0);
  UEXPECT_EQ(viper_debug_write((void*)UNMAPPED, 8), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_debug_write((void*)KERNEL_ADDRESS, 8), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_debug_write("x", VIPER_DEBUG_WRITE_MAX + 1), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_debug_write("x", ~0ull), VIPER_ERR_OUT_OF_RANGE);
}

UTEST(handles, bad_handles_and_rights) {
  UEXPECT_EQ(viper_handle_close(0), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_handle_close(STALE), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_handle_close(~0ull), VIPER_ERR_BAD_HANDLE);
  const int64_t event = viper_event_create();
  UASSERT(event > 0);
  const viper_handle_t e = (viper_handle_t)event;
  UEXPECT_EQ(viper_handle_duplicate(e, VIPER_RIGHTS_ALL + 1), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_handle_duplicate(e, 1u << 31), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(sys(VIPER_SYS_HANDLE_DUPLICATE, e, 1ull << 40, 0, 0), VIPER_ERR_INVALID_ARGUMENT);
  const int64_t weak = viper_handle_duplicate(e, VIPER_RIGHT_READ);
  UASSERT(weak > 0);
  /* The missing right: no DUPLICATE, no SIGNAL, no WAIT. */
  UEXPECT_EQ(viper_handle_duplicate((viper_handle_t)weak, VIPER_RIGHT_READ),
             VIPER_ERR_ACCESS_DENIED);
  UEXPECT_EQ(viper_object_signal((viper_handle_t)weak, 0, VIPER_SIGNAL_USER0),
             VIPER_ERR_ACCESS_DENIED);
  UEXPECT_EQ(viper_object_wait((viper_handle_t)weak, VIPER_SIGNAL_USER0, 0),
             VIPER_ERR_ACCESS_DENIED);
  /* Replace cannot add rights, and a failed replace keeps the handle. */
  UEXPECT_EQ(viper_handle_replace((viper_handle_t)weak, VIPER_RIGHTS_ALL), VIPER_ERR_ACCESS_DENIED);
  struct viper_object_info info;
  UEXPECT_EQ(viper_object_info((viper_handle_t)weak, &info), 0);
  UEXPECT_EQ(info.rights, VIPER_RIGHT_READ);
  UEXPECT_EQ(viper_object_info(e, (void*)UNMAPPED), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_object_info(e, (void*)KERNEL_ADDRESS), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_object_info(STALE, &info), VIPER_ERR_BAD_HANDLE);
  /* A closed handle's value is stale at once. */
  UEXPECT_EQ(viper_handle_close((viper_handle_t)weak), 0);
  UEXPECT_EQ(viper_handle_close((viper_handle_t)weak), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_handle_close(e), 0);
}

UTEST(signals, unknown_bits_are_refused) {
  const int64_t event = viper_event_create();
  UASSERT(event > 0);
  const viper_handle_t e = (viper_handle_t)event;
  UEXPECT_EQ(viper_object_signal(e, 0, 1u << 20), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(sys(VIPER_SYS_OBJECT_SIGNAL, e, 1ull << 33, 0, 0), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(sys(VIPER_SYS_OBJECT_WAIT, e, 1ull << 40, 0, 0), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_object_wait(e, 1u << 31, 0), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_object_wait(STALE, VIPER_SIGNAL_USER0, 0), VIPER_ERR_BAD_HANDLE);
  /* A deadline in the past does not block. */
  UEXPECT_EQ(viper_object_wait(e, VIPER_SIGNAL_USER0, 0), VIPER_ERR_TIMED_OUT);
  UEXPECT_EQ(viper_object_wait(e, VIPER_SIGNAL_USER0, SOON), VIPER_ERR_TIMED_OUT);
  viper_handle_close(e);
}

UTEST(channels, bad_pointers_sizes_and_handles) {
  UEXPECT_EQ(viper_channel_create((viper_handle_t*)UNMAPPED), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_channel_create((viper_handle_t*)KERNEL_ADDRESS), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_channel_create(0), VIPER_ERR_FAULT);
  viper_handle_t p[2];
  UASSERT_EQ(viper_channel_create(p), 0);
  char big[16];
  UEXPECT_EQ(viper_channel_write(p[0], (void*)UNMAPPED, 8, 0, 0), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_channel_write(p[0], (void*)KERNEL_ADDRESS, 8, 0, 0), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_channel_write(p[0], big, VIPER_MESSAGE_BYTES_MAX + 1, 0, 0),
             VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_channel_write(p[0], big, ~0ull, 0, 0), VIPER_ERR_OUT_OF_RANGE);
  viper_handle_t handles[VIPER_MESSAGE_HANDLES_MAX + 1] = {0};
  UEXPECT_EQ(viper_channel_write(p[0], big, 1, handles, VIPER_MESSAGE_HANDLES_MAX + 1),
             VIPER_ERR_OUT_OF_RANGE);
  const viper_handle_t stale[] = {STALE};
  UEXPECT_EQ(viper_channel_write(p[0], big, 1, stale, 1), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_channel_write(p[0], big, 1, (viper_handle_t*)UNMAPPED, 1), VIPER_ERR_FAULT);
  /* The same handle twice in one message. */
  const int64_t ev = viper_event_create();
  const viper_handle_t twice[] = {(viper_handle_t)ev, (viper_handle_t)ev};
  UEXPECT_EQ(viper_channel_write(p[0], big, 1, twice, 2), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(sys(VIPER_SYS_CHANNEL_WRITE, p[0], UNMAPPED, 0, 0), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_channel_write(STALE, "x", 1, 0, 0), VIPER_ERR_BAD_HANDLE);
  /* Nothing got through; a good message still does. */
  struct viper_message m = {big, 0, sizeof(big), 0, 0, 0};
  UEXPECT_EQ(viper_channel_read(p[1], &m, 0), VIPER_ERR_TIMED_OUT);
  UEXPECT_EQ(viper_channel_write(p[0], "hello", 5, 0, 0), 0);
  struct viper_message small = {big, 0, 2, 0, 0, 0};
  UEXPECT_EQ(viper_channel_read(p[1], &small, 0), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(small.byte_count, 5);
  struct viper_message bad = {(void*)KERNEL_ADDRESS, 0, 16, 0, 0, 0};
  UEXPECT_EQ(viper_channel_read(p[1], &bad, 0), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_channel_read(p[1], (void*)UNMAPPED, 0), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_channel_read(p[1], &m, 0), 5);
  UEXPECT_EQ(sys(VIPER_SYS_CHANNEL_CALL, p[0], UNMAPPED, UNMAPPED, 0), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_channel_call(p[0], big, 1, (void*)KERNEL_ADDRESS, 8, SOON), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_channel_call(STALE, big, 1, big, 8, SOON), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_channel_read(STALE, &m, 0), VIPER_ERR_BAD_HANDLE);
  /* A handle of the wrong type. */
  UEXPECT(viper_channel_read((viper_handle_t)ev, &m, 0) < 0);
  viper_handle_close(p[1]);
  UEXPECT_EQ(viper_channel_write(p[0], "x", 1, 0, 0), VIPER_ERR_PEER_CLOSED);
  viper_handle_close(p[0]);
  viper_handle_close((viper_handle_t)ev);
}

/* A server's reply and its next read in one call: the reply reaches the
 * caller's end first, then the queued request comes back; bad input is
 * refused before anything is sent. */
UTEST(channels, reply_read_sends_the_reply_then_reads_the_next_request) {
  viper_handle_t p[2];
  UASSERT_EQ(viper_channel_create(p), 0);
  char next[16] = {0};
  UEXPECT_EQ(viper_channel_write(p[0], "second", 6, 0, 0), 0);
  UEXPECT_EQ(viper_channel_reply_read(p[1], "reply", 5, next, sizeof next, 0), 6);
  UEXPECT(memcmp(next, "second", 6) == 0);
  char got[16] = {0};
  struct viper_message m = {got, 0, sizeof got, 0, 0, 0};
  UEXPECT_EQ(viper_channel_read(p[0], &m, 0), 5);
  UEXPECT(memcmp(got, "reply", 5) == 0);
  /* Nothing queued: the reply still goes out, the read times out. */
  UEXPECT_EQ(viper_channel_reply_read(p[1], "late", 4, next, sizeof next, 0), VIPER_ERR_TIMED_OUT);
  UEXPECT_EQ(viper_channel_read(p[0], &m, 0), 4);
  /* A request larger than the buffer stays queued (read it with channel_read). */
  UEXPECT_EQ(viper_channel_write(p[0], "a longer one", 12, 0, 0), 0);
  UEXPECT_EQ(viper_channel_reply_read(p[1], "r", 1, next, 4, 0), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_channel_read(p[0], &m, 0), 1);
  struct viper_message rest = {got, 0, sizeof got, 0, 0, 0};
  UEXPECT_EQ(viper_channel_read(p[1], &rest, 0), 12);
  /* Bad input: nothing is sent. */
  UEXPECT_EQ(sys(VIPER_SYS_CHANNEL_REPLY_READ, p[1], UNMAPPED, UNMAPPED, 0), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_channel_reply_read(p[1], "x", 1, (void*)KERNEL_ADDRESS, 8, 0), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_channel_reply_read(STALE, "x", 1, next, 8, 0), VIPER_ERR_BAD_HANDLE);
  const viper_handle_t one[] = {p[0]};
  const struct viper_message with_handle = {(void*)"x", 1, 1, (viper_handle_t*)one, 1, 1};
  struct viper_message into = {next, 0, sizeof next, 0, 0, 0};
  UEXPECT_EQ(sys(VIPER_SYS_CHANNEL_REPLY_READ, p[1], (uint64_t)&with_handle, (uint64_t)&into, 0),
             VIPER_ERR_NOT_SUPPORTED);
  UEXPECT_EQ(viper_channel_read(p[0], &m, 0), VIPER_ERR_TIMED_OUT);
  /* The peer gone: the reply cannot go. */
  viper_handle_close(p[0]);
  UEXPECT_EQ(viper_channel_reply_read(p[1], "x", 1, next, 8, 0), VIPER_ERR_PEER_CLOSED);
  viper_handle_close(p[1]);
}

UTEST(waiting, timers_and_pollsets) {
  const int64_t timer = viper_timer_create();
  const int64_t set = viper_pollset_create();
  const int64_t event = viper_event_create();
  UASSERT(timer > 0 && set > 0 && event > 0);
  UEXPECT_EQ(viper_timer_set(STALE, 0, 0), VIPER_ERR_BAD_HANDLE);
  UEXPECT(viper_timer_set((viper_handle_t)event, 0, 0) < 0); /* not a timer */
  UEXPECT_EQ(viper_timer_cancel(STALE), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_pollset_add((viper_handle_t)set, STALE, VIPER_SIGNAL_USER0, 1),
             VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_pollset_add((viper_handle_t)set, (viper_handle_t)event, 1u << 30, 1),
             VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(sys(VIPER_SYS_POLLSET_ADD, set, event, 1ull << 40, 1), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT(viper_pollset_add((viper_handle_t)set, (viper_handle_t)set, VIPER_SIGNAL_USER0, 1) < 0);
  UEXPECT(viper_pollset_remove((viper_handle_t)set, (viper_handle_t)event) < 0); /* not a member */
  struct viper_poll_event events[4];
  UEXPECT_EQ(viper_pollset_wait((viper_handle_t)set, events, 0, 0), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_pollset_wait((viper_handle_t)set, events, VIPER_POLL_EVENTS_MAX + 1, 0),
             VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_pollset_wait((viper_handle_t)set, (void*)KERNEL_ADDRESS, 4, 0), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_pollset_wait(STALE, events, 4, 0), VIPER_ERR_BAD_HANDLE);
  /* The timer still works afterwards. */
  UEXPECT_EQ(viper_timer_set((viper_handle_t)timer, SOON, 0), 0);
  UEXPECT_EQ(viper_object_wait((viper_handle_t)timer, VIPER_SIGNAL_TIMER_FIRED,
                               viper_deadline_after(1000000000)),
             VIPER_SIGNAL_TIMER_FIRED);
  viper_handle_close((viper_handle_t)timer);
  viper_handle_close((viper_handle_t)set);
  viper_handle_close((viper_handle_t)event);
}

UTEST(process, bad_spawn_arguments_and_handles) {
  UEXPECT_EQ(viper_process_spawn((void*)UNMAPPED), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_process_spawn((void*)KERNEL_ADDRESS), VIPER_ERR_FAULT);
  struct viper_spawn_args a = {.path = (const char*)UNMAPPED};
  UEXPECT_EQ(viper_process_spawn(&a), VIPER_ERR_FAULT);
  char long_path[VIPER_SPAWN_PATH_MAX + 8];
  memset(long_path, 'a', sizeof(long_path) - 1);
  long_path[sizeof(long_path) - 1] = '\0';
  a.path = long_path;
  UEXPECT(viper_process_spawn(&a) < 0);
  const char* argv[] = {"bin/hello"};
  a.path = "bin/hello";
  a.argv = argv;
  a.argc = VIPER_SPAWN_ARGS_MAX + 1;
  UEXPECT_EQ(viper_process_spawn(&a), VIPER_ERR_OUT_OF_RANGE);
  a.argc = ~0ull;
  UEXPECT_EQ(viper_process_spawn(&a), VIPER_ERR_OUT_OF_RANGE);
  a.argc = 1;
  a.argv = (void*)KERNEL_ADDRESS;
  UEXPECT_EQ(viper_process_spawn(&a), VIPER_ERR_FAULT);
  const char* bad_strings[] = {(const char*)UNMAPPED};
  a.argv = bad_strings;
  UEXPECT_EQ(viper_process_spawn(&a), VIPER_ERR_FAULT);
  a.argv = argv;
  a.bootstrap = STALE;
  UEXPECT_EQ(viper_process_spawn(&a), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_process_kill(STALE), VIPER_ERR_BAD_HANDLE);
  struct viper_process_info info;
  UEXPECT_EQ(viper_process_info(STALE, &info), VIPER_ERR_BAD_HANDLE);
  const int64_t event = viper_event_create();
  UEXPECT(viper_process_kill((viper_handle_t)event) < 0); /* not a process */
  UEXPECT(viper_process_info((viper_handle_t)event, &info) < 0);
  viper_handle_close((viper_handle_t)event);
  UEXPECT(viper_process_id() > 0);
}

static void never_runs(void* arg) { (void)arg; }

UTEST(thread, bad_entries_stacks_and_exit_words) {
  static uint32_t word;
  static char stack[4096] __attribute__((aligned(16)));
  void* top = stack + sizeof(stack);
  UEXPECT_EQ(viper_thread_create((void*)KERNEL_ADDRESS, top, 0, 0, 0), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_thread_create((void (*)(void*))((uintptr_t)never_runs + 1), top, 0, 0, 0),
             VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_thread_create(never_runs, 0, 0, 0, 0), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_thread_create(never_runs, (char*)top - 8, 0, 0, 0), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_thread_create(never_runs, (void*)KERNEL_ADDRESS, 0, 0, 0),
             VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_thread_create(never_runs, top, 0, 0, (uint32_t*)((char*)&word + 1)),
             VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_thread_create(never_runs, top, 0, 0, (uint32_t*)KERNEL_ADDRESS),
             VIPER_ERR_INVALID_ARGUMENT);
  /* A deadline already passed: sleep returns at once. */
  UEXPECT_EQ(viper_thread_sleep(0), 0);
}

UTEST(memory, bad_ranges_and_protections) {
  UEXPECT_EQ(viper_vm_map(0, 0, VIPER_PROT_READ), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_vm_map(0, ~0ull, VIPER_PROT_READ), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_vm_map(0, 4096, VIPER_PROT_WRITE | VIPER_PROT_EXEC), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_vm_map(0, 4096, 8), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(sys(VIPER_SYS_VM_MAP, 0, 4096, 1ull << 40, 0), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT(viper_vm_map(KERNEL_ADDRESS, 4096, VIPER_PROT_READ) < 0);
  UEXPECT_EQ(viper_vm_map(UNMAPPED + 1, 4096, VIPER_PROT_READ), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT(viper_vm_map(0x400000, 4096, VIPER_PROT_READ) < 0); /* over the program's text */
  const int64_t at = viper_vm_map(0, 8192, VIPER_PROT_READ | VIPER_PROT_WRITE);
  UASSERT(at > 0);
  UEXPECT_EQ(viper_vm_protect((uint64_t)at, 8192, VIPER_PROT_WRITE | VIPER_PROT_EXEC),
             VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_vm_protect((uint64_t)at + 1, 4096, VIPER_PROT_READ), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_vm_protect((uint64_t)at, 0, VIPER_PROT_READ), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_vm_unmap((uint64_t)at + 100, 4096), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_vm_unmap((uint64_t)at, 0), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT(viper_vm_unmap(KERNEL_ADDRESS, 4096) < 0);
  ((volatile char*)at)[0] = 1; /* still mapped, still writable */
  UEXPECT_EQ(viper_vm_unmap((uint64_t)at, 8192), 0);
}

UTEST(futex, misaligned_unmapped_and_kernel_words) {
  static uint32_t words[2];
  UEXPECT_EQ(viper_futex_wait((uint32_t*)((char*)words + 1), 0, 0), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_futex_wake((uint32_t*)((char*)words + 2), 1), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_futex_wait((uint32_t*)KERNEL_ADDRESS, 0, 0), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_futex_wake((uint32_t*)KERNEL_ADDRESS, 1), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_futex_wait((uint32_t*)UNMAPPED, 0, SOON), VIPER_ERR_FAULT);
  UEXPECT_EQ(sys(VIPER_SYS_FUTEX_WAIT, (uint64_t)(uintptr_t)words, 1ull << 32, 0, 0),
             VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_futex_wake(words, 0), VIPER_ERR_INVALID_ARGUMENT);
  /* The word already differs: no wait; the same value: the deadline ends it. */
  UEXPECT_EQ(viper_futex_wait(words, 5, VIPER_DEADLINE_NEVER), 0);
  UEXPECT_EQ(viper_futex_wait(words, 0, SOON), VIPER_ERR_TIMED_OUT);
  UEXPECT_EQ(viper_futex_wake(words, 1), 0);
}

UTEST(system, bad_info_pointers) {
  UEXPECT_EQ(viper_system_info((void*)UNMAPPED), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_system_info((void*)KERNEL_ADDRESS), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_system_info((void*)(KERNEL_ADDRESS - 8)), VIPER_ERR_FAULT);
  struct viper_system_info info;
  UEXPECT_EQ(viper_system_info(&info), 0);
  UEXPECT(info.free_memory <= info.total_memory);
  UEXPECT(viper_clock_monotonic() > 0);
}

/* Registers besides x0 come back as they went in, also after a call
 * that slept. */
UTEST(abi, registers_survive_a_sleeping_call) {
  uint64_t mismatches;
  const uint64_t deadline = viper_deadline_after(5000000);
  __asm__ volatile(
      "mov x1, #0x1111\n mov x2, #0x2222\n mov x3, #0x3333\n mov x4, #0x4444\n"
      "mov x5, #0x5555\n mov x6, #0x6666\n mov x7, #0x7777\n mov x9, #0x9999\n"
      "mov x15, #0xf0f\n mov x19, #0x1919\n mov x28, #0x2828\n"
      "mov x0, %[deadline]\n mov x8, %[number]\n svc #0\n"
      "mov %[out], #0\n"
      "mov x10, #0x1111\n cmp x1, x10\n cinc %[out], %[out], ne\n"
      "mov x10, #0x2222\n cmp x2, x10\n cinc %[out], %[out], ne\n"
      "mov x10, #0x3333\n cmp x3, x10\n cinc %[out], %[out], ne\n"
      "mov x10, #0x4444\n cmp x4, x10\n cinc %[out], %[out], ne\n"
      "mov x10, #0x5555\n cmp x5, x10\n cinc %[out], %[out], ne\n"
      "mov x10, #0x6666\n cmp x6, x10\n cinc %[out], %[out], ne\n"
      "mov x10, #0x7777\n cmp x7, x10\n cinc %[out], %[out], ne\n"
      "cmp x8, %[number]\n cinc %[out], %[out], ne\n"
      "mov x10, #0x9999\n cmp x9, x10\n cinc %[out], %[out], ne\n"
      "mov x10, #0xf0f\n cmp x15, x10\n cinc %[out], %[out], ne\n"
      "mov x10, #0x1919\n cmp x19, x10\n cinc %[out], %[out], ne\n"
      "mov x10, #0x2828\n cmp x28, x10\n cinc %[out], %[out], ne\n"
      : [out] "=&r"(mismatches)
      : [deadline] "r"(deadline), [number] "r"((uint64_t)VIPER_SYS_THREAD_SLEEP)
      : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x15", "x19", "x28",
        "cc", "memory");
  UEXPECT_EQ(mismatches, 0);
}

/* Objects in flight die with the queue they wait in. */
static int64_t free_memory(void) {
  struct viper_system_info info;
  viper_thread_sleep(viper_deadline_after(10000000));
  viper_system_info(&info);
  return (int64_t)info.free_memory;
}

static void pass_and_close(int kind) {
  viper_handle_t p[2];
  if (viper_channel_create(p) != 0) return;
  const int64_t event = viper_event_create();
  viper_handle_t moved = kind == 0 ? (viper_handle_t)event : kind == 1 ? p[1] : p[0];
  if (kind != 0) viper_handle_close((viper_handle_t)event);
  if (viper_channel_write(p[0], "x", 1, &moved, 1) != 0) {
    viper_handle_close(moved);
  }
  if (kind != 2) viper_handle_close(p[0]);
  if (kind != 1) viper_handle_close(p[1]);
}

static void expect_no_growth_passing(int kind) {
  for (int i = 0; i < 300; ++i) pass_and_close(kind);
  const int64_t before = free_memory();
  for (int i = 0; i < 1000; ++i) pass_and_close(kind);
  const int64_t after = free_memory();
  if (after != before) utest_log("utest: kind %d: %lld bytes", kind, (long long)(after - before));
  UEXPECT(after + 64 * 1024 >= before);
}

UTEST(channels, an_unread_handle_dies_with_the_channel) { expect_no_growth_passing(0); }
UTEST(channels, an_end_in_its_own_queue_dies_when_the_peer_closes) { expect_no_growth_passing(1); }
UTEST(channels, an_end_sent_to_its_peer_dies_with_the_peer) { expect_no_growth_passing(2); }

UTEST(signals, kernel_signals_cannot_be_raised_from_user_space) {
  const int64_t event = viper_event_create();
  UASSERT(event > 0);
  UEXPECT_EQ(viper_object_signal((viper_handle_t)event, 0, VIPER_SIGNAL_READABLE),
             VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_object_signal((viper_handle_t)event, VIPER_SIGNAL_TERMINATED, 0),
             VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_object_signal(STALE, 0, VIPER_SIGNAL_USER0), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_object_signal((viper_handle_t)event, 0, VIPER_SIGNAL_USER0), 0);
  UEXPECT_EQ(viper_object_wait((viper_handle_t)event, VIPER_SIGNAL_USER0, 0), VIPER_SIGNAL_USER0);
  viper_handle_close((viper_handle_t)event);
}

UTEST(handles, replace_checks_its_arguments_first) {
  const int64_t event = viper_event_create();
  UASSERT(event > 0);
  UEXPECT_EQ(viper_handle_replace(STALE, VIPER_RIGHT_READ), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_handle_replace((viper_handle_t)event, VIPER_RIGHTS_ALL + 1),
             VIPER_ERR_INVALID_ARGUMENT);
  struct viper_object_info info;
  UEXPECT_EQ(viper_object_info((viper_handle_t)event, &info), 0); /* still there */
  const int64_t replaced = viper_handle_replace((viper_handle_t)event, VIPER_RIGHT_READ);
  UEXPECT(replaced > 0);
  UEXPECT_EQ(viper_object_info((viper_handle_t)event, &info), VIPER_ERR_BAD_HANDLE);
  viper_handle_close((viper_handle_t)replaced);
}

UTEST(rights, each_call_needs_its_right) {
  viper_handle_t p[2];
  UASSERT_EQ(viper_channel_create(p), 0);
  const int64_t no_write = viper_handle_duplicate(p[0], VIPER_RIGHTS_ALL & ~VIPER_RIGHT_WRITE);
  const int64_t no_read = viper_handle_duplicate(p[1], VIPER_RIGHTS_ALL & ~VIPER_RIGHT_READ);
  UASSERT(no_write > 0 && no_read > 0);
  UEXPECT_EQ(viper_channel_write((viper_handle_t)no_write, "x", 1, 0, 0), VIPER_ERR_ACCESS_DENIED);
  UEXPECT_EQ(viper_channel_write(p[0], "x", 1, 0, 0), 0);
  char byte;
  struct viper_message m = {&byte, 0, 1, 0, 0, 0};
  UEXPECT_EQ(viper_channel_read((viper_handle_t)no_read, &m, 0), VIPER_ERR_ACCESS_DENIED);
  UEXPECT_EQ(viper_channel_read(p[1], &m, 0), 1);
  /* A handle without TRANSFER cannot travel. */
  const int64_t event = viper_event_create();
  const int64_t fixed =
      viper_handle_duplicate((viper_handle_t)event, VIPER_RIGHTS_ALL & ~VIPER_RIGHT_TRANSFER);
  const viper_handle_t moved[] = {(viper_handle_t)fixed};
  UEXPECT_EQ(viper_channel_write(p[0], "x", 1, moved, 1), VIPER_ERR_ACCESS_DENIED);
  const int64_t timer = viper_timer_create();
  const int64_t timer_read = viper_handle_duplicate((viper_handle_t)timer, VIPER_RIGHT_READ);
  UEXPECT_EQ(viper_timer_set((viper_handle_t)timer_read, SOON, 0), VIPER_ERR_ACCESS_DENIED);
  UEXPECT_EQ(viper_timer_cancel((viper_handle_t)timer_read), VIPER_ERR_ACCESS_DENIED);
  UEXPECT_EQ(viper_timer_set((viper_handle_t)timer, SOON, 1), VIPER_ERR_INVALID_ARGUMENT);
  const viper_handle_t all[] = {p[0],
                                p[1],
                                (viper_handle_t)no_write,
                                (viper_handle_t)no_read,
                                (viper_handle_t)event,
                                (viper_handle_t)fixed,
                                (viper_handle_t)timer,
                                (viper_handle_t)timer_read};
  for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); ++i)
    UEXPECT_EQ(viper_handle_close(all[i]), 0);
}
