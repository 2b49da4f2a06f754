#include "sched/testing/ktest_threads.h"

#include "kernel/arch/arch.h"
#include "kernel/lib/ktest_platform.h"

namespace viper::ktest {

bool wait_for(Atomic<uint32_t>& done, uint32_t want, uint64_t timeout_ns) {
  const uint64_t deadline = arch::uptime_ns() + timeout_ns;
  while (done.load(MemoryOrder::kAcquire) < want) {
    if (arch::uptime_ns() > deadline) return false;
    // 10 ms, not 1: the waiting thread shares CPU 0 with test threads, and
    // waking every millisecond slowed a call/reply client there about
    // fivefold under a loaded host (ipc_ktest: 63 s -> 11 s, same load).
    (void)sched::sleep_for(10000000);
  }
  return true;
}

uint64_t cpu_mask(uint32_t cpu) { return 1ull << (cpu % cpus_online()); }

void reap_all(sched::Thread** threads, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    while (!sched::reap(threads[i]).ok()) (void)sched::sleep_for(100000);  // until off its CPU
  }
}

}  // namespace viper::ktest
