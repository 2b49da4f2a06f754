// Host tests of slab caches: threads act as CPUs over a simulated arena.
#include <atomic>
#include <chrono>
#include <cstring>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "kernel/arch/host/phys_arena.h"
#include "kernel/lib/lockdep.h"
#include "mm/pmm/physical_memory.h"
#include "mm/slab/slab_cache.h"
#include "testing/host/expect_ok.h"

namespace viper::mm {
namespace {

// Every lock acquisition so far, of any class (lockdep counts them): a
// path that takes no lock leaves it unchanged.
uint64_t AllLockAcquisitions() {
  uint64_t total = 0;
  for (uint32_t i = 0; const LockClass* c = lockdep::seen_class(i); ++i) total += c->acquisitions();
  return total;
}

class SlabTest : public ::testing::Test {
 protected:
  SlabTest() : arena_(64 << 20) { EXPECT_OK(pmm_.add_range(arena_.base(), arena_.size())); }

  std::vector<void*> AllocMany(SlabCache& cache, size_t n) {
    std::vector<void*> objects;
    for (size_t i = 0; i < n; ++i) {
      Result<void*> o = cache.alloc();
      EXPECT_OK(o);
      if (o.ok()) objects.push_back(o.value());
    }
    return objects;
  }

  arch::host::PhysArena arena_;
  PhysicalMemory pmm_;
};

TEST_F(SlabTest, ObjectsAreDistinctAlignedAndWritable) {
  SlabCache cache("test.aligned", 100, 64);
  ASSERT_OK(cache.init(pmm_));
  std::vector<void*> objects = AllocMany(cache, 500);
  std::set<void*> unique(objects.begin(), objects.end());
  EXPECT_EQ(unique.size(), objects.size());
  for (void* o : objects) {
    EXPECT_EQ(reinterpret_cast<uintptr_t>(o) % 64, 0u);
    memset(o, 0x5a, 100);
  }
  EXPECT_EQ(cache.stats().objects_in_use, 500u);
  for (void* o : objects) ASSERT_OK(cache.free(o));
  EXPECT_EQ(cache.stats().objects_in_use, 0u);
}

// Objects in use are what the slabs gave out less what the magazines
// hold: the fast path counts nothing, yet the figure is exact once the
// cache is quiet, whichever CPUs' magazines hold the free objects.
TEST_F(SlabTest, ObjectsInUseAreExactWithFreeObjectsInSeveralMagazines) {
  SlabCache cache("test.count", 64, 8);
  ASSERT_OK(cache.init(pmm_));
  std::vector<void*> kept = AllocMany(cache, 100);
  std::thread other([&] {  // another CPU: objects end in its magazine
    std::vector<void*> mine = AllocMany(cache, 37);
    for (size_t i = 0; i < 30; ++i) ASSERT_OK(cache.free(mine[i]));
    for (size_t i = 30; i < mine.size(); ++i) kept.push_back(mine[i]);
  });
  other.join();
  EXPECT_EQ(cache.stats().objects_in_use, 107u);
  for (size_t i = 0; i < 50; ++i) ASSERT_OK(cache.free(kept[i]));  // this CPU's magazine, flushed
  EXPECT_EQ(cache.stats().objects_in_use, 57u);
  EXPECT_EQ(cache.free(kept[0]).error(), Error::kDoubleFree);
  EXPECT_EQ(cache.stats().objects_in_use, 57u) << "a refused free counts nothing";
  for (size_t i = 50; i < kept.size(); ++i) ASSERT_OK(cache.free(kept[i]));
  EXPECT_EQ(cache.stats().objects_in_use, 0u);
  cache.reclaim();
  EXPECT_EQ(cache.stats().objects_in_use, 0u);
}

// A free turns its pointer into an object index, and tells an object's
// start from an interior pointer, with one multiply by the stride's
// divisor: both must equal the division for every stride a cache can have
// (multiples of 8 up to the largest object and its redzone) and every
// offset inside a slab, or frees would pick neighbours or accept interior
// pointers (MS-002).
TEST(SlabIndex, TheDivisorDividesExactlyForEveryStrideAndOffset) {
  for (size_t stride = 8; stride <= SlabCache::kMaxObjectSize + 64; stride += 8) {
    const uint64_t divisor = SlabCache::divisor(stride);
    for (size_t offset = 0; offset < SlabCache::kMaxSlabBytes; ++offset) {
      ASSERT_EQ(SlabCache::divide(offset, divisor), offset / stride)
          << "stride " << stride << " offset " << offset;
      ASSERT_EQ(SlabCache::divides(offset, divisor), offset % stride == 0)
          << "stride " << stride << " offset " << offset;
    }
  }
}

TEST_F(SlabTest, BadParametersAreRefused) {
  SlabCache empty("test.empty", 0, 8);
  EXPECT_EQ(empty.init(pmm_).error(), Error::kInvalidArgument);
  SlabCache odd("test.odd_align", 64, 24);
  EXPECT_EQ(odd.init(pmm_).error(), Error::kInvalidArgument);
  SlabCache huge("test.huge", SlabCache::kMaxObjectSize + 1, 8);
  EXPECT_EQ(huge.init(pmm_).error(), Error::kInvalidArgument);
}

TEST_F(SlabTest, MS001_DoubleFreeIsReportedAndHarmless) {
  SlabCache cache("test.double", 48, 8);
  ASSERT_OK(cache.init(pmm_));
  Result<void*> object = cache.alloc();
  ASSERT_OK(object);
  ASSERT_OK(cache.free(object.value()));
  EXPECT_EQ(cache.free(object.value()).error(), Error::kDoubleFree);
  EXPECT_EQ(cache.stats().objects_in_use, 0u);
  // The seed's free list would now hold the object twice and hand it out
  // twice; here every object comes out once.
  std::vector<void*> objects = AllocMany(cache, 300);
  EXPECT_EQ(std::set<void*>(objects.begin(), objects.end()).size(), objects.size());
  for (void* o : objects) ASSERT_OK(cache.free(o));
}

TEST_F(SlabTest, MS001_ConcurrentDoubleFreeHasExactlyOneWinner) {
  SlabCache cache("test.race", 32, 8);
  ASSERT_OK(cache.init(pmm_));
  for (int round = 0; round < 300; ++round) {
    Result<void*> object = cache.alloc();
    ASSERT_OK(object);
    std::atomic<int> ok{0};
    std::thread a([&] { ok += cache.free(object.value()).ok(); });
    std::thread b([&] { ok += cache.free(object.value()).ok(); });
    a.join();
    b.join();
    EXPECT_EQ(ok.load(), 1);
  }
  EXPECT_EQ(cache.stats().objects_in_use, 0u);
}

// find() validates a pointer once (kfree reuses it); the Found forms of
// free and claim decide with the same state byte as free(void*).
TEST_F(SlabTest, MS002_FindValidatesOnceAndTheFoundFormsFreeOnce) {
  SlabCache cache("test.find", 40, 8);
  ASSERT_OK(cache.init(pmm_));
  Result<void*> object = cache.alloc();
  ASSERT_OK(object);
  auto* byte = static_cast<uint8_t*>(object.value());
  int on_the_stack = 0;
  EXPECT_EQ(SlabCache::find(pmm_, nullptr, "test", nullptr).error(), Error::kInvalidArgument);
  EXPECT_EQ(SlabCache::find(pmm_, byte + 8, "test", nullptr).error(), Error::kInvalidArgument)
      << "interior";
  EXPECT_EQ(SlabCache::find(pmm_, &on_the_stack, "test", nullptr).error(), Error::kInvalidArgument)
      << "outside memory";
  Result<SlabCache::Found> found = SlabCache::find(pmm_, object.value(), "test", nullptr);
  ASSERT_OK(found);
  EXPECT_EQ(found->slab->cache, &cache);
  EXPECT_OK(cache.free(found.value(), object.value(), nullptr));
  EXPECT_EQ(cache.free(found.value(), object.value(), nullptr).error(), Error::kDoubleFree);
  EXPECT_EQ(cache.free(object.value()).error(), Error::kDoubleFree);
  EXPECT_EQ(cache.stats().objects_in_use, 0u);
}

TEST_F(SlabTest, MS001_ConcurrentFreesThroughEitherEntryHaveExactlyOneWinner) {
  SlabCache cache("test.race_found", 32, 8);
  ASSERT_OK(cache.init(pmm_));
  for (int round = 0; round < 300; ++round) {
    Result<void*> object = cache.alloc();
    ASSERT_OK(object);
    const SlabCache::Found found = SlabCache::find(pmm_, object.value(), "test", nullptr).value();
    std::atomic<int> ok{0};
    std::thread a([&] { ok += cache.free(object.value()).ok(); });
    std::thread b([&] { ok += cache.free(found, object.value(), nullptr).ok(); });
    a.join();
    b.join();
    EXPECT_EQ(ok.load(), 1);
  }
  EXPECT_EQ(cache.stats().objects_in_use, 0u);
}

TEST_F(SlabTest, MS002_ForeignPointersAreRefusedBeforeAnyListIsTouched) {
  SlabCache cache("test.owner", 64, 8);
  SlabCache other("test.other", 64, 8);
  ASSERT_OK(cache.init(pmm_));
  ASSERT_OK(other.init(pmm_));
  Result<void*> mine = cache.alloc();
  Result<void*> theirs = other.alloc();
  ASSERT_OK(mine);
  ASSERT_OK(theirs);
  Result<void*> never = cache.alloc();  // allocated then freed: "not allocated"
  ASSERT_OK(never);
  ASSERT_OK(cache.free(never.value()));
  Result<PhysAddr> plain_page = pmm_.alloc_pages(0);
  ASSERT_OK(plain_page);
  int on_the_stack = 0;
  auto* byte = static_cast<uint8_t*>(mine.value());
  const SlabStats before = cache.stats();
  const uint64_t cache_locks = lockdep::acquisitions("slab.cache");
  EXPECT_EQ(cache.free(nullptr).error(), Error::kInvalidArgument);
  EXPECT_EQ(cache.free(theirs.value()).error(), Error::kInvalidArgument) << "wrong cache";
  EXPECT_EQ(cache.free(byte + 1).error(), Error::kInvalidArgument) << "misaligned";
  EXPECT_EQ(cache.free(byte + 16).error(), Error::kInvalidArgument) << "interior";
  EXPECT_EQ(cache.free(never.value()).error(), Error::kDoubleFree) << "not allocated";
  EXPECT_EQ(cache.free(&on_the_stack).error(), Error::kInvalidArgument) << "outside memory";
  EXPECT_EQ(cache.free(arch::phys_to_virt(plain_page.value()).as<void>()).error(),
            Error::kInvalidArgument)
      << "a page that is no slab";
  const uintptr_t slab_start = reinterpret_cast<uintptr_t>(byte) & ~uintptr_t{4095};
  EXPECT_EQ(cache.free(reinterpret_cast<void*>(slab_start)).error(), Error::kInvalidArgument)
      << "the slab header";
  EXPECT_EQ(lockdep::acquisitions("slab.cache"), cache_locks) << "no cache lock was taken";
  const SlabStats after = cache.stats();
  EXPECT_EQ(after.objects_in_use, before.objects_in_use);
  EXPECT_EQ(after.slow_path_entries, before.slow_path_entries) << "no list was touched";
  EXPECT_OK(cache.free(mine.value()));
  EXPECT_OK(other.free(theirs.value()));
  EXPECT_OK(pmm_.free_pages(plain_page.value(), 0));
}

// PERF-001: the slab of any object is one page-descriptor lookup away,
// including objects on the later pages of a multi-page slab.
TEST_F(SlabTest, PERF001_ObjectToSlabIsAPageDescriptorLookup) {
  SlabCache big("test.big", 3000, 8);  // several pages per slab
  ASSERT_OK(big.init(pmm_));
  std::vector<void*> objects = AllocMany(big, 200);
  for (void* o : objects) {
    EXPECT_EQ(SlabCache::cache_of(pmm_, o), &big);
    EXPECT_EQ(SlabCache::cache_of(pmm_, static_cast<uint8_t*>(o) + 2999), &big);
  }
  int not_heap = 0;
  EXPECT_EQ(SlabCache::cache_of(pmm_, &not_heap), nullptr);
  // Validating a freed pointer (claim, the first step of free) finds and
  // checks its slab without walking the cache's slabs, so it takes no lock
  // whatever the number of slabs: the predecessor's O(n) check walked the
  // slab list under the cache lock.
  ASSERT_GT(big.stats().slabs_full, 10u);
  const uint64_t cache_locks = lockdep::acquisitions("slab.cache");
  for (void* o : objects) {
    ASSERT_OK(big.claim(o));
    big.unclaim(o);
  }
  EXPECT_EQ(lockdep::acquisitions("slab.cache"), cache_locks) << objects.size() << " lookups";
  for (void* o : objects) ASSERT_OK(big.free(o));
}

// PERF-002: with a warm magazine, allocation and free on one CPU take no
// lock at all.
TEST_F(SlabTest, PERF002_FastPathTakesNoLock) {
  SlabCache cache("test.fast", 64, 8);
  ASSERT_OK(cache.init(pmm_));
  Result<void*> warm = cache.alloc();
  ASSERT_OK(warm);
  ASSERT_OK(cache.free(warm.value()));
  ASSERT_TRUE(lockdep::kEnabled) << "lockdep counts the acquisitions";
  const uint64_t slow_before = cache.stats().slow_path_entries;
  const uint64_t cache_locks_before = lockdep::acquisitions("slab.cache");
  const uint64_t locks_before = AllLockAcquisitions();
  for (int i = 0; i < 100000; ++i) {
    Result<void*> o = cache.alloc();
    ASSERT_OK(o);
    ASSERT_OK(cache.free(o.value()));
  }
  EXPECT_EQ(lockdep::acquisitions("slab.cache"), cache_locks_before) << "the cache lock";
  EXPECT_EQ(AllLockAcquisitions(), locks_before) << "any lock at all";
  EXPECT_EQ(cache.stats().slow_path_entries, slow_before);
}

// PERF-004: empty slabs go back to the page allocator (all but one spare at
// once, all of them on reclaim).
TEST_F(SlabTest, PERF004_EmptySlabsReturnToThePageAllocator) {
  const uint64_t start = pmm_.stats().used_pages;
  SlabCache cache("test.reclaim", 256, 8);
  ASSERT_OK(cache.init(pmm_));
  std::vector<void*> objects = AllocMany(cache, 5000);
  EXPECT_GT(pmm_.stats().used_pages, start + 100);
  for (void* o : objects) ASSERT_OK(cache.free(o));
  EXPECT_LE(cache.stats().slabs_empty, 1u) << "only one spare empty slab is kept";
  EXPECT_LE(pmm_.stats().used_pages, start + 4) << "the rest went back already";
  cache.reclaim();
  EXPECT_EQ(cache.stats().slabs_empty, 0u);
  EXPECT_EQ(pmm_.stats().used_pages, start);
}

// PERF-005: with many full slabs, a freed slot is reused from the partial
// list's head instead of growing or searching.
TEST_F(SlabTest, PERF005_PartialSlabIsReusedWithoutGrowing) {
  SlabCache cache("test.partial", 512, 8);
  ASSERT_OK(cache.init(pmm_));
  std::vector<void*> objects = AllocMany(cache, 2000);
  cache.reclaim();  // no spare empty slab, no magazine
  const uint64_t used = pmm_.stats().used_pages;
  // Free 40 objects from one early slab: they reach it through magazine
  // flushes, making it partial.
  for (int i = 0; i < 40; ++i) ASSERT_OK(cache.free(objects[i]));
  cache.reclaim();
  EXPECT_GE(cache.stats().slabs_partial, 1u);
  for (int i = 0; i < 40; ++i) {
    Result<void*> o = cache.alloc();
    ASSERT_OK(o);
    objects[i] = o.value();
  }
  EXPECT_EQ(pmm_.stats().used_pages, used) << "no new slab was needed";
  for (void* o : objects) ASSERT_OK(cache.free(o));
}

TEST_F(SlabTest, UseAfterFreeIsCaughtInDebugBuilds) {
  ASSERT_TRUE(kSlabDebug);
  SlabCache cache("test.uaf", 64, 8);
  ASSERT_OK(cache.init(pmm_));
  Result<void*> o = cache.alloc();
  ASSERT_OK(o);
  ASSERT_OK(cache.free(o.value()));
  static_cast<uint8_t*>(o.value())[10] = 1;  // write after free
  EXPECT_DEATH((void)cache.alloc(), "test.uaf: object .* was written after it was freed");
}

TEST_F(SlabTest, OverflowIsCaughtInDebugBuilds) {
  SlabCache cache("test.overflow", 64, 8);
  ASSERT_OK(cache.init(pmm_));
  Result<void*> o = cache.alloc();
  ASSERT_OK(o);
  static_cast<uint8_t*>(o.value())[64] = 1;  // one past the end
  EXPECT_DEATH((void)cache.free(o.value()), "test.overflow: write past the end of object");
}

// Threads as CPUs, three caches, random alloc/free for a bounded time; every
// pattern survives and all memory returns to the page allocator.
TEST_F(SlabTest, StressAcrossCpusAndCaches) {
  const uint64_t start = pmm_.stats().used_pages;
  SlabCache small("stress.16", 16, 8), mid("stress.200", 200, 16), large("stress.2k", 2048, 64);
  SlabCache* caches[] = {&small, &mid, &large};
  for (SlabCache* c : caches) ASSERT_OK(c->init(pmm_));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  std::atomic<uint64_t> corrupt{0}, failures{0};
  std::vector<std::thread> cpus;
  for (int t = 0; t < 4; ++t) {
    cpus.emplace_back([&, t] {
      std::mt19937 rng(t);
      struct Held {
        SlabCache* cache;
        uint8_t* object;
        uint8_t pattern;
      };
      std::vector<Held> held;
      auto release = [&](const Held& h) {
        for (size_t i = 0; i < h.cache->object_size(); ++i) corrupt += h.object[i] != h.pattern;
        failures += !h.cache->free(h.object).ok();
      };
      while (std::chrono::steady_clock::now() < deadline) {
        if (held.size() < 200 && rng() % 2) {
          SlabCache* c = caches[rng() % 3];
          Result<void*> o = c->alloc();
          if (!o.ok()) {
            ++failures;
            continue;
          }
          const uint8_t pattern = static_cast<uint8_t>(rng());
          memset(o.value(), pattern, c->object_size());
          held.push_back({c, static_cast<uint8_t*>(o.value()), pattern});
        } else if (!held.empty()) {
          const size_t i = rng() % held.size();
          release(held[i]);
          held[i] = held.back();
          held.pop_back();
        }
      }
      for (const Held& h : held) release(h);
      for (SlabCache* c : caches) c->reclaim();  // this CPU's magazine
    });
  }
  for (auto& cpu : cpus) cpu.join();
  EXPECT_EQ(corrupt.load(), 0u);
  EXPECT_EQ(failures.load(), 0u);
  for (SlabCache* c : caches) {
    EXPECT_EQ(c->stats().objects_in_use, 0u);
    c->reclaim();
  }
  EXPECT_EQ(pmm_.stats().used_pages, start) << "every slab went back";
}

}  // namespace
}  // namespace viper::mm
