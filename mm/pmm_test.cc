// Host tests of the physical memory manager, over a simulated physical
// arena whose physical addresses differ from its direct map.
#include <atomic>
#include <barrier>
#include <chrono>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/host/phys_arena.h"
#include "mm/pmm/bitmap_zone.h"
#include "mm/pmm/buddy_zone.h"
#include "mm/pmm/physical_memory.h"
#include "testing/host/expect_ok.h"

namespace viper::mm {
namespace {

constexpr uint64_t kMiB = 1 << 20;

class PmmTest : public ::testing::Test {
 protected:
  explicit PmmTest(uint64_t arena = 64 * kMiB) : arena_(arena) {}
  void AddAll() { ASSERT_OK(pmm_.add_range(arena_.base(), arena_.size())); }
  uint8_t* bytes(PhysAddr page) { return arch::phys_to_virt(page).as<uint8_t>(); }

  arch::host::PhysArena arena_;
  PhysicalMemory pmm_;
};

TEST_F(PmmTest, BlocksOfEveryOrderAreAlignedAndDistinct) {
  AddAll();
  const MemoryStats before = pmm_.stats();
  EXPECT_EQ(before.total_pages, 64 * kMiB / kPageSize);
  EXPECT_GT(before.reserved_pages, 0u) << "page descriptors come out of the range";
  std::vector<std::pair<PhysAddr, uint32_t>> blocks;
  for (uint32_t order = 0; order <= kMaxOrder; ++order) {
    Result<PhysAddr> block = pmm_.alloc_pages(order);
    ASSERT_OK(block) << order;
    EXPECT_EQ((block.value() - arena_.base()) % (kPageSize << order), 0u);
    blocks.emplace_back(block.value(), order);
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    for (size_t j = i + 1; j < blocks.size(); ++j) {
      const auto [a, ao] = blocks[i];
      const auto [b, bo] = blocks[j];
      EXPECT_TRUE(a + (kPageSize << ao) <= b || b + (kPageSize << bo) <= a) << "overlap";
    }
  }
  for (auto [block, order] : blocks) EXPECT_OK(pmm_.free_pages(block, order));
  EXPECT_EQ(pmm_.stats().free_pages, before.free_pages);
  EXPECT_TRUE(pmm_.audit());
}

TEST_F(PmmTest, FreedBuddiesMergeBackIntoLargeBlocks) {
  AddAll();
  std::vector<PhysAddr> pages;
  for (;;) {
    Result<PhysAddr> page = pmm_.alloc_pages(0);
    if (!page.ok()) break;
    pages.push_back(page.value());
  }
  EXPECT_EQ(pmm_.alloc_pages(kMaxOrder).error(), Error::kNoMemory) << "out of memory is an error";
  EXPECT_EQ(pmm_.stats().free_pages, 0u);
  for (PhysAddr page : pages) ASSERT_OK(pmm_.free_pages(page, 0));
  EXPECT_TRUE(pmm_.audit());
  // Only merging makes 4 MiB blocks available again.
  Result<PhysAddr> big = pmm_.alloc_pages(kMaxOrder);
  ASSERT_OK(big);
  EXPECT_OK(pmm_.free_pages(big.value(), kMaxOrder));
}

TEST_F(PmmTest, BadFreesAreRefusedAndLeaveTheAllocatorIntact) {
  AddAll();
  Result<PhysAddr> block = pmm_.alloc_pages(2);
  ASSERT_OK(block);
  const MemoryStats before = pmm_.stats();
  EXPECT_EQ(pmm_.free_pages(block.value() + kPageSize, 2).error(), Error::kInvalidArgument)
      << "not at an order boundary";
  EXPECT_EQ(pmm_.free_pages(block.value(), 1).error(), Error::kInvalidArgument) << "wrong order";
  EXPECT_EQ(pmm_.free_pages(block.value() + 1, 0).error(), Error::kInvalidArgument)
      << "not page aligned";
  EXPECT_EQ(pmm_.free_pages(PhysAddr(0x1000), 0).error(), Error::kInvalidArgument)
      << "not managed memory";
  EXPECT_EQ(pmm_.free_pages(arena_.base(), 0).error(), Error::kInvalidArgument)
      << "a reserved descriptor page";
  EXPECT_EQ(pmm_.stats().used_pages, before.used_pages);
  EXPECT_TRUE(pmm_.audit());
  ASSERT_OK(pmm_.free_pages(block.value(), 2));
  EXPECT_EQ(pmm_.free_pages(block.value(), 2).error(), Error::kDoubleFree);
  EXPECT_TRUE(pmm_.audit());
}

// frame_of(), every slab free's and kfree's first step, is frame() of the
// pointer's page in every zone (inline only for the first), and nullptr
// for whatever is no managed RAM, so the caller can refuse it.
TEST_F(PmmTest, FrameOfAPointerIsTheDescriptorOfItsPageInEveryZone) {
  const PhysAddr base = arena_.base();
  auto* first_byte = arch::phys_to_virt(base).as<uint8_t>();
  EXPECT_EQ(pmm_.frame_of(first_byte), nullptr) << "no range added yet";
  const uint64_t buddy = 16 * kMiB, small = BitmapZone::kMaxPages / 2 * kPageSize;
  ASSERT_OK(pmm_.add_range(base, buddy));                                // buddy zone 0
  ASSERT_OK(pmm_.add_range(PhysAddr(base.value() + buddy), buddy));      // buddy zone 1
  ASSERT_OK(pmm_.add_range(PhysAddr(base.value() + 2 * buddy), small));  // a bitmap zone
  const uint64_t managed = 2 * buddy + small;
  for (uint64_t offset :
       {uint64_t{0}, buddy - 1, buddy, buddy + 5000, 2 * buddy + 77, managed - 1}) {
    const PhysAddr at(base.value() + offset);
    ASSERT_NE(pmm_.frame(at.page_base()), nullptr) << offset;
    EXPECT_EQ(pmm_.frame_of(first_byte + offset), pmm_.frame(at.page_base())) << offset;
  }
  int on_the_stack = 0;
  EXPECT_EQ(pmm_.frame_of(nullptr), nullptr);
  EXPECT_EQ(pmm_.frame_of(&on_the_stack), nullptr) << "outside the direct map";
  EXPECT_EQ(pmm_.frame_of(first_byte + managed), nullptr) << "direct map, but no zone";
  EXPECT_EQ(pmm_.frame_of(first_byte - 1), nullptr) << "just below the first zone";
}

TEST_F(PmmTest, PerCpuCacheServesAndDetectsDoubleFree) {
  AddAll();
  Result<PhysAddr> page = pmm_.alloc_page();
  ASSERT_OK(page);
  ASSERT_OK(pmm_.free_page(page.value()));
  EXPECT_EQ(pmm_.free_page(page.value()).error(), Error::kDoubleFree) << "already in the cache";
  EXPECT_EQ(pmm_.free_pages(page.value(), 0).error(), Error::kDoubleFree);
  Result<PhysAddr> again = pmm_.alloc_page();
  ASSERT_OK(again);
  EXPECT_EQ(again.value(), page.value()) << "the hot page comes back first";
  ASSERT_OK(pmm_.free_page(again.value()));
  pmm_.drain_this_cpu();
  EXPECT_EQ(pmm_.stats().used_pages, 0u);
  EXPECT_TRUE(pmm_.audit());
}

TEST_F(PmmTest, ConcurrentDoubleFreeHasExactlyOneWinner) {
  AddAll();
  for (int round = 0; round < 200; ++round) {
    Result<PhysAddr> page = pmm_.alloc_page();
    ASSERT_OK(page);
    std::atomic<int> ok{0};
    std::thread a([&] { ok += pmm_.free_page(page.value()).ok(); });
    std::thread b([&] { ok += pmm_.free_page(page.value()).ok(); });
    a.join();
    b.join();
    EXPECT_EQ(ok.load(), 1);
  }
  EXPECT_EQ(pmm_.stats().used_pages, 0u);
}

// RC-005 / RC-009: statistics read while every CPU allocates and frees are
// always a consistent snapshot: free + used + reserved == total, and used
// never exceeds what exists. The seed summed per-allocator counters read
// under different locks (or none), which this catches.
TEST_F(PmmTest, RC005_RC009_StatisticsAreConsistentWhileCpusAllocate) {
  AddAll();
  const MemoryStats start = pmm_.stats();
  constexpr int kCpus = 3;
  constexpr int kRounds = 40;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> bad{0}, reads{0};
  std::thread reader([&] {
    while (!stop.load()) {
      const MemoryStats s = pmm_.stats();
      if (s.free_pages + s.used_pages + s.reserved_pages != s.total_pages ||
          s.used_pages > s.total_pages - s.reserved_pages) {
        ++bad;
      }
      ++reads;
    }
  });
  // Between rounds every CPU stops: then the statistics must match counts
  // kept independently of them, the pages each CPU holds and the free pages
  // found on the zones' lists and in the caches (audit()). An identity of
  // stats() alone could not fail; these can.
  std::atomic<uint64_t> held_pages[kCpus] = {};
  std::barrier round_end(kCpus + 1);
  std::vector<std::thread> cpus;
  for (int c = 0; c < kCpus; ++c) {
    cpus.emplace_back([&, c] {
      std::mt19937 rng(c);
      std::vector<std::pair<PhysAddr, int>> held;  // order, or -1 for cached page
      uint64_t pages = 0;
      for (int round = 0; round < kRounds; ++round) {
        for (int i = 0; i < 1000; ++i) {
          if (held.size() < 64 && rng() % 2) {
            const int kind = static_cast<int>(rng() % 4) - 1;
            Result<PhysAddr> p = kind < 0 ? pmm_.alloc_page() : pmm_.alloc_pages(kind);
            if (p.ok()) {
              held.emplace_back(p.value(), kind);
              pages += kind < 0 ? 1 : 1ull << kind;
            }
          } else if (!held.empty()) {
            auto [page, kind] = held.back();
            held.pop_back();
            Status s = kind < 0 ? pmm_.free_page(page) : pmm_.free_pages(page, kind);
            if (!s.ok()) ++bad;
            pages -= kind < 0 ? 1 : 1ull << kind;
          }
        }
        // The per-CPU cache path updates the count on every call with no
        // lock around it: all CPUs at once, as fast as they can, for long
        // enough that they really overlap (a lost update shows at the
        // next check).
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(10);
        while (std::chrono::steady_clock::now() < until) {
          for (int i = 0; i < 256; ++i) {
            Result<PhysAddr> p = pmm_.alloc_page();
            if (p.ok() && !pmm_.free_page(p.value()).ok()) ++bad;
          }
        }
        held_pages[c] = pages;
        round_end.arrive_and_wait();  // quiet: the main thread checks
        round_end.arrive_and_wait();
      }
      for (auto [page, kind] : held)
        (void)(kind < 0 ? pmm_.free_page(page) : pmm_.free_pages(page, kind));
      pmm_.drain_this_cpu();
    });
  }
  for (int round = 0; round < kRounds; ++round) {
    round_end.arrive_and_wait();
    uint64_t held = 0;
    for (const auto& h : held_pages) held += h.load();
    const MemoryStats s = pmm_.stats();
    EXPECT_EQ(s.used_pages, start.used_pages + held) << "round " << round;
    EXPECT_TRUE(pmm_.audit()) << "round " << round << ": free pages on the lists and in the caches";
    round_end.arrive_and_wait();
  }
  for (auto& cpu : cpus) cpu.join();
  stop = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0u) << "of " << reads.load() << " reads";
  EXPECT_EQ(pmm_.stats().free_pages, start.free_pages);
  EXPECT_TRUE(pmm_.audit());
}

// RC-009: a zone's free count and a walk of its lists, read while CPUs
// allocate, are taken under the zone lock (TSan sees any that is not) and
// agree with each other whenever the zone is quiet.
TEST(BuddyZoneTest, RC009_CountsAreReadUnderTheZoneLockWhileCpusAllocate) {
  arch::host::PhysArena arena(16 * kMiB);
  BuddyZone zone;
  const uint64_t pages = arena.size() / kPageSize;
  zone.init(arena.base(), pages, arch::phys_to_virt(arena.base()).as<PageFrame>());
  const uint64_t descriptors = PageCount::for_bytes(pages * sizeof(PageFrame)).value();
  zone.add_free(descriptors, pages - descriptors);
  const uint64_t start = zone.free_pages();
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> reads{0}, impossible{0};
  std::thread reader([&] {
    while (!stop.load()) {
      if (zone.free_pages() > start) ++impossible;
      if (zone.audit() < 0) ++impossible;
      ++reads;
    }
  });
  std::vector<std::thread> cpus;
  for (int c = 0; c < 3; ++c) {
    cpus.emplace_back([&, c] {
      std::mt19937 rng(c + 11);
      std::vector<std::pair<PhysAddr, uint32_t>> held;
      for (int i = 0; i < 20000; ++i) {
        if (held.size() < 32 && rng() % 2) {
          const uint32_t order = rng() % 4;
          Result<PhysAddr> p = zone.alloc(order);
          if (p.ok()) held.emplace_back(p.value(), order);
        } else if (!held.empty()) {
          EXPECT_OK(zone.free(held.back().first, held.back().second));
          held.pop_back();
        }
      }
      for (auto [p, order] : held) EXPECT_OK(zone.free(p, order));
    });
  }
  for (auto& cpu : cpus) cpu.join();
  stop = true;
  reader.join();
  EXPECT_EQ(impossible.load(), 0u) << "of " << reads.load() << " reads";
  EXPECT_EQ(zone.free_pages(), start);
  EXPECT_EQ(zone.audit(), static_cast<int64_t>(start));
}

// REL-005: pages from a bitmap zone (a range too small for the buddy
// allocator) are counted like any others.
TEST(PmmSmallRange, REL005_BitmapZonePagesCountAsUsed) {
  arch::host::PhysArena arena(2 * kMiB);
  PhysicalMemory pmm;
  ASSERT_OK(pmm.add_range(arena.base(), arena.size()));
  const MemoryStats start = pmm.stats();
  Result<PhysAddr> a = pmm.alloc_pages(0);
  Result<PhysAddr> b = pmm.alloc_pages(3);
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_EQ(pmm.stats().used_pages, start.used_pages + 9);
  EXPECT_EQ(pmm.stats().free_pages, start.free_pages - 9);
  EXPECT_EQ(pmm.free_pages(a.value(), 0).ok(), true);
  EXPECT_EQ(pmm.free_pages(a.value(), 0).error(), Error::kDoubleFree);
  EXPECT_OK(pmm.free_pages(b.value(), 3));
  EXPECT_EQ(pmm.stats().used_pages, 0u);
  EXPECT_TRUE(pmm.audit());
}

// PERF-003: the bitmap allocator resumes from a next-fit hint, and a zone is
// at most 16 words long, so no allocation scans from the start of memory.
TEST(PmmSmallRange, PERF003_BitmapAllocationDoesNotRescanFromTheStart) {
  arch::host::PhysArena arena(4 * kMiB - kPageSize);
  BitmapZone zone;
  auto* frames = arch::phys_to_virt(arena.base()).as<PageFrame>();
  zone.init(arena.base(), BitmapZone::kMaxPages - 1, frames);
  zone.add_free(8, BitmapZone::kMaxPages - 9);
  std::vector<PhysAddr> pages;
  uint64_t worst = 0;
  for (;;) {
    Result<PhysAddr> p = zone.alloc(0);
    if (!p.ok()) break;
    pages.push_back(p.value());
    worst = std::max(worst, zone.last_search_words());
  }
  EXPECT_EQ(pages.size(), BitmapZone::kMaxPages - 9);
  EXPECT_LE(worst, 2u) << "first-fit from the start would examine up to 16 words";
  ASSERT_OK(zone.free(pages.back(), 0));
  ASSERT_OK(zone.alloc(0));
  EXPECT_EQ(zone.last_search_words(), 1u) << "the hint points at the word just freed into";
  EXPECT_GE(zone.audit(), 0);
}

// Threads as CPUs run random page and block mixes for a bounded time; every
// byte they wrote is intact when they free it, and all memory comes back.
TEST_F(PmmTest, StressEveryCpuWritesAndChecksItsPages) {
  AddAll();
  const MemoryStats start = pmm_.stats();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  std::atomic<uint64_t> corrupt{0}, failures{0};
  std::vector<std::thread> cpus;
  for (int c = 0; c < 4; ++c) {
    cpus.emplace_back([&, c] {
      std::mt19937 rng(100 + c);
      struct Held {
        PhysAddr page;
        int order;
        uint8_t pattern;
      };
      std::vector<Held> held;
      auto check_and_free = [&](const Held& h) {
        const uint64_t size = kPageSize << (h.order < 0 ? 0 : h.order);
        const uint8_t* p = bytes(h.page);
        for (uint64_t i = 0; i < size; i += 64) corrupt += p[i] != h.pattern;
        Status s = h.order < 0 ? pmm_.free_page(h.page) : pmm_.free_pages(h.page, h.order);
        failures += !s.ok();
      };
      while (std::chrono::steady_clock::now() < deadline) {
        if (held.size() < 32 && rng() % 3) {
          const int order = static_cast<int>(rng() % 6) - 1;
          Result<PhysAddr> p = order < 0 ? pmm_.alloc_page() : pmm_.alloc_pages(order);
          if (!p.ok()) continue;
          const uint8_t pattern = static_cast<uint8_t>(rng());
          const uint64_t size = kPageSize << (order < 0 ? 0 : order);
          for (uint64_t i = 0; i < size; i += 64) bytes(p.value())[i] = pattern;
          held.push_back({p.value(), order, pattern});
        } else if (!held.empty()) {
          const size_t victim = rng() % held.size();
          check_and_free(held[victim]);
          held[victim] = held.back();
          held.pop_back();
        }
      }
      for (const Held& h : held) check_and_free(h);
      pmm_.drain_this_cpu();
    });
  }
  for (auto& cpu : cpus) cpu.join();
  EXPECT_EQ(corrupt.load(), 0u);
  EXPECT_EQ(failures.load(), 0u);
  EXPECT_EQ(pmm_.stats().free_pages, start.free_pages);
  EXPECT_EQ(pmm_.stats().used_pages, 0u);
  EXPECT_TRUE(pmm_.audit());
}

}  // namespace
}  // namespace viper::mm
