// A process (layer 7): an address space (mm/vm), a handle table (kernel/cap)
// and the user threads that run in it (sched). Everything a process may
// touch it reaches through its handles; the creator decides which it gets.
//
// Life cycle: created empty; threads start in it (start_thread); the first
// exit() — a thread's process_exit, a fault nobody handles, a kill — records
// the exit code and kills every thread; each thread that ends is reaped by
// the reaper thread (run_reaper), and when the last one is gone the process
// terminates: its handles are closed, its address space destroyed (nothing
// runs in it any more) and its waitable raises kTerminated, after which
// exit_code() answers. The threads hold references, so a process lives at
// least until it terminated.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ipc/waitable.h"
#include "kernel/arch/aarch64/exception.h"
#include "kernel/arch/aarch64/fp_state.h"
#include "kernel/cap/handle_table.h"
#include "kernel/lib/addr.h"
#include "kernel/lib/result.h"
#include "kernel/lib/spinlock.h"
#include "kernel/object/kernel_object.h"
#include "kernel/object/process_registry.h"
#include "mm/kheap/make.h"
#include "mm/vm/address_space.h"
#include "sched/scheduler.h"

struct viper_process_entry;

namespace viper::object {

inline constexpr uint32_t kMaxProcessThreads = 64;
inline constexpr size_t kProcessNameBytes = 32;

// The process's signal word: kTerminated once it has ended.
class ProcessSignals final : public ipc::Waitable {
 public:
  static Result<Ref<ProcessSignals>> create();
  void terminate() { update_signals(Signals::kNone, Signals::kTerminated); }

 private:
  friend struct mm::HeapAccess;
  ProcessSignals() : Waitable(Signals::kNone) {}
  void destroy() override;
};

class Process final : public KernelObject {
 public:
  static constexpr ObjectType kType = ObjectType::kProcess;

  // A process with an empty address space and handle table; its parent is
  // the running thread's process (none for a kernel thread: a root).
  // kNoMemory, kOverflow (object IDs exhausted).
  static Result<Ref<Process>> create(const char* name);

  // The process that created this one (invalid for a root such as init).
  ObjectId parent_id() const { return link_.parent; }

  // What a forked child's one thread resumes with: the parent's registers
  // at its fork call (x0 replaced by 0), FP/SIMD and TLS pointer.
  struct UserResume {
    arch::ExceptionFrame frame;
    arch::FpState fp;
    uint64_t tls = 0;
  };
  // fork (process_fork.cc), called by a thread of this process: a child
  // whose address space is a copy-on-write clone of this one, whose handle
  // table has the same handles at the same values, with this process's
  // signal actions and map area, running one thread that resumes at
  // `resume` with the caller's signal mask and exit word. kBadState while
  // exiting or replacing its program, kNoMemory, kOverflow, kNoSpace.
  Result<Ref<Process>> fork(const UserResume& resume) EXCLUDES(lock_);

  // exec (process_fork.cc), called by a thread of this process with the
  // new program already loaded into `space`: the other threads end (this
  // waits until they are reaped), `space` replaces the address space
  // (the old one is destroyed), handled signals go back to their default
  // action (ignored ones stay ignored, masks are kept), the map area
  // starts again and the name becomes `name`. The id, the parent and the
  // handle table stay. kBadState if the process is exiting or another
  // thread is replacing the program; kInterrupted if the caller was killed
  // meanwhile. On failure `space` is destroyed and the process goes on
  // as it was (less any threads already ended).
  Status exec(mm::AddressSpace* space, const char* name) EXCLUDES(lock_);

  const char* name() const { return name_; }
  mm::AddressSpace& address_space() const { return *space_; }
  cap::HandleTable& handles() const { return *handles_; }
  ipc::Waitable* waitable() const override { return signals_.get(); }

  // How a user thread starts: at `pc` with stack `sp`, x0/x1 = arg0/arg1
  // and TPIDR_EL0 = tls; when it ends by thread_exit, 0 is stored to the
  // 32-bit word at `exit_word` (if not 0) and its futex waiters woken
  // (pthread_join).
  struct ThreadStart {
    VirtAddr pc;
    VirtAddr sp;
    uint64_t arg0 = 0;
    uint64_t arg1 = 0;
    uint64_t tls = 0;
    uint64_t exit_word = 0;
    uint64_t blocked = 0;  // its signal mask
  };
  // The new thread's id (the thread itself may already have ended when
  // this returns). kBadState once the process is exiting, kNoSpace beyond
  // kMaxProcessThreads, kNoMemory.
  Result<sched::TaskId> start_thread(const char* name, const ThreadStart& start) EXCLUDES(lock_);
  // The running thread's exit word (ThreadStart::exit_word), 0 if none.
  uint64_t exit_word_of_current() const EXCLUDES(lock_);
  // The running thread ends (thread_exit): its slot is free for a new
  // thread at once — whoever joins it may start one the moment it wakes,
  // before the reaper has freed this one — and its exit word (0 if none)
  // is returned. It still counts as live until it is reaped.
  uint64_t leave_slot_of_current() EXCLUDES(lock_);

