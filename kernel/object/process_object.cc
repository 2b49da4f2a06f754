#include "kernel/object/process_object.h"

#include "kernel/arch/aarch64/context.h"
#include "kernel/arch/aarch64/user_entry.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/scope_guard.h"
#include "kernel/object/lock_classes.h"
#include "mm/kheap/make.h"
#include "mm/pmm/physical_memory.h"
#include "mm/vm/user_memory.h"

namespace viper::object {
namespace {

LockClass g_process_class{kProcessLock};

void copy_name(char (&to)[kProcessNameBytes], const char* from) {
  size_t i = 0;
  for (; from[i] != '\0' && i + 1 < kProcessNameBytes; ++i) to[i] = from[i];
  to[i] = '\0';
}

}  // namespace

Result<Ref<ProcessSignals>> ProcessSignals::create() { return mm::make_ref<ProcessSignals>(); }

void ProcessSignals::destroy() {
  leave_pollsets();
  mm::kdelete(this);
}

Process::Process(ObjectId id, mm::AddressSpace* space, mm::Own<cap::HandleTable> handles,
                 Ref<ProcessSignals> signals, const char* name)
    : KernelObject(kType, id),
      lock_(g_process_class),
      space_(space),
      handles_(move(handles)),
      signals_(move(signals)) {
  copy_name(name_, name);
}

Result<Ref<Process>> Process::create(const char* name) {
  Ref<ProcessSignals> signals = TRY(ProcessSignals::create());
  mm::Own<cap::HandleTable> handles = TRY(mm::make<cap::HandleTable>());
  mm::AddressSpace* space = TRY(mm::AddressSpace::create(mm::physical_memory()));
  auto destroy_space = ScopeGuard([&] { mm::destroy_address_space(space); });
  const ObjectId id = TRY(allocate_object_id());  // REL-004
  Ref<Process> process = TRY(mm::make_ref<Process>(id, space, move(handles), move(signals), name));
  destroy_space.dismiss();
  return process;
}

void Process::destroy() {
  // Only after termination (threads hold references until they are
  // reaped), or for a process that never started a thread.
  if (space_ != nullptr) mm::destroy_address_space(space_);
  handles_.reset();
  mm::kdelete(this);
}

Result<sched::Thread*> Process::start_thread(const char* name, VirtAddr pc, VirtAddr sp,
                                             uint64_t arg0, uint64_t arg1) {
  ThreadSlot* slot = nullptr;
  {
    IrqSpinlockGuard guard(lock_);
    if (state_ != State::kRunning) return Error::kBadState;
    for (ThreadSlot& candidate : threads_) {
      if (candidate.thread == nullptr && candidate.pc.value() == 0) {
        slot = &candidate;
        break;
      }
    }
    if (slot == nullptr) return Error::kNoSpace;
    // Claimed (pc set) before the thread exists, so no other start takes it.
    *slot = ThreadSlot{.thread = nullptr, .pc = pc, .sp = sp, .arg0 = arg0, .arg1 = arg1};
    ++live_threads_;
  }
  add_ref();  // the thread's reference, dropped when it is reaped
  Result<sched::Thread*> thread =
      sched::spawn(name, &user_thread_main, slot, sched::ThreadOptions{.process = this});
  IrqSpinlockGuard guard(lock_);
  if (!thread.ok()) {
    *slot = ThreadSlot{};
    --live_threads_;
    // The reference cannot be the last: the caller holds one.
    release();
    return thread.error();
  }
  slot->thread = thread.value();
  // exit() may have come in between: the new thread must end too.
  if (state_ != State::kRunning) sched::kill(thread.value());
  return thread.value();
}

void Process::user_thread_main(void* arg) {
  const ThreadSlot& slot = *static_cast<ThreadSlot*>(arg);
  sched::Thread* self = sched::current();
  sched::set_address_space(&self->process->address_space());
  // From here on a switch saves and restores this thread's FP/SIMD and
  // TLS registers; entering EL0 starts them at zero (context.h).
  self->context.has_user_state = 1;
  arch::enter_user(slot.pc, slot.sp, slot.arg0, slot.arg1);
}

void Process::exit(int64_t code) {
  IrqSpinlockGuard guard(lock_);
  if (state_ != State::kRunning) return;
  state_ = State::kExiting;
  exit_code_ = code;
  sched::Thread* self = sched::current();
  for (ThreadSlot& slot : threads_) {
    if (slot.thread != nullptr && slot.thread != self) sched::kill(slot.thread);
  }
}

bool Process::exiting() const {
  IrqSpinlockGuard guard(lock_);
  return state_ != State::kRunning;
}

Result<int64_t> Process::exit_code() const {
  IrqSpinlockGuard guard(lock_);
  if (state_ != State::kTerminated) return Error::kBadState;
  return exit_code_;
}

void Process::thread_reaped(sched::Thread* thread) {
  bool last = false;
  {
    IrqSpinlockGuard guard(lock_);
    for (ThreadSlot& slot : threads_) {
      if (slot.thread == thread) slot = ThreadSlot{};
    }
    // A thread that ends without exit() (returning from a fault it cannot
    // survive) ends the process with a failure code.
    if (state_ == State::kRunning) {
      state_ = State::kExiting;
      exit_code_ = -1;
      for (ThreadSlot& slot : threads_) {
        if (slot.thread != nullptr) sched::kill(slot.thread);
      }
    }
    last = --live_threads_ == 0;
  }
  if (last) terminate();
  release();  // the thread's reference
}

void Process::terminate() {
  // No thread runs in the space any more, and none can start (kExiting).
  handles_.reset();
  mm::destroy_address_space(space_);
  space_ = nullptr;
  {
    IrqSpinlockGuard guard(lock_);
    state_ = State::kTerminated;
  }
  signals_->terminate();
}

void Process::run_reaper(void*) {
  for (;;) {
    sched::Thread* thread = sched::take_exited_user_thread();
    Process* process = thread->process;
    // Exited and off its CPU: reap() cannot be busy.
    if (!sched::reap(thread).ok()) panic("reaper: an exited user thread could not be reaped");
    process->thread_reaped(thread);
  }
}

}  // namespace viper::object
