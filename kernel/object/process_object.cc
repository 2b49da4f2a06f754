#include "kernel/object/process_object.h"

#include <viperdos/syscalls.h>

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
Atomic<uint32_t> g_live_processes{0};

constexpr uint64_t kMapAreaEnd = 0x7f00'0000'0000;

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

Process::Process(ObjectId id, ObjectId parent, mm::AddressSpace* space,
                 mm::Own<cap::HandleTable> handles, Ref<ProcessSignals> signals, const char* name)
    : KernelObject(kType, id),
      lock_(g_process_class),
      space_(space),
      handles_(move(handles)),
      signals_(move(signals)),
      map_next_(kMapAreaStart) {
  copy_name(name_, name);
  link_.object = this;
  link_.id = id;
  link_.parent = parent;
  g_live_processes.fetch_add(1, MemoryOrder::kRelaxed);
  process_registry().add(link_);
}

uint32_t Process::live_count() { return g_live_processes.load(MemoryOrder::kRelaxed); }

Result<Ref<Process>> Process::create(const char* name) {
  mm::AddressSpace* space = TRY(mm::AddressSpace::create(mm::physical_memory()));
  return create_with(name, space);
}

Result<Ref<Process>> Process::create_with(const char* name, mm::AddressSpace* space) {
  auto destroy_space = ScopeGuard([&] { mm::destroy_address_space(space); });
  Ref<ProcessSignals> signals = TRY(ProcessSignals::create());
  mm::Own<cap::HandleTable> handles = TRY(mm::make<cap::HandleTable>());
  const ObjectId id = TRY(allocate_object_id());  // REL-004
  const Process* creator = current();
  const ObjectId parent = creator != nullptr ? creator->id() : ObjectId{};
  Ref<Process> process =
      TRY(mm::make_ref<Process>(id, parent, space, move(handles), move(signals), name));
  destroy_space.dismiss();
  return process;
}

void Process::destroy() {
  // Only after termination (threads hold references until they are
  // reaped), or for a process that never started a thread.
  // Unregistered first: from here on no lookup can find it (one that
  // found it a moment ago saw its count at zero: try_add_ref).
  process_registry().remove(link_);
  if (space_ != nullptr) mm::destroy_address_space(space_);
  handles_.reset();
  g_live_processes.fetch_sub(1, MemoryOrder::kRelaxed);
  mm::kdelete(this);
}