  // Ends the process with `code` (the first call's code is kept): every
  // thread is told to end. Does not wait; a thread of this process calling
  // it should exit itself next.
  void exit(int64_t code) EXCLUDES(lock_);
  bool exiting() const EXCLUDES(lock_);
  // The exit code once terminated; kBadState before.
  Result<int64_t> exit_code() const EXCLUDES(lock_);

  struct Info {
    uint32_t state;  // VIPER_PROCESS_*
    uint32_t threads;
    int64_t exit_code;
  };
  Info info() const EXCLUDES(lock_);
  // One VIPER_SYS_PROCESS_LIST entry: id, parent, state, threads, resident
  // user memory, CPU time of its threads (ended ones included, running
  // slices not yet), where one last ran, name.
  void describe(viper_process_entry& out) const EXCLUDES(lock_);

  // Where the next VIPER_SYS_VM_MAP without an address goes: `bytes` of
  // fresh address space (with a guard page after it), never reused.
  // kNoSpace when the map area is used up.
  Result<VirtAddr> reserve_map_area(uint64_t bytes) EXCLUDES(lock_);

  // Processes alive now (created, not yet destroyed).
  static uint32_t live_count();

  // Signal actions (per process; masks and pending signals are per
  // thread, in sched::SignalState). handler: VIPER_SIG_DFL, VIPER_SIG_IGN
  // or a user address.
  struct SignalAction {
    uint64_t handler = 0;
    uint64_t mask = 0;
  };
  // Swaps in `action` for `signal` and tells every thread whether a handler
  // is installed; kInvalidArgument for 0, > 63, SIGKILL and SIGSTOP.
  Result<SignalAction> set_signal_action(uint32_t signal, SignalAction action) EXCLUDES(lock_);
  SignalAction signal_action(uint32_t signal) const EXCLUDES(lock_);
  // A signal sent to the process: to its first thread that does not block
  // it (the first thread if all do); the default action may end the
  // process (exit code -signal).
  Status send_signal(uint32_t signal) EXCLUDES(lock_);

  // The process the running thread belongs to (nullptr: a kernel thread).
  static Process* current() { return sched::current()->process; }

  // Reaper thread entry: frees exited user threads and terminates their
  // processes when the last one is gone. Started once at boot.
  static void run_reaper(void*);

 private:
  friend struct mm::HeapAccess;
  enum class State : uint8_t { kRunning, kExiting, kTerminated };
  // VIPER_SYS_VM_MAP without an address: from 64 GiB up to the stack area.
  static constexpr uint64_t kMapAreaStart = 64ull << 30;
  struct ThreadSlot {
    sched::Thread* thread = nullptr;
    bool used = false;
    ThreadStart start;
  };

  Process(ObjectId id, ObjectId parent, mm::AddressSpace* space, mm::Own<cap::HandleTable> handles,
          Ref<ProcessSignals> signals, const char* name);
  // create() with `space` (taken over: destroyed if this fails).
  static Result<Ref<Process>> create_with(const char* name, mm::AddressSpace* space);
  void destroy() override;
  static void user_thread_main(void* slot);
  [[noreturn]] void resume_forked_thread();
  // The reaper is about to free `thread`: its slot lets go of it (and
  // keeps its CPU time), so nothing here can reach it once it is freed.
  void forget_thread(sched::Thread* thread) EXCLUDES(lock_);
  bool names_thread(const sched::Thread* thread) const EXCLUDES(lock_);
  // A thread of this process was reaped; the last one terminates it.
  void thread_reaped() EXCLUDES(lock_);
  void terminate();

  mutable IrqSpinlock lock_;
  ProcessLink link_;
  // Replaced by exec, destroyed at termination (nullptr after); written
  // under lock_ (describe() reads it under lock_), read without it only by
  // the process's own threads, which it cannot change under.
  mm::AddressSpace* space_;
  mm::Own<cap::HandleTable> handles_;
  Ref<ProcessSignals> signals_;
  ThreadSlot threads_[kMaxProcessThreads] GUARDED_BY(lock_);
  uint32_t live_threads_ GUARDED_BY(lock_) = 0;
  State state_ GUARDED_BY(lock_) = State::kRunning;
  int64_t exit_code_ GUARDED_BY(lock_) = 0;
  uint64_t map_next_ GUARDED_BY(lock_);
  SignalAction signal_actions_[64] GUARDED_BY(lock_);
  uint64_t reaped_runtime_ns_ GUARDED_BY(lock_) = 0;  // of threads already reaped
  // Woken each time the reaper has reaped a thread that was not the last:
  // exec waits on it for the other threads to be gone.
  sched::WaitQueue threads_reaped_;
  bool replacing_ GUARDED_BY(lock_) = false;  // a thread is in exec()
  // A forked child's first thread resumes from this (then frees it).
  mm::Own<UserResume> resume_;
  char name_[kProcessNameBytes] = {};
};

}  // namespace viper::object
