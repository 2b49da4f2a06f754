// fork and exec: the POSIX process calls on top of the process object
// (process_object.h says what each keeps and what it replaces).
#include <viperdos/syscalls.h>

#include "kernel/arch/aarch64/user_entry.h"
#include "kernel/lib/scope_guard.h"
#include "kernel/object/process_object.h"
#include "mm/kheap/make.h"
#include "mm/vm/user_memory.h"

namespace viper::object {

Result<Ref<Process>> Process::fork(const UserResume& resume) {
  sched::Thread* self = sched::current();
  SignalAction actions[sched::kSigMax + 1];
  uint64_t map_next = 0;
  {
    IrqSpinlockGuard guard(lock_);
    if (state_ != State::kRunning || replacing_) return Error::kBadState;
    for (uint32_t signal = 0; signal <= sched::kSigMax; ++signal) {
      actions[signal] = signal_actions_[signal];
    }
    map_next = map_next_;
  }
  // The space stays while this thread is in here: exec() and the end of
  // the process both wait until every other thread has been reaped.
  // clone() write-protects the parent's pages and flushes its ASID on
  // every CPU, so neither side's writes reach the other from now on.
  mm::AddressSpace* space = TRY(space_->clone());
  Ref<Process> child = TRY(create_with(name_, space));
  TRY(child->handles().copy_from(handles()));
  child->resume_ = TRY(mm::make<UserResume>(resume));
  child->resume_->frame.x[0] = 0;  // fork returns 0 in the child
  {
    IrqSpinlockGuard guard(child->lock_);
    for (uint32_t signal = 0; signal <= sched::kSigMax; ++signal) {
      child->signal_actions_[signal] = actions[signal];
    }
    child->map_next_ = map_next;
  }
  TRY(child->start_thread(self->name(), {.pc = VirtAddr(resume.frame.elr),
                                         .sp = VirtAddr(resume.frame.sp),
                                         .tls = resume.tls,
                                         .exit_word = exit_word_of_current(),
                                         .blocked = self->signals.blocked()}));
  return child;
}

void Process::resume_forked_thread() {
  // Only this thread touches resume_: a copy on its stack, the heap copy freed.
  const UserResume resume = *resume_;
  resume_.reset();
  sched::current()->context.has_user_state = 1;  // switches keep what is loaded below
  arch_fp_load(&resume.fp);
  arch::set_user_tls(resume.tls);
  arch_resume_user(&resume.frame);
}

Status Process::exec(mm::AddressSpace* space, const char* name) {
  auto destroy_space = ScopeGuard([&] { mm::destroy_address_space(space); });
  sched::Thread* self = sched::current();
  {
    IrqSpinlockGuard guard(lock_);
    if (state_ != State::kRunning || replacing_) return Error::kBadState;
    replacing_ = true;
    for (ThreadSlot& slot : threads_) {
      if (slot.thread != nullptr && slot.thread != self) sched::kill(slot.thread);
    }
  }
  auto done = ScopeGuard([&] {
    IrqSpinlockGuard guard(lock_);
    replacing_ = false;
  });
  // The killed threads end on their way back to EL0 (or when their wait
  // is interrupted), and the reaper frees them: until then they may still
  // touch the old space. A kill of this process meanwhile ends the wait.
  // The reaper wakes this wait as it reaps each of them (thread_reaped).
  bool interrupted = false;
  const Status waited = sched::wait_until(
      threads_reaped_,
      [&] {
        IrqSpinlockGuard guard(lock_);
        interrupted = state_ != State::kRunning;
        return interrupted || live_threads_ == 1;
      },
      Deadline::never());
  if (!waited.ok() || interrupted) return Error::kInterrupted;
  mm::AddressSpace* old = nullptr;
  {
    IrqSpinlockGuard guard(lock_);
    if (state_ != State::kRunning) return Error::kInterrupted;
    old = space_;
    space_ = space;
    map_next_ = kMapAreaStart;
    size_t i = 0;
    for (; name[i] != '\0' && i + 1 < kProcessNameBytes; ++i) name_[i] = name[i];
    name_[i] = '\0';
    for (uint32_t signal = 1; signal <= sched::kSigMax; ++signal) {
      // POSIX: a caught signal goes back to its default; an ignored one
      // stays ignored (the new program cannot have the old handler).
      if (signal_actions_[signal].handler > VIPER_SIG_IGN) {
        signal_actions_[signal] = SignalAction{};
        self->signals.set_handler_installed(signal, false);
      }
    }
    for (ThreadSlot& slot : threads_) {
      // The old exit word pointed into the old program's memory.
      if (slot.thread == self) slot.start.exit_word = 0;
    }
  }
  destroy_space.dismiss();
  sched::set_address_space(space);
  // Nothing runs in the old space any more: this thread just left it.
  mm::destroy_address_space(old);
  return ok_status();
}

}  // namespace viper::object
