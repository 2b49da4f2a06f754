// The AArch64 side of a system call: arguments from the exception frame,
// the result into x0 (kernel/arch/aarch64/exception.h installs it).
//
// Every call but a few enters with a short frame (exception.h,
// SyscallFrame::kShort) and this is the whole of its kernel path besides
// the call itself: the table read inline, the call, one check for work
// on the way out. Under QEMU TCG every call and return between here and
// the call costs a TB lookup, so nothing on it is a function call that
// need not be (docs/performance.md, the null syscall).
#include "kernel/syscall/entry.h"

#include <viperdos/syscalls.h>

#include "kernel/arch/arch.h"
#include "kernel/object/process_object.h"
#include "kernel/syscall/signals.h"
#include "kernel/syscall/syscall.h"
#include "sched/scheduler.h"

namespace viper::syscall {
namespace {

// sched::current() without the call.
sched::Thread& this_thread() {
  return *static_cast<sched::Thread*>(arch::this_cpu()->current_task);
}

// What before_return_to_user (kernel/boot/user_space.cc) would act on: a
// kill, or a signal that is pending and not blocked. Interrupts are masked
// from here to the eret, so one that arrives after the check is an IPI
// taken at EL0 at once, whose return delivers it.
bool work_pending(const sched::Thread& thread) {
  return thread.kill_requested.load(MemoryOrder::kRelaxed) != 0 ||
         (thread.signals.pending() & ~thread.signals.blocked()) != 0;
}

}  // namespace

arch::SyscallNext handle_syscall(arch::ExceptionFrame& frame, arch::SyscallFrame saved) {
  const uint64_t number = frame.x[8];
  const bool whole = saved == arch::SyscallFrame::kWhole;
  // Sigreturn replaces the whole frame, x0 included: no result to write.
  if (number == VIPER_SYS_SIGNAL_RETURN) {
    if (!whole) return arch::SyscallNext::kWholeFrame;
    signal_return(frame);
    return arch::SyscallNext::kReturnToUser;
  }
  const CallInfo* info = find_call(number);
  int64_t result = static_cast<int64_t>(Error::kUnknownCall);
  if (info != nullptr) {
    if (info->frame == FrameUse::kWhole && !whole) return arch::SyscallNext::kWholeFrame;
    object::Process* process = this_thread().process;
    CallContext context{.handles = process->handles(),
                        .process = process,
                        .frame = info->frame == FrameUse::kWhole ? &frame : nullptr};
    // The saved x0-x5 as the call's arguments, in place (syscall.h).
    static_assert(sizeof(Arguments) == 6 * sizeof(frame.x[0]));
    const Arguments& args = *reinterpret_cast<const Arguments*>(&frame.x[0]);
    result = abi_result(info->call(context, args));
  }
  frame.x[0] = static_cast<uint64_t>(result);
  return work_pending(this_thread()) ? arch::SyscallNext::kReturnToUser
                                     : arch::SyscallNext::kReturn;
}

}  // namespace viper::syscall
