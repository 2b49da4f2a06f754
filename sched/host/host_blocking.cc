// sched/blocking.h for host tests: every host thread is a task; blocking
// parks the thread on the task's state word (futex) and waking unparks it.
// The sleep/wakeup protocol (wait_queue.h) is the kernel's own, and so is
// the timer queue: one host thread plays the timer interrupt for all.
#include "sched/host/host_blocking.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "kernel/arch/arch.h"
#include "sched/wait_loop.h"

namespace viper::sched {
namespace {

struct HostTask : Task {
  HostTask() { set_state(TaskState::kRunning); }
  Atomic<uint32_t> killed{0};
  Atomic<uint64_t> woken{0};  // host::times_woken()
};

HostTask& self() {
  thread_local HostTask task;
  return task;
}

class HostWaker final : public Waker {
 public:
  void make_runnable(Task& task) override { host::unpark(task); }
};
HostWaker g_waker;

// A host test whose waiter stays asleep this long with nobody waking it has
// lost a wakeup (RC-013): it fails at once, by name, instead of hanging
// until the Bazel timeout. No host test waits anywhere near this long on
// purpose.
constexpr uint64_t kStallNs = 30'000'000'000;

[[noreturn]] void report_stall(const HostTask& task) {
  std::fprintf(stderr,
               "[  FAILED  ] host wait_on: task %p stayed asleep for 30 s with nobody waking "
               "it — a lost wakeup (RC-013)\n",
               static_cast<const void*>(&task));
  std::fflush(stderr);
  std::abort();
}

// Parks a kBlocking task until it is woken or the deadline passes; at the
// deadline it wakes itself through the protocol, as the kernel's timer
// callback does.
void block(HostTask& task, Deadline deadline) {
  if (!commit_to_sleep(task)) return;  // the wakeup came first
  for (;;) {
    const uint64_t now = arch::uptime_ns();
    const Deadline patience = Deadline::at(now + kStallNs);
    const bool deadline_first = !deadline.is_never() && deadline.uptime_ns() <= now + kStallNs;
    if (host::park_until_runnable(task, deadline_first ? deadline : patience)) break;
    if (!deadline_first) report_stall(task);
    (void)wake_up(task, g_waker);  // fails if a waker already claimed it
  }
  task.woken.fetch_add(1, MemoryOrder::kRelaxed);
}

// The host's timer "interrupt": one thread expiring one queue.
struct HostTimers {
  TimerQueue queue;
  std::mutex mutex;
  std::condition_variable changed;
  uint64_t generation = 0;

  HostTimers() {
    std::thread([this] { run(); }).detach();
  }
  void poke() {
    std::lock_guard<std::mutex> guard(mutex);
    ++generation;
    changed.notify_one();
  }
  void run() {
    for (;;) {
      queue.expire(arch::uptime_ns());
      const uint64_t next = queue.next_deadline();
      std::unique_lock<std::mutex> guard(mutex);
      const uint64_t seen = generation;
      auto changed_since = [&] { return generation != seen; };
      if (next == TimerQueue::kNoDeadline) {
        changed.wait(guard, changed_since);
      } else {
        const uint64_t now = arch::uptime_ns();
        if (next > now) {
          changed.wait_for(guard, std::chrono::nanoseconds(next - now), changed_since);
        }
      }
    }
  }
};

HostTimers& host_timers() {
  static HostTimers* timers = new HostTimers();  // never destroyed: its thread outlives main
  return *timers;
}

}  // namespace

namespace {

// wait_loop's host side: the parked thread keeps its own deadline.
class HostWait {
 public:
  explicit HostWait(HostTask& task) : task_(task) {}
  bool interrupted() const { return task_.killed.load(MemoryOrder::kAcquire) != 0; }
  void arm(Deadline deadline) { deadline_ = deadline; }
  void disarm() {}
  void block(Handoff* handoff) {
    if (handoff) handoff->release();  // host threads have no CPU to hand over
    sched::block(task_, deadline_);
  }

 private:
  HostTask& task_;
  Deadline deadline_ = Deadline::never();
};

}  // namespace

Status wait_on(WaitQueue& queue, FunctionRef<bool()> ready, Deadline deadline, Handoff* handoff) {
  HostTask& task = self();
  HostWait backend(task);
  return wait_loop(task, queue, ready, deadline, handoff, backend);
}

Task& current_task() { return self(); }
Waker& kernel_waker() { return g_waker; }
Waker& sync_waker() { return g_waker; }  // host threads have no CPU to share

Result<TimerQueue*> arm_on_this_cpu(OneShotTimer& timer, Deadline deadline) {
  HostTimers& timers = host_timers();
  TRY(timers.queue.arm(timer, deadline.uptime_ns()));
  timers.poke();
  return &timers.queue;
}

void Handoff::make_runnable(Task& task) {
  if (!claimed_) {
    claimed_ = &task;
  } else {
    g_waker.make_runnable(task);
  }
}

void Handoff::release() {
  if (Task* task = take()) g_waker.make_runnable(*task);
}

namespace host {

void unpark(Task& task) {
  task.set_state(TaskState::kRunning);  // a host task runs again on its own thread
  syscall(SYS_futex, task.state_word().address(), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

bool park_until_runnable(Task& task, Deadline deadline) {
  // Like a kernel task, it runs again only once made runnable (kRunning),
  // not as soon as a waker claimed it (kReady).
  for (;;) {
    const uint32_t state = task.state_word().load(MemoryOrder::kAcquire);
    if (state != static_cast<uint32_t>(TaskState::kBlocked) &&
        state != static_cast<uint32_t>(TaskState::kReady)) {
      return true;
    }
    timespec timeout{};
    timespec* timeout_ptr = nullptr;
    if (!deadline.is_never()) {
      const uint64_t now = arch::uptime_ns();
      if (deadline.passed_at(now)) return false;
      const uint64_t left = deadline.remaining_at(now).ns();
      timeout = {static_cast<time_t>(left / 1000000000), static_cast<long>(left % 1000000000)};
      timeout_ptr = &timeout;
    }
    syscall(SYS_futex, task.state_word().address(), FUTEX_WAIT_PRIVATE, state, timeout_ptr, nullptr,
            0);
  }
}

uint64_t times_woken(const Task& task) {
  return static_cast<const HostTask&>(task).woken.load(MemoryOrder::kRelaxed);
}

void kill(Task& task) {
  static_cast<HostTask&>(task).killed.store(1, MemoryOrder::kRelease);
  (void)wake_up(task, g_waker);
}

}  // namespace host
}  // namespace viper::sched