Result<sched::TaskId> Process::start_thread(const char* name, const ThreadStart& start) {
  ThreadSlot* slot = nullptr;
  {
    IrqSpinlockGuard guard(lock_);
    // Not while exec() ends the other threads: a new one would run on in
    // the old program.
    if (state_ != State::kRunning || replacing_) return Error::kBadState;
    for (ThreadSlot& candidate : threads_) {
      if (!candidate.used) {
        slot = &candidate;
        break;
      }
    }
    if (slot == nullptr) return Error::kNoSpace;
    *slot = ThreadSlot{.thread = nullptr, .used = true, .start = start};
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
  // The thread waits for this before it runs (user_thread_main), so it is
  // alive here; once the lock is released it may end at any time.
  slot->thread = thread.value();
  thread.value()->signals.set_blocked(start.blocked);
  for (uint32_t signal = 1; signal <= sched::kSigMax; ++signal) {
    if (signal_actions_[signal].handler > VIPER_SIG_IGN) {
      thread.value()->signals.set_handler_installed(signal, true);
    }
  }
  // exit() or exec() may have come in between: the new thread must end too.
  if (state_ != State::kRunning || replacing_) sched::kill(thread.value());
  return thread.value()->id();
}

uint64_t Process::exit_word_of_current() const {
  IrqSpinlockGuard guard(lock_);
  const sched::Thread* self = sched::current();
  for (const ThreadSlot& slot : threads_) {
    if (slot.used && slot.thread == self) return slot.start.exit_word;
  }
  return 0;
}

uint64_t Process::leave_slot_of_current() {
  IrqSpinlockGuard guard(lock_);
  const sched::Thread* self = sched::current();
  for (ThreadSlot& slot : threads_) {
    if (slot.used && slot.thread == self) {
      const uint64_t word = slot.start.exit_word;
      slot = ThreadSlot{};
      return word;
    }
  }
  return 0;
}

void Process::user_thread_main(void* arg) {
  ThreadSlot* slot = static_cast<ThreadSlot*>(arg);
  sched::Thread* self = sched::current();
  // Not before start_thread has recorded this thread in its slot: until
  // then neither exit() nor the reaper can find it, and a thread that ran
  // to its end first would leave start_thread a freed thread (and a slot
  // that is no longer its own) to write to.
  for (;;) {
    {
      IrqSpinlockGuard guard(self->process->lock_);
      if (slot->thread == self) break;
    }
    sched::yield();
  }
  // Killed before it ever ran (exit() or start_thread saw the process
  // exiting): it never enters user mode.
  if (sched::kill_requested()) sched::exit_current();
  // The slot stays put until this thread is reaped; `start` is a copy
  // anyway, taken before anything else can happen to the slot.
  const ThreadStart start = slot->start;
  sched::set_address_space(&self->process->address_space());
  if (self->process->resume_) self->process->resume_forked_thread();
  // From here on a switch saves and restores this thread's FP/SIMD and
  // TLS registers; entering EL0 starts FP/SIMD at zero (context.h).
  self->context.has_user_state = 1;
  arch::enter_user(start.pc, start.sp, start.arg0, start.arg1, start.tls);
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

void Process::forget_thread(sched::Thread* thread) {
  IrqSpinlockGuard guard(lock_);
  for (ThreadSlot& slot : threads_) {
    if (slot.used && slot.thread == thread) slot = ThreadSlot{};
  }
  reaped_runtime_ns_ += thread->runtime_ns.load(MemoryOrder::kRelaxed);
}

bool Process::names_thread(const sched::Thread* thread) const {
  IrqSpinlockGuard guard(lock_);
  for (const ThreadSlot& slot : threads_) {
    if (slot.thread == thread) return true;
  }
  return false;
}

void Process::thread_reaped() {
  bool last = false;
  {
    IrqSpinlockGuard guard(lock_);
    last = --live_threads_ == 0;
    // The last thread ended without exit(): the process ends normally.
    if (last && state_ == State::kRunning) {
      state_ = State::kExiting;
      exit_code_ = 0;
    }
  }
  if (last) {
    terminate();
  } else {
    threads_reaped_.wake_all(sched::kernel_waker());  // an exec may wait for this
  }
  release();  // the thread's reference
}

Process::Info Process::info() const {
  IrqSpinlockGuard guard(lock_);
  const uint32_t state = state_ == State::kRunning   ? VIPER_PROCESS_RUNNING
                         : state_ == State::kExiting ? VIPER_PROCESS_EXITING
                                                     : VIPER_PROCESS_TERMINATED;
  return Info{.state = state,
              .threads = live_threads_,
              .exit_code = state_ == State::kTerminated ? exit_code_ : 0};
}

void Process::describe(viper_process_entry& out) const {
  const Info now = info();
  out = viper_process_entry{};
  out.id = id().value;
  out.parent_id = parent_id().value;
  out.state = now.state;
  out.threads = now.threads;
  IrqSpinlockGuard guard(lock_);
  out.memory_bytes = space_ != nullptr ? space_->resident_pages() * kPageSize : 0;
  out.cpu_ns = reaped_runtime_ns_;
  for (const ThreadSlot& slot : threads_) {
    if (slot.thread == nullptr) continue;
    out.cpu_ns += slot.thread->runtime_ns.load(MemoryOrder::kRelaxed);
    out.last_cpu = slot.thread->last_cpu.load(MemoryOrder::kRelaxed);
  }
  for (size_t i = 0; i + 1 < sizeof(out.name) && name_[i] != '\0'; ++i) out.name[i] = name_[i];
}

Result<VirtAddr> Process::reserve_map_area(uint64_t bytes) {
  IrqSpinlockGuard guard(lock_);
  const uint64_t pages = (bytes + kPageSize - 1) / kPageSize + 1;  // and a guard page
  if (pages > (kMapAreaEnd - map_next_) / kPageSize) return Error::kNoSpace;
  const VirtAddr start(map_next_);
  map_next_ += pages * kPageSize;
  return start;
}

void Process::terminate() {
  // No thread runs in the space any more, and none can start (kExiting).
  handles_.reset();
  mm::AddressSpace* space = nullptr;
  {
    IrqSpinlockGuard guard(lock_);
    space = space_;
    space_ = nullptr;  // describe() stops looking at it
  }
  mm::destroy_address_space(space);
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
    // Out of its slot before its memory is freed: exit(), exec(), signal
    // delivery and describe() follow slot.thread under lock_, and one of
    // them running between the free and the slot's clearing would kill,
    // signal or read a freed thread (seen: exit() sending an IPI to the
    // CPU number it read from freed memory).
    process->forget_thread(thread);
    // The invariant itself, checked where it matters: a reaper change that
    // frees first fails at its first reap, not once in a while.
    if (process->names_thread(thread)) panic("reaper: freeing a thread its process still names");
    // Exited and off its CPU: reap() cannot be busy.
    if (!sched::reap(thread).ok()) panic("reaper: an exited user thread could not be reaped");
    process->thread_reaped();
  }
}

}  // namespace viper::object

