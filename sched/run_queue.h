// One run queue per CPU: a list per priority level and a bitmap of the
// non-empty levels, so picking the next task is O(1). A runnable task is on
// exactly one run queue, recorded in Task::queued_on under that queue's lock
// (RC-003: there is no second place to miss it). Work stealing moves a task
// between two queues while holding both locks, taken in CPU order, and
// updates every counter under those locks (RC-002). The tick decides about
// the current task entirely under the lock and returns a decision, not a
// task pointer (RC-004).
#pragma once

#include <stdint.h>

#include "kernel/lib/bitmap.h"
#include "kernel/lib/list.h"
#include "kernel/lib/result.h"
#include "kernel/lib/spinlock.h"
#include "sched/task.h"

namespace viper::sched {

inline constexpr uint32_t kTimeSliceTicks = 4;

struct RunQueueStats {
  uint32_t queued;
  uint64_t enqueues;
  uint64_t steals_in;   // tasks this CPU stole
  uint64_t steals_out;  // tasks stolen from this CPU
};

enum class TickDecision { kContinue, kPreempt };

class RunQueue {
 public:
  RunQueue();
  RunQueue(const RunQueue&) = delete;
  RunQueue& operator=(const RunQueue&) = delete;

  void init(uint32_t cpu) { cpu_ = cpu; }
  uint32_t cpu() const { return cpu_; }

  // Whether idle CPUs may steal a task queued here at once (kStealable), or
  // only after this queue's next tick (kStaysUntilTick: a sync wakeup, whose
  // waker blocks soon and leaves the CPU to it; under QEMU a stolen task
  // costs each later wakeup of its partner an idle vCPU's wake, ~1 ms).
  enum class Placement { kStealable, kStaysUntilTick };

  // Makes a task runnable here: kCreated/kBlocked/kRunning -> kReady. A task
  // that is already queued somewhere, or exited, is refused (kBadState).
  Status enqueue(Task& task, Placement placement = Placement::kStealable) EXCLUDES(lock_);
  // Queues a task a waker has just claimed (kBlocked -> kReady by CAS, so
  // only one waker ever gets here for one sleep).
  Status enqueue_woken(Task& task, Placement placement = Placement::kStealable) EXCLUDES(lock_);

  // Takes the highest-priority task off the queue (it becomes kRunning), or
  // nullptr. The caller now owns the task as this CPU's current task.
  Task* pick_next() EXCLUDES(lock_);

  // Takes a queued task off this queue (kill of a ready task); false if it
  // is not queued here.
  bool remove(Task& task) EXCLUDES(lock_);

  // Moves one task that may run on `thief`'s CPU from `victim` to `thief`.
  // Both locks are held across the move (lower CPU id first). Returns
  // whether a task moved.
  static bool steal(RunQueue& thief, RunQueue& victim);

  // Timer tick for `current`, which runs on this CPU: charges one tick and
  // says whether to preempt it for a queued task of the same or higher
  // priority.
  TickDecision tick(Task& current) EXCLUDES(lock_);

  uint32_t queued() const EXCLUDES(lock_);
  uint32_t highest_queued_priority() const EXCLUDES(lock_);  // kPriorityLevels if empty
  RunQueueStats stats() const EXCLUDES(lock_);

 private:
  void push_locked(Task& task) REQUIRES(lock_);
  void pop_locked(Task& task) REQUIRES(lock_);
  void admit_locked(Task& task, Placement placement) REQUIRES(lock_);
  Task* take_stealable_locked(uint32_t for_cpu) REQUIRES(lock_);

  mutable IrqSpinlock lock_;
  uint32_t cpu_ = 0;
  List<Task, &Task::run_node> levels_[kPriorityLevels] GUARDED_BY(lock_);
  Bitmap<kPriorityLevels> nonempty_ GUARDED_BY(lock_);
  uint32_t queued_ GUARDED_BY(lock_) = 0;
  uint64_t enqueues_ GUARDED_BY(lock_) = 0;
  uint64_t steals_in_ GUARDED_BY(lock_) = 0;
  uint64_t steals_out_ GUARDED_BY(lock_) = 0;
  uint64_t ticks_ GUARDED_BY(lock_) = 0;  // tick() calls: kStaysUntilTick's clock
};

}  // namespace viper::sched
