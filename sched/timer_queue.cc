#include "sched/timer_queue.h"

#include "kernel/arch/arch.h"
#include "sched/lock_classes.h"

namespace viper::sched {
namespace {
LockClass g_timer_queue_class{kTimerQueueLock};
}  // namespace

TimerQueue::TimerQueue() : lock_(g_timer_queue_class) {}

void TimerQueue::swap(uint32_t a, uint32_t b) {
  OneShotTimer* t = heap_[a];
  heap_[a] = heap_[b];
  heap_[b] = t;
  heap_[a]->heap_index_ = a;
  heap_[b]->heap_index_ = b;
}

void TimerQueue::sift_up(uint32_t index) {
  while (index > 0) {
    const uint32_t parent = (index - 1) / 2;
    if (heap_[parent]->deadline_ <= heap_[index]->deadline_) break;
    swap(parent, index);
    index = parent;
  }
}

void TimerQueue::sift_down(uint32_t index) {
  for (;;) {
    const uint32_t left = 2 * index + 1;
    const uint32_t right = left + 1;
    uint32_t smallest = index;
    if (left < size_ && heap_[left]->deadline_ < heap_[smallest]->deadline_) smallest = left;
    if (right < size_ && heap_[right]->deadline_ < heap_[smallest]->deadline_) smallest = right;
    if (smallest == index) return;
    swap(index, smallest);
    index = smallest;
  }
}

void TimerQueue::remove_at(uint32_t index) {
  --size_;
  if (index != size_) {
    heap_[index] = heap_[size_];
    heap_[index]->heap_index_ = index;
    sift_down(index);
    sift_up(index);
  }
  heap_[size_] = nullptr;
}

Status TimerQueue::arm(OneShotTimer& timer, uint64_t deadline_ns) {
  IrqSpinlockGuard guard(lock_);
  if (size_ == kCapacity) return Error::kNoSpace;
  uint32_t expected = OneShotTimer::kIdle;
  if (!timer.state_.compare_exchange(expected, OneShotTimer::kArmed, MemoryOrder::kAcqRel,
                                     MemoryOrder::kAcquire)) {
    return Error::kBadState;
  }
  timer.deadline_ = deadline_ns;
  timer.queue_ = this;
  timer.heap_index_ = size_;
  heap_[size_++] = &timer;
  sift_up(size_ - 1);
  return ok_status();
}

bool TimerQueue::cancel(OneShotTimer& timer) {
  bool was_armed = false;
  for (uint32_t attempt = 0;; ++attempt) {
    {
      IrqSpinlockGuard guard(lock_);
      if (timer.state_.load(MemoryOrder::kAcquire) == OneShotTimer::kArmed &&
          timer.queue_ == this) {
        remove_at(timer.heap_index_);
        timer.state_.store(OneShotTimer::kIdle, MemoryOrder::kRelease);
        was_armed = true;
      }
      // expire() clears this under the lock after its last touch of the
      // timer; once it is clear, the timer is ours.
      if (timer.firing_.load(MemoryOrder::kAcquire) == 0) return was_armed;
    }
    // Firing (maybe on another CPU): wait until the callback is done; if it
    // re-armed the timer, the next round disarms it.
    was_armed = true;
    arch::spin_backoff(attempt);
  }
}

uint32_t TimerQueue::expire(uint64_t now_ns) {
  uint32_t fired = 0;
  for (;;) {
    OneShotTimer* due = nullptr;
    {
      IrqSpinlockGuard guard(lock_);
      if (size_ == 0 || heap_[0]->deadline_ > now_ns) return fired;
      due = heap_[0];
      remove_at(0);
      due->firing_.store(1, MemoryOrder::kRelaxed);
      due->state_.store(OneShotTimer::kIdle, MemoryOrder::kRelease);
    }
    due->callback_(*due, due->context_);  // no lock held: it may re-arm or wake
    {
      // The last touch: after this, a cancel() may free the timer.
      IrqSpinlockGuard guard(lock_);
      due->firing_.store(0, MemoryOrder::kRelease);
    }
    ++fired;
  }
}

uint64_t TimerQueue::next_deadline() const {
  IrqSpinlockGuard guard(lock_);
  return size_ ? heap_[0]->deadline_ : kNoDeadline;
}

uint32_t TimerQueue::size() const {
  IrqSpinlockGuard guard(lock_);
  return size_;
}

}  // namespace viper::sched
