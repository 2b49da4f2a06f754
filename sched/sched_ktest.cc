// The scheduler on the real machine: hundreds of threads ping-ponging
// through wait queues on 4 CPUs, preemption of busy threads, stealing.
#include "kernel/arch/aarch64/mmu.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/ktest_platform.h"
#include "kernel/lib/printk.h"
#include "sched/scheduler.h"
#include "sched/testing/ktest_threads.h"
#include "sched/testing/ping_pong.h"

namespace viper::ktest {
namespace {

// Also checks that exited threads are on no run queue (RC-016).
void reap_all_checked(ktest::Context& t, sched::Thread** threads, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t deadline = arch::uptime_ns() + 10 * kSecond;
    while (threads[i]->state() != sched::TaskState::kExited && arch::uptime_ns() < deadline) {
      (void)sched::sleep_for(1000000);
    }
    KEXPECT(t, threads[i]->state() == sched::TaskState::kExited);
    if (threads[i]->state() != sched::TaskState::kExited) return;  // cannot reap a live thread
    KEXPECT(t, threads[i]->queued_on == sched::kNoCpu);
    KEXPECT(t, !threads[i]->run_node.linked());
  }
  reap_all(threads, count);
}

constexpr uint32_t kPairs = 100;
PingPong g_pairs[kPairs];
PingPongSide g_sides[2 * kPairs];
sched::Thread* g_threads[2 * kPairs];

// 200 kernel threads in 100 pairs, each pair handing a turn back and forth
// through two wait queues (RC-013 on the hardware): all finish, no wakeup
// is lost, and every CPU ran some of them (idle CPUs steal).
KTEST(sched, ping_pong_200_threads_all_finish_on_every_cpu) {
  Atomic<uint32_t> done{0};
  uint64_t switches_before[arch::kMaxCpus];
  const uint32_t cpus = cpus_online();
  for (uint32_t c = 0; c < cpus; ++c) switches_before[c] = sched::switches_on_cpu(c);
  for (uint32_t p = 0; p < kPairs; ++p) {
    g_pairs[p].turn.store(0, MemoryOrder::kRelaxed);
    g_pairs[p].rounds = 200;
    g_pairs[p].done = &done;
    for (uint32_t me = 0; me < 2; ++me) {
      g_sides[2 * p + me] = {&g_pairs[p], me};
      Result<sched::Thread*> thread = sched::spawn("pingpong", &ping_pong, &g_sides[2 * p + me]);
      KEXPECT(t, thread.ok());
      if (!thread.ok()) return;
      g_threads[2 * p + me] = thread.value();
    }
  }
  KEXPECT(t, wait_for(done, 2 * kPairs, 60 * kSecond));
  reap_all(g_threads, 2 * kPairs);
  for (uint32_t p = 0; p < kPairs; ++p)
    KEXPECT(t, g_pairs[p].turn.load(MemoryOrder::kRelaxed) == 400);
  for (uint32_t c = 0; c < cpus; ++c) {
    KEXPECT(t, sched::switches_on_cpu(c) > switches_before[c]);  // every CPU ran work
  }
}

struct Spinner {
  Atomic<uint64_t> count{0};
  Atomic<uint32_t> saw_other{0};
  Spinner* other = nullptr;
  Atomic<uint32_t>* done = nullptr;
};

// Never blocks or yields: only the timer can take the CPU away from it.
void spin(void* arg) {
  auto* me = static_cast<Spinner*>(arg);
  const uint64_t deadline = arch::uptime_ns() + 30 * kSecond;  // ends early on success
  const uint64_t other_start = me->other->count.load(MemoryOrder::kAcquire);
  // Spin until both have seen the other make progress (or time is up):
  // neither stops early, so each needs the tick to let the other run.
  while (arch::uptime_ns() < deadline && !(me->saw_other.load(MemoryOrder::kAcquire) &&
                                           me->other->saw_other.load(MemoryOrder::kAcquire))) {
    me->count.fetch_add(1, MemoryOrder::kRelaxed);
    if (me->other->count.load(MemoryOrder::kAcquire) > other_start + 1000) {
      me->saw_other.store(1, MemoryOrder::kRelease);
    }
  }
  me->done->fetch_add(1, MemoryOrder::kAcqRel);
}

// Two busy threads pinned to one CPU: each sees the other make progress
// while it is still spinning, which only preemption by the tick allows.
KTEST(sched, busy_threads_on_one_cpu_are_preempted) {
  static Spinner a, b;
  Atomic<uint32_t> done{0};
  a.count.store(0, MemoryOrder::kRelaxed);
  b.count.store(0, MemoryOrder::kRelaxed);
  a.saw_other.store(0, MemoryOrder::kRelaxed);
  b.saw_other.store(0, MemoryOrder::kRelaxed);
  a.other = &b;
  b.other = &a;
  a.done = b.done = &done;
  const uint64_t cpu1 = 1ull << (cpus_online() > 1 ? 1 : 0);
  Result<sched::Thread*> ta = sched::spawn("spin-a", &spin, &a, sched::kDefaultPriority, cpu1);
  Result<sched::Thread*> tb = sched::spawn("spin-b", &spin, &b, sched::kDefaultPriority, cpu1);
  KEXPECT(t, ta.ok() && tb.ok());
  if (!ta.ok() || !tb.ok()) return;
  KEXPECT(t, wait_for(done, 2, 40 * kSecond));
  KEXPECT(t, a.saw_other.load(MemoryOrder::kAcquire) == 1);
  KEXPECT(t, b.saw_other.load(MemoryOrder::kAcquire) == 1);
  sched::Thread* threads[] = {ta.value(), tb.value()};
  reap_all(threads, 2);
}

}  // namespace
}  // namespace viper::ktest

