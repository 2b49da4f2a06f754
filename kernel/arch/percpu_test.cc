// RC-001 / ARCH-002: "the current task" and every per-CPU datum live in the
// CPU's own block. N host threads act as N CPUs at once; each must see only
// its own block, and its own current-task pointer, for its whole life.
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/host/host_cpu.h"

namespace viper::arch {
namespace {

TEST(PerCpu, RC001_ARCH002_EachCpuSeesOnlyItsOwnBlockAndCurrentTask) {
  constexpr int kCpus = 8;
  constexpr int kRounds = 20000;
  std::atomic<int> ready{0};
  std::vector<std::thread> cpus;
  std::vector<uint32_t> ids(kCpus);
  std::vector<int> mismatches(kCpus, 0);
  for (int c = 0; c < kCpus; ++c) {
    cpus.emplace_back([&, c] {
      PerCpu* mine = this_cpu();
      ids[c] = mine->cpu_id;
      // A distinct fake task per CPU; only this CPU ever writes its slot.
      auto* task = reinterpret_cast<sched::Task*>(0x1000 + c * 0x100);
      ready.fetch_add(1);
      while (ready.load() < kCpus) std::this_thread::yield();  // all CPUs live at once
      for (int round = 0; round < kRounds; ++round) {
        this_cpu()->current_task = task;
        std::this_thread::yield();
        if (this_cpu() != mine || this_cpu()->current_task != task || cpu_id() != mine->cpu_id) {
          ++mismatches[c];
        }
      }
      this_cpu()->current_task = nullptr;
    });
  }
  for (auto& cpu : cpus) cpu.join();
  EXPECT_EQ(std::set<uint32_t>(ids.begin(), ids.end()).size(), size_t{kCpus})
      << "live CPUs never share a block";
  for (int c = 0; c < kCpus; ++c) EXPECT_EQ(mismatches[c], 0) << "cpu thread " << c;
}

TEST(PerCpu, ARCH002_ExitedCpuHandsOverAFreshBlock) {
  uint32_t first_id = 0;
  std::thread([&] {
    first_id = cpu_id();
    this_cpu()->current_task = reinterpret_cast<sched::Task*>(0xdead);
  }).join();
  const uint32_t before = host::bound_cpu_count();
  std::thread([&] {
    EXPECT_EQ(this_cpu()->current_task, nullptr) << "no state leaks from a previous thread";
  }).join();
  EXPECT_EQ(host::bound_cpu_count(), before);
  (void)first_id;
}

TEST(PerCpu, InterruptMaskIsPerCpu) {
  const IrqState saved = irq_save();
  EXPECT_FALSE(irqs_enabled());
  bool other_enabled = false;
  std::thread([&] { other_enabled = irqs_enabled(); }).join();
  EXPECT_TRUE(other_enabled) << "disabling interrupts on one CPU leaves the others alone";
  irq_restore(saved);
  EXPECT_TRUE(irqs_enabled());
}

TEST(Counter, MovesForwardAtItsFrequency) {
  const uint64_t a = uptime_ns();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const uint64_t b = uptime_ns();
  EXPECT_GT(b, a);
  EXPECT_GT(counter_frequency(), 0u);
}

}  // namespace
}  // namespace viper::arch