namespace viper::object {

Result<Process::SignalAction> Process::set_signal_action(uint32_t signal, SignalAction action) {
  if (signal == 0 || signal > sched::kSigMax || signal == sched::kSigKill ||
      signal == sched::kSigStop) {
    return Error::kInvalidArgument;
  }
  IrqSpinlockGuard guard(lock_);
  const SignalAction old = signal_actions_[signal];
  signal_actions_[signal] = action;
  const bool handled = action.handler > VIPER_SIG_IGN;
  for (ThreadSlot& slot : threads_) {
    if (slot.thread != nullptr) slot.thread->signals.set_handler_installed(signal, handled);
  }
  return old;
}

Process::SignalAction Process::signal_action(uint32_t signal) const {
  IrqSpinlockGuard guard(lock_);
  return signal <= sched::kSigMax ? signal_actions_[signal] : SignalAction{};
}

Status Process::send_signal(uint32_t signal) {
  if (signal == 0 || signal > sched::kSigMax) return Error::kInvalidArgument;
  sched::SignalOutcome outcome;
  {
    // The target is used under the lock: only its slot keeps it alive, and
    // the reaper empties the slot (under this lock) before freeing it.
    IrqSpinlockGuard guard(lock_);
    if (state_ != State::kRunning) return Error::kBadState;
    if (signal_actions_[signal].handler == VIPER_SIG_IGN && signal != sched::kSigKill) {
      return ok_status();
    }
    sched::Thread* target = nullptr;
    for (ThreadSlot& slot : threads_) {
      if (slot.thread == nullptr) continue;
      if (target == nullptr) target = slot.thread;
      if (!(slot.thread->signals.blocked() & (uint64_t{1} << signal))) {
        target = slot.thread;
        break;
      }
    }
    if (target == nullptr) return Error::kBadState;
    outcome = TRY(target->signals.send(signal));
    // A blocked call of the target returns kInterrupted (EINTR) and the
    // handler runs on its way back to EL0.
    if (outcome == sched::SignalOutcome::kPending) sched::interrupt(target);
  }
  if (outcome == sched::SignalOutcome::kTerminate) exit(-static_cast<int64_t>(signal));
  return ok_status();
}

}  // namespace viper::object
