// Host stand-in for "switch away" and "make runnable" in scheduler tests:
// each task is one host thread, blocking parks the thread on the task's
// state word (futex) and waking unparks it. The sleep/wakeup protocol under
// test (wait_queue.h) is the kernel's own; only the switch is simulated.
#pragma once

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>

#include "sched/wait_queue.h"

namespace viper::sched::testing {

class HostParking final : public Waker {
 public:
  void make_runnable(Task& task) override {
    // Only the waker that won the kBlocked -> kReady claim gets here.
    if (task.state() != TaskState::kReady) double_claims.fetch_add(1);
    task.set_state(TaskState::kRunning);  // a host task runs again on its own thread
    syscall(SYS_futex, task.state_word().address(), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  }

  // block(): if the task still commits to sleep, park until woken. A park
  // that outlasts `patience` while nobody wakes the task is counted as a
  // lost wakeup (and the wait goes on).
  void block(Task& self) {
    if (!commit_to_sleep(self)) return;  // the wakeup came first
    // Like a kernel task, it runs again only once made runnable (kRunning),
    // not as soon as a waker claimed it (kReady).
    for (;;) {
      const uint32_t state = self.state_word().load(MemoryOrder::kAcquire);
      if (state != static_cast<uint32_t>(TaskState::kBlocked) &&
          state != static_cast<uint32_t>(TaskState::kReady)) {
        break;
      }
      timespec patience{2, 0};
      const long r = syscall(SYS_futex, self.state_word().address(), FUTEX_WAIT_PRIVATE, state,
                             &patience, nullptr, 0);
      if (r != 0 && errno == ETIMEDOUT) stalls.fetch_add(1);
    }
  }

  std::atomic<uint64_t> stalls{0};
  std::atomic<uint64_t> double_claims{0};
};

}  // namespace viper::sched::testing