namespace viper::ktest {
namespace {

// One-shot timers: sleeps end on time (not early, and well before the next
// 10 ms tick for short ones), on every CPU count.
KTEST(sched, sleep_for_has_microsecond_resolution) {
  const uint64_t durations_us[] = {200, 1000, 3000, 20000};
  for (uint64_t us : durations_us) {
    const uint64_t start = arch::uptime_ns();
    KEXPECT(t, sched::sleep_for(us * 1000).ok());
    const uint64_t slept = arch::uptime_ns() - start;
    KEXPECT(t, slept >= us * 1000);
    KEXPECT(t, slept < us * 1000 + 5000000);  // far less than a tick late
  }
}

struct KillTarget {
  sched::WaitQueue queue;  // nobody ever wakes it
  Atomic<uint32_t> started{0};
  Atomic<uint32_t> exited{0};
  Atomic<uint32_t> interrupted{0};
};

// Blocked in a wait queue with no timeout until killed.
void block_forever(void* arg) {
  auto* k = static_cast<KillTarget*>(arg);
  sched::Thread* self = sched::current();
  k->started.fetch_add(1, MemoryOrder::kRelease);
  while (!sched::kill_requested()) {
    if (!k->queue.prepare_to_wait(*self).ok()) break;
    if (!sched::kill_requested()) sched::block_current();
    k->queue.finish_wait(*self);
  }
  k->exited.fetch_add(1, MemoryOrder::kRelease);
}

// Sleeping with a timeout (1 hour) until killed.
void sleep_long(void* arg) {
  auto* k = static_cast<KillTarget*>(arg);
  k->started.fetch_add(1, MemoryOrder::kRelease);
  if (sched::sleep_for(3600 * kSecond).error() == Error::kInterrupted) {
    k->interrupted.fetch_add(1, MemoryOrder::kRelease);
  }
  k->exited.fetch_add(1, MemoryOrder::kRelease);
}

// Running (busy) until killed.
void busy_until_killed(void* arg) {
  auto* k = static_cast<KillTarget*>(arg);
  k->started.fetch_add(1, MemoryOrder::kRelease);
  while (!sched::kill_requested()) arch::cpu_relax();
  k->exited.fetch_add(1, MemoryOrder::kRelease);
}

// RC-016: kill works on blocked (with and without timeout), ready and
// running threads, and an exited thread is never on a run queue.
KTEST(sched, RC016_kill_blocked_sleeping_ready_and_running_threads) {
  static KillTarget k;
  k.started.store(0, MemoryOrder::kRelaxed);
  k.exited.store(0, MemoryOrder::kRelaxed);
  k.interrupted.store(0, MemoryOrder::kRelaxed);
  const uint64_t other_cpu = 1ull << (cpus_online() > 1 ? 1 : 0);
  sched::Thread* threads[4] = {};
  Result<sched::Thread*> blocked = sched::spawn("blocked", &block_forever, &k);
  Result<sched::Thread*> sleeping = sched::spawn("sleeping", &sleep_long, &k);
  Result<sched::Thread*> running =
      sched::spawn("running", &busy_until_killed, &k, sched::kDefaultPriority, other_cpu);
  KEXPECT(t, blocked.ok() && sleeping.ok() && running.ok());
  if (!blocked.ok() || !sleeping.ok() || !running.ok()) return;
  threads[0] = blocked.value();
  threads[1] = sleeping.value();
  threads[2] = running.value();
  KEXPECT(t, wait_for(k.started, 3, 5 * kSecond));
  // A ready thread: spawned at the lowest priority, killed before it runs.
  Result<sched::Thread*> ready =
      sched::spawn("ready", &busy_until_killed, &k, sched::kPriorityLevels - 2, 1ull << 0);
  KEXPECT(t, ready.ok());
  if (!ready.ok()) return;
  threads[3] = ready.value();
  // Kill three directly, and the fourth with SIGTERM's default action.
  for (int i = 0; i < 3; ++i) sched::kill(threads[i]);
  KEXPECT(t, sched::send_signal(threads[3], sched::kSigTerm).ok());
  KEXPECT(t, wait_for(k.exited, 4, 10 * kSecond));
  KEXPECT(t, k.interrupted.load(MemoryOrder::kAcquire) == 1);
  reap_all_checked(t, threads, 4);
}

}  // namespace
}  // namespace viper::ktest

