// The blocking services every layer above the scheduler uses: waiting on a
// wait queue until a deadline, one-shot timers on this CPU's timer queue,
// and the direct hand-off of the CPU to a task just woken (the IPC fast
// path). One contract, two implementations: the kernel scheduler
// (scheduler.cc) and, for host tests, host threads as tasks
// (host/host_blocking.cc). Layers above link `//sched:blocking`, which
// picks the one that fits the platform; this header alone is
// `//sched:blocking_api`.
#pragma once

#include "kernel/lib/deadline.h"
#include "kernel/lib/function_ref.h"
#include "kernel/lib/result.h"
#include "sched/task.h"
#include "sched/timer_queue.h"
#include "sched/wait_queue.h"

namespace viper::sched {

// The task running this code.
Task& current_task();

// The waker that makes a woken task runnable the ordinary way.
Waker& kernel_waker();

// The waker for a waker that is about to block or return to a loop that
// will (a pipe writer that reads the answer next): if this CPU has nothing
// else queued and the task may run here, it goes on this CPU's run queue,
// with no reschedule and no IPI, so the waker's next block runs it on the
// CPU whose caches (and, under QEMU, whose vCPU thread) are warm; else as
// kernel_waker(). Linux's synchronous pipe wakeups do the same. The tick
// still preempts a waker that does not block, so nothing waits forever.
Waker& sync_waker();

class Handoff;

// The one blocking wait each backend implements: wait_until() and
// wait_until_handing_off() below (`handoff` may be null). Type-erased, so
// each backend has one definition whatever the callers' predicates are.
Status wait_on(WaitQueue& queue, FunctionRef<bool()> ready, Deadline deadline, Handoff* handoff);

// Waits on `queue` until `ready()` is true: ok, kTimedOut once uptime
// reaches `deadline` (Deadline::never(): no limit), kInterrupted if the
// task is killed. `ready` — a lambda or small functor — is checked after
// every wakeup, so spurious ones are fine; it must not sleep.
template <class Ready>
Status wait_until(WaitQueue& queue, Ready&& ready, Deadline deadline) {
  return wait_on(queue, ready, deadline, nullptr);
}

// Arms `timer` on this CPU's timer queue (the hardware is reprogrammed if
// it became the earliest deadline) and returns that queue: cancel there.
// A callback may re-arm its own timer on the queue it runs from.
Result<TimerQueue*> arm_on_this_cpu(OneShotTimer& timer, Deadline deadline);

// A waker for the hand-off: the first task it wakes is kept — claimed
// (kReady) but on no run queue — so the caller can give it its CPU
// (wait_until_handing_off) when it is about to block anyway. Further
// tasks, and a task that may not run on this CPU, are made runnable the
// ordinary way.
// Whatever is still held when the Handoff ends is made runnable then: a
// claimed task is never dropped.
class Handoff final : public Waker {
 public:
  Handoff() = default;
  Handoff(const Handoff&) = delete;
  Handoff& operator=(const Handoff&) = delete;
  ~Handoff() { release(); }

  void make_runnable(Task& task) override;
  Task* claimed() const { return claimed_; }
  // Makes the held task runnable the ordinary way (no hand-off after all).
  void release();
  Task* take() {
    Task* task = claimed_;
    claimed_ = nullptr;
    return task;
  }

 private:
  Task* claimed_ = nullptr;
};

// wait_until(), except that the first time the caller blocks its CPU goes
// straight to the task `handoff` holds — no trip through a run queue — and
// if it never blocks, that task is made runnable the ordinary way.
template <class Ready>
Status wait_until_handing_off(WaitQueue& queue, Ready&& ready, Deadline deadline,
                              Handoff& handoff) {
  return wait_on(queue, ready, deadline, &handoff);
}

}  // namespace viper::sched
