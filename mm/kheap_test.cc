// Host tests of kmalloc/kfree/krealloc/kcalloc.
#include <atomic>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "kernel/arch/host/phys_arena.h"
#include "mm/kheap/kernel_heap.h"
#include "testing/host/expect_ok.h"

namespace viper::mm {
namespace {

class KheapTest : public ::testing::Test {
 protected:
  KheapTest() : arena_(128 << 20) {
    EXPECT_OK(pmm_.add_range(arena_.base(), arena_.size()));
    EXPECT_OK(heap_.init(pmm_));
  }
  arch::host::PhysArena arena_;
  PhysicalMemory pmm_;
  KernelHeap heap_;
};

TEST_F(KheapTest, EverySizeIsUsableAndAligned) {
  const size_t sizes[] = {1, 15, 16, 17, 48, 100, 2047, 2048, 2049, 4096, 5000, 70000, 1 << 22};
  std::vector<void*> blocks;
  for (size_t size : sizes) {
    Result<void*> block = heap_.kmalloc(size);
    ASSERT_OK(block) << size;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(block.value()) % 16, 0u);
    EXPECT_GE(heap_.usable_size(block.value()), size);
    memset(block.value(), 0xab, size);
    blocks.push_back(block.value());
  }
  EXPECT_EQ(heap_.stats().live_allocations, std::size(sizes));
  for (void* b : blocks) ASSERT_OK(heap_.kfree_checked(b));
  EXPECT_EQ(heap_.stats().live_allocations, 0u);
  EXPECT_EQ(heap_.stats().live_bytes, 0u);
}

TEST_F(KheapTest, BadSizesAreErrors) {
  EXPECT_EQ(heap_.kmalloc(0).error(), Error::kInvalidArgument);
  EXPECT_EQ(heap_.kmalloc(KernelHeap::kMaxSize + 1).error(), Error::kNoMemory);
  EXPECT_EQ(heap_.kcalloc(size_t{1} << 40, size_t{1} << 40).error(), Error::kOverflow);
}

TEST_F(KheapTest, KcallocZeroes) {
  Result<void*> dirty = heap_.kmalloc(256);
  ASSERT_OK(dirty);
  memset(dirty.value(), 0xff, 256);
  ASSERT_OK(heap_.kfree_checked(dirty.value()));
  Result<void*> clean = heap_.kcalloc(16, 16);
  ASSERT_OK(clean);
  for (int i = 0; i < 256; ++i) EXPECT_EQ(static_cast<uint8_t*>(clean.value())[i], 0);
  ASSERT_OK(heap_.kfree_checked(clean.value()));
}

TEST_F(KheapTest, BadFreesAreRefused) {
  int on_stack = 0;
  EXPECT_EQ(heap_.kfree_checked(nullptr).error(), Error::kInvalidArgument);
  EXPECT_EQ(heap_.kfree_checked(&on_stack).error(), Error::kInvalidArgument);
  Result<void*> small = heap_.kmalloc(64);
  Result<void*> large = heap_.kmalloc(3 * 4096);
  ASSERT_OK(small);
  ASSERT_OK(large);
  EXPECT_EQ(heap_.kfree_checked(static_cast<uint8_t*>(small.value()) + 8).error(),
            Error::kInvalidArgument);
  Result<PhysAddr> page = pmm_.alloc_pages(0);
  ASSERT_OK(page);
  EXPECT_EQ(heap_.kfree_checked(arch::phys_to_virt(page.value()).as<void>()).error(),
            Error::kInvalidArgument)
      << "a page that is not kmalloc's";
  ASSERT_OK(heap_.kfree_checked(small.value()));
  ASSERT_OK(heap_.kfree_checked(large.value()));
  EXPECT_EQ(heap_.kfree_checked(small.value()).error(), Error::kDoubleFree);
  EXPECT_EQ(heap_.kfree_checked(large.value()).error(), Error::kDoubleFree);
  EXPECT_EQ(heap_.stats().live_allocations, 0u);
  ASSERT_OK(pmm_.free_pages(page.value(), 0));
}

TEST_F(KheapTest, KreallocKeepsContentAcrossClassesAndPages) {
  Result<void*> block = heap_.krealloc(nullptr, 10);
  ASSERT_OK(block);
  memcpy(block.value(), "viperdos!", 10);
  Result<void*> same = heap_.krealloc(block.value(), 14);  // same 16-byte class
  ASSERT_OK(same);
  EXPECT_EQ(same.value(), block.value());
  Result<void*> grown = heap_.krealloc(same.value(), 10000);
  ASSERT_OK(grown);
  EXPECT_STREQ(static_cast<char*>(grown.value()), "viperdos!");
  Result<void*> shrunk = heap_.krealloc(grown.value(), 40);
  ASSERT_OK(shrunk);
  EXPECT_STREQ(static_cast<char*>(shrunk.value()), "viperdos!");
  EXPECT_EQ(heap_.stats().live_allocations, 1u);
  Result<void*> gone = heap_.krealloc(shrunk.value(), 0);
  ASSERT_OK(gone);
  EXPECT_EQ(gone.value(), nullptr);
  EXPECT_EQ(heap_.stats().live_allocations, 0u);
}

TEST_F(KheapTest, FailedKreallocLeavesTheBlockWithItsOwner) {
  Result<void*> block = heap_.kmalloc(32);
  ASSERT_OK(block);
  EXPECT_EQ(heap_.krealloc(block.value(), KernelHeap::kMaxSize + 1).error(), Error::kNoMemory);
  EXPECT_OK(heap_.kfree_checked(block.value())) << "still allocated, still ours to free";
}

// MS-003: a kfree racing with a krealloc of the same block. The seed read
// the size, dropped the lock and copied from memory the kfree could
// release. Here exactly one of the two wins; when krealloc wins, its copy
// holds the old bytes (a copy from a freed, poisoned object would not).
TEST_F(KheapTest, MS003_KfreeRacingKreallocIsADoubleFreeNotCorruption) {
  int realloc_won = 0, free_won = 0;
  for (int round = 0; round < 2000; ++round) {
    Result<void*> block = heap_.kmalloc(64);
    ASSERT_OK(block);
    memset(block.value(), 0x42, 64);
    std::atomic<bool> go{false};
    Result<void*> moved = Error::kBadState;
    Status freed = Error::kBadState;
    std::thread resizer([&] {
      while (!go) {
      }
      moved = heap_.krealloc(block.value(), 1000);
    });
    std::thread freer([&] {
      while (!go) {
      }
      freed = heap_.kfree_checked(block.value());
    });
    go = true;
    resizer.join();
    freer.join();
    ASSERT_NE(moved.ok(), freed.ok()) << "exactly one of them owns the block";
    if (moved.ok()) {
      ++realloc_won;
      EXPECT_EQ(freed.error(), Error::kDoubleFree);
      const auto* bytes = static_cast<const uint8_t*>(moved.value());
      for (int i = 0; i < 64; ++i) ASSERT_EQ(bytes[i], 0x42) << "copied from freed memory";
      ASSERT_OK(heap_.kfree_checked(moved.value()));
    } else {
      ++free_won;
      EXPECT_EQ(moved.error(), Error::kDoubleFree);
    }
  }
  EXPECT_EQ(heap_.stats().live_allocations, 0u) << realloc_won << " / " << free_won;
}

// Threads as CPUs: random kmalloc/krealloc/kfree mixes over all sizes for a
// bounded time; patterns survive, nothing leaks, all pages come back.
TEST_F(KheapTest, StressMixesLeakNothing) {
  const uint64_t pages_before = pmm_.stats().used_pages;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  std::atomic<uint64_t> corrupt{0}, failures{0};
  std::vector<std::thread> cpus;
  for (int t = 0; t < 4; ++t) {
    cpus.emplace_back([&, t] {
      std::mt19937 rng(7 + t);
      struct Held {
        uint8_t* block;
        size_t size;
        uint8_t pattern;
      };
      std::vector<Held> held;
      auto verify = [&](const Held& h) {
        for (size_t i = 0; i < h.size; i += 7) corrupt += h.block[i] != h.pattern;
      };
      auto random_size = [&] { return size_t{1} << (rng() % 16) | (rng() % 16); };
      while (std::chrono::steady_clock::now() < deadline) {
        const unsigned action = rng() % 3;
        if ((action == 0 || held.empty()) && held.size() < 100) {
          const size_t size = random_size();
          Result<void*> b = heap_.kmalloc(size);
          if (!b.ok()) {
            ++failures;
            continue;
          }
          const uint8_t pattern = static_cast<uint8_t>(rng());
          memset(b.value(), pattern, size);
          held.push_back({static_cast<uint8_t*>(b.value()), size, pattern});
        } else if (action == 1) {
          Held& h = held[rng() % held.size()];
          verify(h);
          const size_t size = random_size();
          Result<void*> b = heap_.krealloc(h.block, size);
          if (!b.ok()) {
            ++failures;
            continue;
          }
          h.block = static_cast<uint8_t*>(b.value());
          if (size > h.size) memset(h.block + h.size, h.pattern, size - h.size);
          h.size = size;
        } else {
          const size_t i = rng() % held.size();
          verify(held[i]);
          failures += !heap_.kfree_checked(held[i].block).ok();
          held[i] = held.back();
          held.pop_back();
        }
      }
      for (const Held& h : held) {
        verify(h);
        failures += !heap_.kfree_checked(h.block).ok();
      }
      heap_.reclaim();
      pmm_.drain_this_cpu();
    });
  }
  for (auto& cpu : cpus) cpu.join();
  EXPECT_EQ(corrupt.load(), 0u);
  EXPECT_EQ(failures.load(), 0u);
  EXPECT_EQ(heap_.stats().live_allocations, 0u);
  EXPECT_EQ(heap_.stats().live_bytes, 0u);
  heap_.reclaim();
  EXPECT_EQ(pmm_.stats().used_pages, pages_before);
  EXPECT_TRUE(pmm_.audit());
}

}  // namespace
}  // namespace viper::mm
