#include "mm/vmm/asid.h"

#include <memory>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace viper::mm {
namespace {

TEST(Asid, SpacesKeepTheirAsidWhileTheGenerationLasts) {
  AsidAllocator asids(16);
  AsidTag a{0}, b{0};
  const uint16_t first = asids.activate(a, 0);
  EXPECT_NE(first, 0) << "0 is for kernel threads";
  EXPECT_EQ(asids.activate(a, 1), first) << "same space, another CPU: same ASID";
  EXPECT_NE(asids.activate(b, 0), first);
  asids.release(b);
  asids.release(a);
}

// A released ASID is not reused before the next rollover (some TLB may
// still hold entries tagged with it), so releasing invalidates nothing.
TEST(Asid, AReleasedNumberWaitsForTheNextRolloverAndNothingIsInvalidated) {
  AsidAllocator asids(4);  // numbers 1-3
  AsidTag a{0}, b{0}, c{0}, d{0};
  auto& log = arch::host::g_tlb_log;
  const uint64_t asid_flushes = log.asid_flushes.load(MemoryOrder::kRelaxed);
  const uint64_t local_asid = log.local_asid_flushes.load(MemoryOrder::kRelaxed);
  const uint16_t first = asids.activate(a, 0);
  asids.deactivate(0);
  asids.release(a);
  EXPECT_EQ(log.asid_flushes.load(MemoryOrder::kRelaxed), asid_flushes);
  EXPECT_EQ(log.local_asid_flushes.load(MemoryOrder::kRelaxed), local_asid);
  const uint64_t generation = asids.generation();
  EXPECT_NE(asids.activate(b, 0), first);
  EXPECT_NE(asids.activate(c, 1), first);
  EXPECT_EQ(asids.generation(), generation) << "two numbers were still free";
  asids.activate(d, 2);  // none left: a rollover frees the released one
  EXPECT_EQ(asids.generation(), generation + 1);
  asids.release(b);
  asids.release(c);
  asids.release(d);
}

// Never two live spaces with one ASID in a generation, through many
// rollovers; the spaces running at a rollover keep theirs; every CPU
// flushes its TLB before it runs a space after a rollover.
TEST(Asid, NoTwoLiveSpacesShareAnAsidAcrossRollovers) {
  constexpr uint32_t kAsids = 8, kCpus = 3;
  AsidAllocator asids(kAsids);
  std::vector<std::unique_ptr<AsidTag>> spaces;
  for (int i = 0; i < 40; ++i) spaces.push_back(std::make_unique<AsidTag>(0));
  std::mt19937 rng(3);
  AsidTag* running[kCpus] = {};
  const uint64_t flushes_before = arch::host::g_tlb_log.local_flushes.load(MemoryOrder::kRelaxed);
  for (int step = 0; step < 5000; ++step) {
    const uint32_t cpu = rng() % kCpus;
    AsidTag* space = spaces[rng() % spaces.size()].get();
    const uint64_t generation = asids.generation();
    const uint64_t running_tag[kCpus] = {running[0] ? running[0]->load(MemoryOrder::kRelaxed) : 0,
                                         running[1] ? running[1]->load(MemoryOrder::kRelaxed) : 0,
                                         running[2] ? running[2]->load(MemoryOrder::kRelaxed) : 0};
    const uint16_t asid = asids.activate(*space, cpu);
    running[cpu] = space;
    if (asids.generation() != generation) {
      // What ran elsewhere at the rollover kept its number.
      for (uint32_t other = 0; other < kCpus; ++other) {
        if (other == cpu || !running[other]) continue;
        EXPECT_EQ(running[other]->load(MemoryOrder::kRelaxed) & 0xffff,
                  running_tag[other] & 0xffff);
      }
    }
    // Among spaces of the current generation, ASIDs are unique.
    std::set<uint16_t> current;
    for (auto& s : spaces) {
      const uint64_t tag = s->load(MemoryOrder::kRelaxed);
      if (tag >> 16 != asids.generation()) continue;
      EXPECT_TRUE(current.insert(tag & 0xffff).second) << "ASID " << (tag & 0xffff) << " twice";
    }
    // The running spaces too, current or reserved.
    std::set<uint16_t> on_cpus;
    for (uint32_t c = 0; c < kCpus; ++c) {
      if (running[c] && running[c] != space) on_cpus.insert(asids.active_on(c));
    }
    if (running[cpu] == space) EXPECT_EQ(asids.active_on(cpu), asid);
    if (rng() % 10 == 0) {  // a space dies (not while running)
      bool runs = false;
      for (AsidTag* r : running) runs |= r == space;
      if (!runs) asids.release(*space);
    }
  }
  EXPECT_GT(asids.generation(), 10u) << "the test rolled over many times";
  EXPECT_GT(arch::host::g_tlb_log.local_flushes.load(MemoryOrder::kRelaxed), flushes_before);
}

// CPUs activate spaces at once, through many rollovers (TSan; lockdep on
// the allocator's lock). Afterwards the current generation's ASIDs are
// still unique.
TEST(Asid, ConcurrentActivationsStayUnique) {
  constexpr uint32_t kCpus = 4;
  AsidAllocator asids(16);
  std::vector<std::unique_ptr<AsidTag>> spaces;
  for (int i = 0; i < 64; ++i) spaces.push_back(std::make_unique<AsidTag>(0));
  std::vector<std::thread> cpus;
  for (uint32_t cpu = 0; cpu < kCpus; ++cpu) {
    cpus.emplace_back([&, cpu] {
      std::mt19937 rng(cpu);
      for (int i = 0; i < 20000; ++i) {
        // Each CPU uses its own quarter of the spaces, so no space is
        // released while another CPU runs it.
        AsidTag& space = *spaces[cpu * 16 + rng() % 16];
        EXPECT_NE(asids.activate(space, cpu), 0);
        if (rng() % 8 == 0) {
          asids.deactivate(cpu);
          asids.release(space);
        }
      }
      asids.deactivate(cpu);
    });
  }
  for (auto& t : cpus) t.join();
  std::set<uint16_t> current;
  for (auto& s : spaces) {
    const uint64_t tag = s->load(MemoryOrder::kRelaxed);
    if (tag >> 16 != asids.generation()) continue;
    EXPECT_TRUE(current.insert(tag & 0xffff).second) << "ASID " << (tag & 0xffff) << " twice";
  }
  EXPECT_GT(asids.generation(), 1u);
}

}  // namespace
}  // namespace viper::mm