namespace viper::ktest {
namespace {

void stand_still(void* arg) {
  auto* done = static_cast<Atomic<uint32_t>*>(arg);
  while (!sched::kill_requested()) (void)sched::sleep_for(1000000);
  done->fetch_add(1, MemoryOrder::kRelease);
}

// Each thread's stack is mapped outside the direct map with an unmapped
// guard page right below it.
KTEST(sched, stacks_have_a_guard_page_below) {
  Atomic<uint32_t> done{0};
  Result<sched::Thread*> thread = sched::spawn("guarded", &stand_still, &done);
  KEXPECT(t, thread.ok());
  if (!thread.ok()) return;
  const VirtAddr bottom = thread.value()->stack_bottom;
  KEXPECT(t, arch::mmu::kernel_can_read(bottom));
  KEXPECT(t, arch::mmu::kernel_can_read(bottom + (16 * 1024 - 8)));
  KEXPECT(t, !arch::mmu::kernel_can_read(bottom - 8));
  KEXPECT(t, !arch::mmu::kernel_can_read(bottom - 4096));
  sched::kill(thread.value());
  KEXPECT(t, wait_for(done, 1, 5 * kSecond));
  sched::Thread* threads[] = {thread.value()};
  reap_all(threads, 1);
  KEXPECT(t, !arch::mmu::kernel_can_read(bottom));  // unmapped when reaped
}

// Recurses until `limit`, which is never reached: 512-byte frames exhaust a
// 16 KiB stack after about 30 calls.
[[gnu::noinline]] uint64_t recurse(uint64_t depth, uint64_t limit) {
  volatile uint8_t frame[512];
  frame[0] = static_cast<uint8_t>(depth);
  if (depth == limit) return frame[0];
  return recurse(depth + 1, limit) + frame[0];
}

void overflow(void*) { (void)recurse(0, ~uint64_t{0}); }

// Running off the bottom of a stack hits the guard page; the vectors notice
// the stack pointer is in a guard and report on a per-CPU overflow stack.
KTEST(sched, panics_on_stack_overflow) {
  Atomic<uint32_t> never{0};
  (void)sched::spawn("overflow", &overflow, nullptr);
  (void)wait_for(never, 1, 10 * kSecond);
  KEXPECT(t, false);  // the panic should have ended the run
}

}  // namespace
}  // namespace viper::ktest

namespace viper::ktest {
namespace {

struct Flag {
  sched::WaitQueue queue;
  Atomic<uint32_t> set{0};
  bool is_set() const { return set.load(MemoryOrder::kAcquire) != 0; }
};

void set_flag_later(void* arg) {
  auto* flag = static_cast<Flag*>(arg);
  (void)sched::sleep_for(5000000);
  flag->set.store(1, MemoryOrder::kRelease);
  flag->queue.wake_all(sched::kernel_waker());
}

// Waiting with a timeout: it expires when nothing happens, and returns as
// soon as the condition comes true when something does.
KTEST(sched, wait_until_times_out_or_returns_on_wakeup) {
  static Flag flag;
  flag.set.store(0, MemoryOrder::kRelaxed);
  const uint64_t start = arch::uptime_ns();
  KEXPECT(t, sched::wait_until(
                 flag.queue, [] { return flag.is_set(); }, Deadline::at(start + 3000000))
                     .error() == Error::kTimedOut);
  KEXPECT(t, arch::uptime_ns() - start >= 3000000);
  Result<sched::Thread*> setter = sched::spawn("setter", &set_flag_later, &flag);
  KEXPECT(t, setter.ok());
  if (!setter.ok()) return;
  const uint64_t begin = arch::uptime_ns();
  KEXPECT(t, sched::wait_until(
                 flag.queue, [] { return flag.is_set(); }, Deadline::at(begin + 60 * kSecond))
                 .ok());
  KEXPECT(t, arch::uptime_ns() - begin < 30 * kSecond);  // woken, not timed out
  sched::Thread* threads[] = {setter.value()};
  reap_all(threads, 1);
}

}  // namespace
}  // namespace viper::ktest

