#include "sched/testing/ktest_threads.h"

#include "kernel/arch/arch.h"
#include "kernel/lib/ktest_platform.h"

namespace viper::ktest {

bool wait_for(Atomic<uint32_t>& done, uint32_t want, uint64_t timeout_ns) {
  const uint64_t deadline = arch::uptime_ns() + timeout_ns;
  while (done.load(MemoryOrder::kAcquire) < want) {
    if (arch::uptime_ns() > deadline) return false;
    (void)sched::sleep_for(1000000);
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
