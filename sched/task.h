// A task (kernel thread now, user threads later). Everything a CPU needs to
// decide about a task is here, with the lock or atomic that guards it.
//
// State machine (sleep.h): kRunning -> kBlocking (decided to sleep, still on
// its CPU) -> kBlocked (off CPU, on a wait queue) -> kReady (on a run queue)
// -> kRunning. A wakeup that meets kBlocking turns it back into kRunning, so
// a wakeup between "decide to sleep" and "sleep" is never lost (RC-013).
#pragma once

#include <stdint.h>

#include "kernel/lib/atomic.h"
#include "kernel/lib/list.h"

namespace viper::mm {
class AddressSpace;  // mm:vm (layer 5); the scheduler only passes it on
}

namespace viper::sched {

class WaitQueue;

// Task IDs are 64-bit and never reused (RC-018); distinct from every other
// kind of ID or handle.
struct TaskId {
  uint64_t value = 0;
  constexpr bool operator==(const TaskId&) const = default;
  constexpr bool valid() const { return value != 0; }
};

enum class TaskState : uint32_t {
  kCreated = 0,   // being initialised; invisible to lookups (RC-015)
  kReady = 1,     // on exactly one run queue
  kRunning = 2,   // current on exactly one CPU
  kBlocking = 3,  // on a wait queue, still running until it commits to sleep
  kBlocked = 4,   // on a wait queue, off CPU
  kExited = 5,    // finished; never on a run queue again (RC-016)
};

inline constexpr uint32_t kPriorityLevels = 32;  // 0 = highest
inline constexpr uint32_t kDefaultPriority = 16;
inline constexpr uint32_t kNoCpu = 0xffffffff;

// What a blocked task waits on: a typed reference, never a cast pointer
// (REL-008). Set and cleared under the wait queue's lock.
struct WaitRef {
  WaitQueue* queue = nullptr;
};

// The task's last user fault that was resolved, to notice one that keeps
// coming back (mm/vm/user_fault.h, REL-007). Touched only by the task's
// own fault handling.
struct FaultHistory {
  static constexpr uint32_t kMaxRepeats = 16;
  uint64_t last_page = ~uint64_t{0};
  uint32_t repeats = 0;
};

class Task {
 public:
  Task() = default;
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;

  TaskId id() const { return id_; }
  const char* name() const { return name_; }
  void set_name(const char* name);

  TaskState state() const { return static_cast<TaskState>(state_.load(MemoryOrder::kAcquire)); }
  // Moves from `from` to `to` if the state is `from`.
  bool transition(TaskState from, TaskState to) {
    uint32_t expected = static_cast<uint32_t>(from);
    return state_.compare_exchange(expected, static_cast<uint32_t>(to), MemoryOrder::kAcqRel,
                                   MemoryOrder::kAcquire);
  }
  void set_state(TaskState s) { state_.store(static_cast<uint32_t>(s), MemoryOrder::kRelease); }
  // The raw state word, for a host backend that parks on it (futex).
  Atomic<uint32_t>& state_word() { return state_; }

  uint32_t priority = kDefaultPriority;  // set before the task is published
  uint64_t affinity = ~0ull;             // CPUs it may run on (bit per CPU id)
  bool may_run_on(uint32_t cpu) const { return (affinity >> cpu) & 1; }

  // Scheduling links; each is owned by the lock of the list it is on.
  ListNode run_node;            // on a run queue (that queue's lock)
  ListNode wait_node;           // on a wait queue (that queue's lock)
  ListNode table_node;          // in the task table (the table's lock)
  uint32_t queued_on = kNoCpu;  // run queue CPU; written under that queue's lock
  WaitRef waiting_on;           // under the wait queue's lock
  uint32_t slice_left = 0;      // ticks; under the run queue lock of its CPU
  // Not stealable while its queue's tick count + 1 equals this (0: always
  // stealable); under the run queue lock (RunQueue::Placement).
  uint64_t stays_until_tick = 0;
  // The user address space the task runs in (nullptr: kernel only). Set
  // by its owner while the task does not run elsewhere; switching tasks
  // switches it (Hooks::switch_address_space).
  mm::AddressSpace* address_space = nullptr;
  FaultHistory fault_history;

 private:
  friend class TaskTable;
  TaskId id_;
  Atomic<uint32_t> state_{static_cast<uint32_t>(TaskState::kCreated)};
  char name_[24] = {};
};

}  // namespace viper::sched