namespace viper::ktest {
namespace {

struct SyncWake {
  sched::WaitQueue queue;
  Atomic<uint32_t> set{0};
  Atomic<uint32_t> woke_on{~0u};
  sched::Thread* waiter = nullptr;
  sched::Waker* waker = nullptr;
  Atomic<uint32_t> done{0};
  Atomic<uint32_t> retries{0};      // wakeups put off: something was queued here
  Atomic<uint32_t> queued_here{0};  // the waker's run queue just after the wakeup
};

void sync_wake_waiter(void* arg) {
  auto* w = static_cast<SyncWake*>(arg);
  (void)sched::wait_until(
      w->queue, [w] { return w->set.load(MemoryOrder::kAcquire) != 0; }, Deadline::never());
  w->woke_on.store(arch::cpu_id(), MemoryOrder::kRelease);
  w->done.fetch_add(1, MemoryOrder::kRelease);
}

// Waits until the waiter is asleep and off its CPU, lets it run anywhere,
// and wakes it with `waker`; then sleeps, so a waiter placed here runs.
void sync_wake_waker(void* arg) {
  auto* w = static_cast<SyncWake*>(arg);
  while (w->waiter->state() != sched::TaskState::kBlocked ||
         w->waiter->on_cpu.load(MemoryOrder::kAcquire) != 0) {
    (void)sched::sleep_for(100000);
  }
  w->waiter->affinity = ~0ull;  // asleep: nobody reads it until the wakeup
  w->set.store(1, MemoryOrder::kRelease);
  // The sync waker keeps the woken thread here only while nothing else is
  // queued here (a queued thread would run first): wake with this CPU's
  // queue empty, and interrupts masked from the check to the wakeup so no
  // tick or timer can queue one in between.
  for (;;) {
    bool woken = false;
    {
      arch::InterruptsDisabled masked;
      if (sched::run_queue_stats(arch::cpu_id()).queued == 0) {
        w->queue.wake_all(*w->waker);
        // Still masked: the woken thread cannot have run yet, and one put
        // here must stay until the tick, so it is on this queue now.
        w->queued_here.store(sched::run_queue_stats(arch::cpu_id()).queued, MemoryOrder::kRelease);
        woken = true;
      }
    }
    if (woken) break;
    w->retries.fetch_add(1, MemoryOrder::kRelaxed);
    (void)sched::sleep_for(1000000);
  }
  (void)sched::sleep_for(1000000);
  w->done.fetch_add(1, MemoryOrder::kRelease);
}

// Where a thread that last ran on another CPU runs once woken by `waker`.
SyncWake& sync_wake_state() {
  static SyncWake w;
  return w;
}

uint32_t cpu_a_woken_thread_runs_on(ktest::Context& t, sched::Waker& waker) {
  SyncWake& w = sync_wake_state();
  w.set.store(0, MemoryOrder::kRelaxed);
  w.woke_on.store(~0u, MemoryOrder::kRelaxed);
  w.done.store(0, MemoryOrder::kRelaxed);
  w.queued_here.store(0, MemoryOrder::kRelaxed);
  w.waker = &waker;
  Result<sched::Thread*> waiter =
      sched::spawn("sync-waiter", &sync_wake_waiter, &w, sched::kDefaultPriority, cpu_mask(2));
  KEXPECT(t, waiter.ok());
  if (!waiter.ok()) return ~0u;
  w.waiter = waiter.value();
  Result<sched::Thread*> wakes =
      sched::spawn("sync-waker", &sync_wake_waker, &w, sched::kDefaultPriority, cpu_mask(1));
  KEXPECT(t, wakes.ok());
  if (!wakes.ok()) return ~0u;
  KEXPECT(t, wait_for(w.done, 2, 60 * kSecond));
  sched::Thread* threads[] = {waiter.value(), wakes.value()};
  reap_all(threads, 2);
  return w.woke_on.load(MemoryOrder::kAcquire);
}

// sync_waker() keeps a woken thread on the waker's CPU (a pipe's reader
// on its writer's), not the one it last ran on (kernel_waker() queues it
// there, where an idle CPU may steal it first: no fixed answer to check).
KTEST(sched, sync_wakeup_runs_the_woken_thread_on_the_wakers_cpu) {
  const uint32_t waker_cpu = static_cast<uint32_t>(__builtin_ctzll(cpu_mask(1)));
  KEXPECT(t, cpu_a_woken_thread_runs_on(t, sched::sync_waker()) == waker_cpu);
  SyncWake& w = sync_wake_state();
  KEXPECT(t, w.queued_here.load(MemoryOrder::kAcquire) >= 1);
}

}  // namespace
}  // namespace viper::ktest
