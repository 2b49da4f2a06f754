// Host stand-in for "switch away" and "make runnable" in scheduler tests:
// each task is one host thread, blocking parks the thread on the task's
// state word (sched/host: futex) and waking unparks it; this adds the
// checks the tests make (double claims, stalls that mean a lost wakeup).
// The sleep/wakeup protocol under test (wait_queue.h) is the kernel's own;
// only the switch is simulated.
#pragma once

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "kernel/arch/arch.h"
#include "sched/host/host_blocking.h"
#include "sched/wait_queue.h"

namespace viper::sched::testing {

class HostParking final : public Waker {
 public:
  void make_runnable(Task& task) override {
    // Only the waker that won the kBlocked -> kReady claim gets here.
    if (task.state() != TaskState::kReady) double_claims.fetch_add(1);
    host::unpark(task);
  }

  // block(): if the task still commits to sleep, park until woken. A park
  // that outlasts `patience` while nobody wakes the task is a lost wakeup:
  // the test ends at once with that diagnosis, instead of hanging until
  // the Bazel timeout.
  void block(Task& self) {
    if (!commit_to_sleep(self)) return;  // the wakeup came first
    constexpr uint64_t kPatienceNs = 5'000'000'000;
    if (!host::park_until_runnable(self, Deadline::after(Duration::nanoseconds(kPatienceNs)))) {
      stalls.fetch_add(1);
      std::fprintf(stderr,
                   "[  FAILED  ] HostParking.LostWakeup: task %p stayed asleep for 5 s with "
                   "nobody waking it (RC-013)\n",
                   static_cast<void*>(&self));
      std::fflush(stderr);
      std::abort();
    }
  }

  std::atomic<uint64_t> stalls{0};
  std::atomic<uint64_t> double_claims{0};
};

}  // namespace viper::sched::testing
