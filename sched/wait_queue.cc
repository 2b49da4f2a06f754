#include "sched/wait_queue.h"

namespace viper::sched {
Status WaitQueue::prepare_to_wait(Task& self) {
  IrqSpinlockGuard guard(lock_);
  if (self.wait_node.linked() || self.waiting_on.queue != nullptr) return Error::kBadState;
  // RC-013: the state changes under the queue lock, before the caller looks
  // at its condition; a waker that runs after this sees kBlocking.
  if (!self.transition(TaskState::kRunning, TaskState::kBlocking)) return Error::kBadState;
  self.waiting_on = WaitRef{this};
  waiters_.push_back(self);
  return ok_status();
}

bool WaitQueue::finish_wait(Task& self) {
  IrqSpinlockGuard guard(lock_);
  const bool still_queued = self.wait_node.linked();
  if (still_queued) waiters_.remove(self);
  self.waiting_on = WaitRef{};
  // Not woken (condition was already true, or a timeout): back to running.
  self.transition(TaskState::kBlocking, TaskState::kRunning);
  return !still_queued;
}

void WaitQueue::wake_locked(Task& task, Waker& waker) {
  waiters_.remove(task);
  task.waiting_on = WaitRef{};
  (void)wake_up(task, waker);
}

size_t WaitQueue::wake_one(Waker& waker) {
  IrqSpinlockGuard guard(lock_);
  Task* task = waiters_.front();
  if (!task) return 0;
  wake_locked(*task, waker);
  return 1;
}

size_t WaitQueue::wake_all(Waker& waker) {
  IrqSpinlockGuard guard(lock_);
  size_t woken = 0;
  while (Task* task = waiters_.front()) {
    wake_locked(*task, waker);
    ++woken;
  }
  return woken;
}

bool WaitQueue::wake_task(Task& task, Waker& waker) {
  IrqSpinlockGuard guard(lock_);
  if (task.waiting_on.queue != this || !task.wait_node.linked()) return false;
  wake_locked(task, waker);
  return true;
}

size_t WaitQueue::waiters() const {
  IrqSpinlockGuard guard(lock_);
  return waiters_.size();
}

bool commit_to_sleep(Task& self) {
  return self.transition(TaskState::kBlocking, TaskState::kBlocked);
}

bool wake_up(Task& task, Waker& waker) {
  // Still on its CPU: undo the decision to sleep, nothing to enqueue.
  if (task.transition(TaskState::kBlocking, TaskState::kRunning)) return true;
  // Off its CPU: claim it (one waker wins) and let the scheduler run it.
  if (task.transition(TaskState::kBlocked, TaskState::kReady)) {
    waker.make_runnable(task);
    return true;
  }
  return false;
}

}  // namespace viper::sched
