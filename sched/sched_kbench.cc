// In-guest scheduler benchmarks (kbench suite; they measure, never assert
// on time). Run: bazel test //kernel:sched_bench --test_output=all, or boot
// with ktest=bench.*; each prints
//   KBENCH <name> <value> <unit>
// Times come from the generic timer's counter over many iterations (QEMU's
// cycle counter does not count real cycles under TCG).
#include "kernel/arch/arch.h"
#include "kernel/lib/kbench.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/ktest_platform.h"
#include "kernel/lib/printk.h"
#include "sched/scheduler.h"
#include "sched/testing/ping_pong.h"

namespace viper::ktest {
namespace {

// Nanoseconds per hand-off between two threads on the given CPUs.
uint64_t ping_pong_ns(uint32_t cpu_a, uint32_t cpu_b, uint32_t rounds) {
  static PingPong game;
  static PingPongSide sides[2];
  static Atomic<uint32_t> done{0};
  game.turn.store(0, MemoryOrder::kRelaxed);
  done.store(0, MemoryOrder::kRelaxed);
  game.rounds = rounds;
  game.done = &done;
  sides[0] = {&game, 0};
  sides[1] = {&game, 1};
  const uint64_t start = arch::uptime_ns();
  Result<sched::Thread*> a = sched::spawn("bench-a", &ping_pong, &sides[0], 8, 1ull << cpu_a);
  Result<sched::Thread*> b = sched::spawn("bench-b", &ping_pong, &sides[1], 8, 1ull << cpu_b);
  if (!a.ok() || !b.ok()) return 0;
  while (done.load(MemoryOrder::kAcquire) < 2) (void)sched::sleep_for(1000000);
  const uint64_t elapsed = arch::uptime_ns() - start;
  while (!sched::reap(a.value()).ok() || !sched::reap(b.value()).ok()) {
    (void)sched::sleep_for(100000);
  }
  return elapsed / (2ull * rounds);
}

KTEST(bench, context_switch_via_wait_queue) {
  const uint32_t other = cpus_online() > 2 ? 2 : 0;
  kbench_report("switch_same_cpu_ns", ping_pong_ns(1 % cpus_online(), 1 % cpus_online(), 20000),
                "ns");
  kbench_report("handoff_cross_cpu_ns", ping_pong_ns(1 % cpus_online(), other, 20000), "ns");
}

// A thread that sleeps 1 ms at a time until told to stop.
void millisecond_sleeper(void* arg) {
  auto* stop = static_cast<Atomic<uint32_t>*>(arg);
  while (!stop->load(MemoryOrder::kAcquire)) (void)sched::sleep_for(1000000);
}

// Nanoseconds per hand-off of an unpinned pair woken the synchronous way
// (as pipes and futexes wake), both started on `cpu`, with or without a
// neighbour on that CPU that sleeps 1 ms at a time; and how the pair's
// switches spread over the CPUs.
uint64_t sync_pair_ns(uint32_t cpu, bool neighbour, uint32_t rounds, uint64_t spread[4]) {
  static PingPong game;
  static PingPongSide sides[2];
  static Atomic<uint32_t> done{0};
  static Atomic<uint32_t> stop{0};
  game.turn.store(0, MemoryOrder::kRelaxed);
  done.store(0, MemoryOrder::kRelaxed);
  stop.store(0, MemoryOrder::kRelaxed);
  game.rounds = rounds;
  game.done = &done;
  game.waker = &sched::sync_waker();
  sides[0] = {&game, 0};
  sides[1] = {&game, 1};
  Result<sched::Thread*> n = Error::kNotFound;
  if (neighbour) n = sched::spawn("bench-sleeper", &millisecond_sleeper, &stop, 8, 1ull << cpu);
  uint64_t before[4] = {};
  for (uint32_t c = 0; c < 4 && c < cpus_online(); ++c) before[c] = sched::switches_on_cpu(c);
  const uint64_t start = arch::uptime_ns();
  Result<sched::Thread*> a = sched::spawn("bench-a", &ping_pong, &sides[0], 8, 1ull << cpu);
  Result<sched::Thread*> b = sched::spawn("bench-b", &ping_pong, &sides[1], 8, 1ull << cpu);
  if (!a.ok() || !b.ok()) return 0;
  // Pinned only to start together: from the first hand-off on, anywhere.
  a.value()->affinity = ~0ull;
  b.value()->affinity = ~0ull;
  while (done.load(MemoryOrder::kAcquire) < 2) (void)sched::sleep_for(1000000);
  const uint64_t elapsed = arch::uptime_ns() - start;
  for (uint32_t c = 0; c < 4 && c < cpus_online(); ++c) {
    spread[c] = sched::switches_on_cpu(c) - before[c];
  }
  stop.store(1, MemoryOrder::kRelease);
  while (!sched::reap(a.value()).ok() || !sched::reap(b.value()).ok()) {
    (void)sched::sleep_for(100000);
  }
  while (n.ok() && !sched::reap(n.value()).ok()) (void)sched::sleep_for(100000);
  game.waker = nullptr;
  return elapsed / (2ull * rounds);
}

KTEST(bench, sync_wakeup_pair_beside_a_millisecond_sleeper) {
  const uint32_t cpu = 1 % cpus_online();
  for (int with = 0; with < 2; ++with) {
    const bool neighbour = with == 1;
    uint64_t spread[4] = {};
    const uint64_t ns = sync_pair_ns(cpu, neighbour, 20000, spread);
    kbench_report(neighbour ? "sync_pair_beside_sleeper_ns" : "sync_pair_alone_ns", ns, "ns");
    printk(LogLevel::kInfo, "sync pair %s: switches cpu0=%llu cpu1=%llu cpu2=%llu cpu3=%llu",
           neighbour ? "beside a 1 ms sleeper" : "alone", (unsigned long long)spread[0],
           (unsigned long long)spread[1], (unsigned long long)spread[2],
           (unsigned long long)spread[3]);
  }
}

struct Latency {
  sched::WaitQueue queue;
  Atomic<uint64_t> woken_at{0};
  Atomic<uint32_t> armed{0};
  Atomic<uint32_t> stop{0};
};

// Sleeps on its queue; records when it runs again.
void sleeper(void* arg) {
  auto* l = static_cast<Latency*>(arg);
  sched::Thread* self = sched::current();
  while (!l->stop.load(MemoryOrder::kAcquire)) {
    (void)l->queue.prepare_to_wait(*self);
    l->armed.store(1, MemoryOrder::kRelease);
    sched::block_current();
    l->queue.finish_wait(*self);
    l->woken_at.store(arch::uptime_ns(), MemoryOrder::kRelease);
  }
}

// Wakeup latency of an idle CPU: from wake_one() on this CPU until the
// woken thread runs on a CPU that was asleep in WFI (IPI, idle exit,
// switch).
KTEST(bench, idle_cpu_wakeup_latency) {
  static Latency l;
  l.stop.store(0, MemoryOrder::kRelaxed);
  const uint32_t cpu = cpus_online() > 3 ? 3 : cpus_online() - 1;
  Result<sched::Thread*> thread = sched::spawn("sleeper", &sleeper, &l, 8, 1ull << cpu);
  if (!thread.ok()) return;
  uint64_t total = 0;
  constexpr uint32_t kRounds = 500;
  for (uint32_t i = 0; i < kRounds; ++i) {
    while (!l.armed.load(MemoryOrder::kAcquire) || l.queue.waiters() == 0) {
      (void)sched::sleep_for(200000);
    }
    (void)sched::sleep_for(1000000);  // let the CPU settle into WFI
    l.armed.store(0, MemoryOrder::kRelaxed);
    l.woken_at.store(0, MemoryOrder::kRelaxed);
    const uint64_t start = arch::uptime_ns();
    l.queue.wake_one(sched::kernel_waker());
    while (l.woken_at.load(MemoryOrder::kAcquire) == 0) arch::cpu_relax();
    total += l.woken_at.load(MemoryOrder::kAcquire) - start;
  }
  kbench_report("idle_wakeup_latency_ns", total / kRounds, "ns");
  l.stop.store(1, MemoryOrder::kRelease);
  l.queue.wake_all(sched::kernel_waker());
  sched::kill(thread.value());
  while (!sched::reap(thread.value()).ok()) (void)sched::sleep_for(100000);
}

}  // namespace
}  // namespace viper::ktest
