// Threads: more of them in the caller's process, and their end.
#include "kernel/object/process_object.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"
#include "kernel/syscall/futex.h"

namespace viper::syscall {
namespace {

// (entry, stack_top, arg, tls, exit_word) -> thread id. The entry must be
// in user space, the stack 16-byte aligned, the exit word 4-byte aligned.
Result<uint64_t> thread_create(CallContext& c, const Arguments& a) {
  const uint64_t entry = a.value[0];
  const uint64_t stack = a.value[1];
  const uint64_t exit_word = a.value[4];
  if (!arch::user_range_ok(VirtAddr(entry), 4) || entry % 4 != 0) return Error::kInvalidArgument;
  if (!arch::user_range_ok(VirtAddr(stack), 0) || stack % 16 != 0 || stack == 0) {
    return Error::kInvalidArgument;
  }
  if (exit_word != 0 && (exit_word % 4 != 0 || !arch::user_range_ok(VirtAddr(exit_word), 4))) {
    return Error::kInvalidArgument;
  }
  const sched::TaskId thread =
      TRY(c.process->start_thread(c.process->name(), {.pc = VirtAddr(entry),
                                                      .sp = VirtAddr(stack),
                                                      .arg0 = a.value[2],
                                                      .arg1 = 0,
                                                      .tls = a.value[3],
                                                      .exit_word = exit_word}));
  return thread.value;
}

// () -> does not return: the exit word is cleared and its waiters woken
// (its slot freed first, so a joiner can start a thread at once).
Result<uint64_t> thread_exit(CallContext& c, const Arguments&) {
  if (const uint64_t word = c.process->leave_slot_of_current()) {
    const uint32_t zero = 0;
    if (arch::copy_to_user(VirtAddr(word), &zero, sizeof(zero)).ok()) wake_futex(c, word);
  }
  sched::exit_current();
}

}  // namespace

void install_thread_calls() {
  install_call(VIPER_SYS_THREAD_CREATE, {"thread_create", &thread_create});
  install_call(VIPER_SYS_THREAD_EXIT, {"thread_exit", &thread_exit});
}

}  // namespace viper::syscall
