// Signals in user space: the actions (per process), the masks (per
// thread), sending, delivery on the way back to EL0 and the return from a
// handler (VIPER_SYS_SIGNAL_RETURN, called by the trampoline page).
//
// Delivery saves the interrupted registers, SP, PC, PSTATE, FP/SIMD state
// and the thread's mask in a struct viper_signal_frame on the thread's own
// stack, and enters the handler with x0 = the signal, x30 = the trampoline
// and the signal (plus the action's mask) blocked. Sigreturn reads the
// frame back and trusts none of it that matters: PSTATE is forced to EL0t
// with only the condition flags taken over, so a forged frame can never
// return to EL1. A frame that cannot be written or read ends the process
// (VIPER_EXIT_FAULT): the thread has no usable stack.
#include "kernel/syscall/signals.h"

#include "kernel/arch/aarch64/fp_state.h"
#include "kernel/object/process_object.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"
#include "sched/scheduler.h"

namespace viper::syscall {
namespace {

constexpr uint64_t kPstateFlags = 0xf0000000;  // NZCV: all a user may set

constexpr uint64_t bit(uint32_t signal) { return uint64_t{1} << signal; }

[[noreturn]] void end_with(object::Process* process, int64_t code) {
  process->exit(code);
  sched::exit_current();
}

Result<uint64_t> signal_action(CallContext& c, const Arguments& a) {
  const uint64_t signal = a.value[0];
  object::Process::SignalAction action = c.process->signal_action(static_cast<uint32_t>(signal));
  if (a.value[1] != 0) {
    const viper_sigaction wanted = TRY(copy_in<viper_sigaction>(a.value[1]));
    if (wanted.flags != 0) return Error::kInvalidArgument;
    if (wanted.handler > VIPER_SIG_IGN && !arch::user_range_ok(VirtAddr(wanted.handler), 4)) {
      return Error::kFault;
    }
    if (signal > sched::kSigMax) return Error::kInvalidArgument;
    action = TRY(c.process->set_signal_action(static_cast<uint32_t>(signal),
                                              {.handler = wanted.handler, .mask = wanted.mask}));
  } else if (signal == 0 || signal > sched::kSigMax) {
    return Error::kInvalidArgument;
  }
  if (a.value[2] != 0) {
    TRY(copy_out(a.value[2],
                 viper_sigaction{.handler = action.handler, .mask = action.mask, .flags = 0}));
  }
  return 0;
}

Result<uint64_t> signal_mask(CallContext&, const Arguments& a) {
  sched::SignalState& signals = sched::current()->signals;
  const uint64_t old = signals.blocked();
  if (a.value[1] != 0) {
    const uint64_t set = TRY(copy_in<uint64_t>(a.value[1]));
    switch (a.value[0]) {
      case VIPER_SIG_BLOCK:
        signals.set_blocked(old | set);
        break;
      case VIPER_SIG_UNBLOCK:
        signals.set_blocked(old & ~set);
        break;
      case VIPER_SIG_SETMASK:
        signals.set_blocked(set);
        break;
      default:
        return Error::kInvalidArgument;
    }
  }
  if (a.value[2] != 0) TRY(copy_out(a.value[2], old));
  return 0;
}

Result<uint64_t> signal_send(CallContext& c, const Arguments& a) {
  if (a.value[1] == 0 || a.value[1] > sched::kSigMax) return Error::kInvalidArgument;
  const uint32_t signal = static_cast<uint32_t>(a.value[1]);
  if (a.value[0] == 0) {
    TRY(c.process->send_signal(signal));
    end_caller_if_exiting(c);
    return 0;
  }
  object::Ref<object::Process> target =
      TRY(c.handles.get_as<object::Process>(handle_arg(a.value[0]), Rights::kWrite));
  TRY(target->send_signal(signal));
  end_caller_if_exiting(c);
  return 0;
}

}  // namespace

void end_caller_if_exiting(CallContext& c) {
  if (c.process->exiting()) sched::kill(sched::current());
}

void deliver_signals(arch::ExceptionFrame& frame) {
  sched::Thread* self = sched::current();
  object::Process* process = self->process;
  if (process == nullptr) return;
  const uint32_t signal = self->signals.take_deliverable();
  if (signal == 0) return;
  const object::Process::SignalAction action = process->signal_action(signal);
  if (action.handler == VIPER_SIG_IGN) return;
  if (action.handler == VIPER_SIG_DFL) {
    const sched::DefaultAction what = sched::default_action(signal);
    if (what == sched::DefaultAction::kIgnore || what == sched::DefaultAction::kContinue) return;
    end_with(process, -static_cast<int64_t>(signal));  // stop is not supported: ends too
  }
  viper_signal_frame saved{};
  for (int i = 0; i < 31; ++i) saved.x[i] = frame.x[i];
  saved.sp = frame.sp;
  saved.pc = frame.elr;
  saved.pstate = frame.spsr;
  saved.blocked = self->signals.blocked();
  saved.signal = signal;
  arch::FpState fp;
  arch_fp_save(&fp);
  saved.fpcr = fp.fpcr;
  saved.fpsr = fp.fpsr;
  for (int i = 0; i < 32; ++i) saved.v[i] = fp.v[i];
  const uint64_t at = (frame.sp - sizeof(saved)) & ~uint64_t{15};
  if (at >= frame.sp || !copy_out(at, saved).ok()) end_with(process, VIPER_EXIT_FAULT);
  self->signals.set_blocked(saved.blocked | action.mask | bit(signal));
  frame.x[0] = signal;
  frame.x[30] = VIPER_SIGNAL_TRAMPOLINE;
  frame.sp = at;
  frame.elr = action.handler;
}

void signal_return(arch::ExceptionFrame& frame) {
  sched::Thread* self = sched::current();
  Result<viper_signal_frame> saved = copy_in<viper_signal_frame>(frame.sp);
  if (!saved.ok()) end_with(self->process, VIPER_EXIT_FAULT);
  for (int i = 0; i < 31; ++i) frame.x[i] = saved->x[i];
  frame.sp = saved->sp;
  frame.elr = saved->pc;
  frame.spsr = saved->pstate & kPstateFlags;  // EL0t, interrupts on: never EL1
  self->signals.set_blocked(saved->blocked);
  arch::FpState fp;
  fp.fpcr = saved->fpcr;
  fp.fpsr = saved->fpsr;
  for (int i = 0; i < 32; ++i) fp.v[i] = saved->v[i];
  arch_fp_load(&fp);
}

void install_signal_calls() {
  install_call(VIPER_SYS_SIGNAL_ACTION, {"signal_action", &signal_action});
  install_call(VIPER_SYS_SIGNAL_MASK, {"signal_mask", &signal_mask});
  install_call(VIPER_SYS_SIGNAL_SEND, {"signal_send", &signal_send});
}

}  // namespace viper::syscall
