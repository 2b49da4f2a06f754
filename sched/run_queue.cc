#include "sched/run_queue.h"

#include "sched/lock_classes.h"

namespace viper::sched {
namespace {
LockClass g_run_queue_class{kRunQueueLock};
}  // namespace

RunQueue::RunQueue() : lock_(g_run_queue_class) {}

void RunQueue::push_locked(Task& task) {
  levels_[task.priority].push_back(task);
  nonempty_.set(task.priority);
  task.queued_on = cpu_;
  ++queued_;
}

// A task joining this queue from outside (not by stealing): a fresh slice.
void RunQueue::admit_locked(Task& task, Placement placement) {
  task.slice_left = kTimeSliceTicks;
  task.stays_until_tick = placement == Placement::kStaysUntilTick ? ticks_ + 1 : 0;
  push_locked(task);
  ++enqueues_;
}

void RunQueue::pop_locked(Task& task) {
  levels_[task.priority].remove(task);
  if (levels_[task.priority].empty()) nonempty_.clear(task.priority);
  task.queued_on = kNoCpu;
  task.stays_until_tick = 0;
  --queued_;
}

Status RunQueue::enqueue(Task& task, Placement placement) {
  if (task.priority >= kPriorityLevels) return Error::kInvalidArgument;
  IrqSpinlockGuard guard(lock_);
  // Exactly one place: a task already on a queue (or exited) stays put.
  const TaskState state = task.state();
  if (task.run_node.linked() || state == TaskState::kExited || state == TaskState::kReady) {
    return Error::kBadState;
  }
  task.set_state(TaskState::kReady);
  admit_locked(task, placement);
  return ok_status();
}

Status RunQueue::enqueue_woken(Task& task, Placement placement) {
  IrqSpinlockGuard guard(lock_);
  if (task.run_node.linked() || task.state() != TaskState::kReady) return Error::kBadState;
  admit_locked(task, placement);
  return ok_status();
}

Task* RunQueue::pick_next() {
  IrqSpinlockGuard guard(lock_);
  const size_t level = nonempty_.find_first_set();
  if (level == Bitmap<kPriorityLevels>::kNotFound) return nullptr;
  Task* task = levels_[level].front();
  pop_locked(*task);
  task->set_state(TaskState::kRunning);
  return task;
}

bool RunQueue::remove(Task& task) {
  IrqSpinlockGuard guard(lock_);
  if (task.queued_on != cpu_ || !task.run_node.linked()) return false;
  pop_locked(task);
  return true;
}

Task* RunQueue::take_stealable_locked(uint32_t for_cpu) {
  // Lowest priority first from the back: the victim keeps its most urgent
  // and most recently queued work.
  for (size_t level = kPriorityLevels; level-- > 0;) {
    if (!nonempty_.test(level)) continue;
    for (Task* task = levels_[level].back(); task; task = levels_[level].prev(*task)) {
      // Affinity is respected by stealing; a sync-woken task stays a tick.
      if (task->may_run_on(for_cpu) && task->stays_until_tick != ticks_ + 1) {
        pop_locked(*task);
        return task;
      }
    }
  }
  return nullptr;
}

bool RunQueue::steal(RunQueue& thief, RunQueue& victim) {
  if (&thief == &victim) return false;
  // Same lock class: nested in CPU-id order (lockdep checks the keys).
  RunQueue& first = thief.cpu_ < victim.cpu_ ? thief : victim;
  RunQueue& second = thief.cpu_ < victim.cpu_ ? victim : thief;
  IrqSpinlockGuard a(first.lock_, first.cpu_ + 1);
  IrqSpinlockGuard b(second.lock_, second.cpu_ + 1);
  victim.lock_.assert_held();
  thief.lock_.assert_held();
  Task* task = victim.take_stealable_locked(thief.cpu_);
  if (!task) return false;
  thief.push_locked(*task);
  ++victim.steals_out_;
  ++thief.steals_in_;
  return true;
}

TickDecision RunQueue::tick(Task& current) {
  IrqSpinlockGuard guard(lock_);
  ++ticks_;
  if (current.slice_left > 0) --current.slice_left;
  if (current.slice_left > 0) return TickDecision::kContinue;
  current.slice_left = kTimeSliceTicks;  // a fresh slice either way
  const size_t best = nonempty_.find_first_set();
  if (best != Bitmap<kPriorityLevels>::kNotFound && best <= current.priority) {
    return TickDecision::kPreempt;  // round-robin within the level, or a more urgent task
  }
  return TickDecision::kContinue;
}

uint32_t RunQueue::queued() const {
  IrqSpinlockGuard guard(lock_);
  return queued_;
}

uint32_t RunQueue::highest_queued_priority() const {
  IrqSpinlockGuard guard(lock_);
  const size_t best = nonempty_.find_first_set();
  return best == Bitmap<kPriorityLevels>::kNotFound ? kPriorityLevels : static_cast<uint32_t>(best);
}

RunQueueStats RunQueue::stats() const {
  IrqSpinlockGuard guard(lock_);
  return {queued_, enqueues_, steals_in_, steals_out_};
}

}  // namespace viper::sched
