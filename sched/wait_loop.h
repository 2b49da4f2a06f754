// The waiting protocol behind wait_on (blocking.h), written once and run by
// both backends — the kernel scheduler and the host's threads-as-tasks — so
// the host tests of every blocking path (channels, pollsets, wait objects:
// RC-013) run the kernel's own loop; only how a task sleeps and how its
// deadline is kept differ.
//
// A Backend provides:
//   bool interrupted();     the wait must end early: a kill, or a signal
//   void arm(Deadline);     keep the deadline while it sleeps (a timer)
//   void disarm();          the deadline's timer must not outlive the wait
//   void block(Handoff*);   commit_to_sleep and sleep (or, woken already,
//                           run on), giving the CPU to `handoff`'s task
#pragma once

#include "kernel/arch/arch.h"
#include "sched/blocking.h"

namespace viper::sched {

template <class Backend>
Status wait_loop(Task& self, WaitQueue& queue, FunctionRef<bool()> ready, Deadline deadline,
                 Handoff* handoff, Backend& backend) {
  Status result = ok_status();
  for (;;) {
    if (ready()) break;
    if (backend.interrupted()) {
      result = Error::kInterrupted;
      break;
    }
    if (deadline.passed_at(arch::uptime_ns())) {
      result = Error::kTimedOut;
      break;
    }
    // From here on the task is kBlocking: a wakeup turns it back into
    // kRunning, and block() then does not sleep (RC-013).
    if (Status s = queue.prepare_to_wait(self); !s.ok()) {
      result = s;
      break;
    }
    backend.arm(deadline);
    // The condition again, after prepare: a wakeup from here on is not lost.
    // Once it holds it is never asked again: a ready() may claim what it
    // waited for (a driver's free slot), and asking twice would claim twice.
    const bool ready_now = ready();
    if (!ready_now && !backend.interrupted()) {
      backend.block(handoff);
    } else if (handoff) {
      handoff->release();
    }
    queue.finish_wait(self);
    backend.disarm();
    if (ready_now) break;
  }
  if (handoff) handoff->release();
  return result;
}

}  // namespace viper::sched
