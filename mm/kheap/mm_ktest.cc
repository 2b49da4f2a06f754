// The allocators on the real machine: every CPU runs random mixes at once,
// and free memory returns to its value from before the run.
#include "kernel/arch/arch.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/ktest_platform.h"
#include "mm/kheap/global.h"
#include "mm/slab/slab_cache.h"

namespace viper::ktest {
namespace {

// Per CPU, per test: a fixed amount of work, not a time window (a vCPU the
// host does not schedule for a while would otherwise do almost nothing).
constexpr uint64_t kOperations = 4000;

// xorshift: enough randomness for allocation mixes.
struct Random {
  uint64_t state;
  uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

struct Outcome {
  Atomic<uint64_t> corrupt{0};
  Atomic<uint64_t> failures{0};
  Atomic<uint64_t> operations{0};
};

constexpr int kMaxHeld = 48;

void pmm_mix(void* arg) {
  auto& out = *static_cast<Outcome*>(arg);
  mm::PhysicalMemory& pmm = mm::physical_memory();
  Random rng{0x9e3779b97f4a7c15ull * (arch::cpu_id() + 1)};
  struct Held {
    PhysAddr page;
    int order;  // -1: through the per-CPU cache
    uint8_t pattern;
  } held[kMaxHeld];
  int count = 0;
  auto release = [&](const Held& h) {
    const uint64_t size = kPageSize << (h.order < 0 ? 0 : h.order);
    const uint8_t* p = arch::phys_to_virt(h.page).as<uint8_t>();
    for (uint64_t i = 0; i < size; i += 256)
      out.corrupt.fetch_add(p[i] != h.pattern, MemoryOrder::kRelaxed);
    const Status s = h.order < 0 ? pmm.free_page(h.page) : pmm.free_pages(h.page, h.order);
    out.failures.fetch_add(!s.ok(), MemoryOrder::kRelaxed);
  };
  for (uint64_t op = 0; op < kOperations; ++op) {
    out.operations.fetch_add(1, MemoryOrder::kRelaxed);
    if (count < kMaxHeld && rng.next() % 3) {
      const int order = static_cast<int>(rng.next() % 6) - 1;
      Result<PhysAddr> p = order < 0 ? pmm.alloc_page() : pmm.alloc_pages(order);
      if (!p.ok()) continue;
      const uint8_t pattern = static_cast<uint8_t>(rng.next());
      uint8_t* bytes = arch::phys_to_virt(p.value()).as<uint8_t>();
      for (uint64_t i = 0; i < (kPageSize << (order < 0 ? 0 : order)); i += 256) bytes[i] = pattern;
      held[count++] = {p.value(), order, pattern};
    } else if (count > 0) {
      const int victim = static_cast<int>(rng.next() % count);
      release(held[victim]);
      held[victim] = held[--count];
    }
  }
  while (count > 0) release(held[--count]);
  pmm.drain_this_cpu();
}

void heap_mix(void* arg) {
  auto& out = *static_cast<Outcome*>(arg);
  mm::KernelHeap& heap = mm::kernel_heap();
  Random rng{0xd1b54a32d192ed03ull * (arch::cpu_id() + 3)};
  struct Held {
    uint8_t* block;
    size_t size;
    uint8_t pattern;
  } held[kMaxHeld];
  int count = 0;
  auto verify = [&](const Held& h) {
    for (size_t i = 0; i < h.size; i += 16)
      out.corrupt.fetch_add(h.block[i] != h.pattern, MemoryOrder::kRelaxed);
  };
  for (uint64_t op = 0; op < kOperations; ++op) {
    out.operations.fetch_add(1, MemoryOrder::kRelaxed);
    const uint64_t action = rng.next() % 3;
    const size_t size = (size_t{1} << (rng.next() % 15)) + rng.next() % 16;
    if ((action == 0 || count == 0) && count < kMaxHeld) {
      Result<void*> b = heap.kmalloc(size);
      if (!b.ok()) continue;
      const uint8_t pattern = static_cast<uint8_t>(rng.next());
      for (size_t i = 0; i < size; ++i) static_cast<uint8_t*>(b.value())[i] = pattern;
      held[count++] = {static_cast<uint8_t*>(b.value()), size, pattern};
    } else if (action == 1 && count > 0) {
      Held& h = held[rng.next() % count];
      verify(h);
      Result<void*> b = heap.krealloc(h.block, size);
      if (!b.ok()) continue;
      h.block = static_cast<uint8_t*>(b.value());
      for (size_t i = h.size; i < size; ++i) h.block[i] = h.pattern;
      h.size = size;
    } else if (count > 0) {
      const int victim = static_cast<int>(rng.next() % count);
      verify(held[victim]);
      out.failures.fetch_add(!heap.kfree_checked(held[victim].block).ok(), MemoryOrder::kRelaxed);
      held[victim] = held[--count];
    }
  }
  while (count > 0) {
    verify(held[--count]);
    out.failures.fetch_add(!heap.kfree_checked(held[count].block).ok(), MemoryOrder::kRelaxed);
  }
}

void reclaim_this_cpu(void*) {
  mm::kernel_heap().reclaim();
  mm::physical_memory().drain_this_cpu();
}

KTEST(mm, pmm_mixes_on_every_cpu_return_all_pages) {
  mm::PhysicalMemory& pmm = mm::physical_memory();
  const mm::MemoryStats before = pmm.stats();
  Outcome out;
  run_on_all_cpus(&pmm_mix, &out);
  const mm::MemoryStats after = pmm.stats();
  KEXPECT(t, out.operations.load(MemoryOrder::kRelaxed) == kOperations * cpus_online());
  KEXPECT(t, out.corrupt.load(MemoryOrder::kRelaxed) == 0);
  KEXPECT(t, out.failures.load(MemoryOrder::kRelaxed) == 0);
  KEXPECT(t, after.free_pages == before.free_pages);
  KEXPECT(t, after.free_pages + after.used_pages + after.reserved_pages == after.total_pages);
}

KTEST(mm, heap_mixes_on_every_cpu_leak_nothing) {
  mm::PhysicalMemory& pmm = mm::physical_memory();
  run_on_all_cpus(&reclaim_this_cpu, nullptr);
  const uint64_t free_before = pmm.stats().free_pages;
  const uint64_t live_before = mm::kernel_heap().stats().live_allocations;
  Outcome out;
  run_on_all_cpus(&heap_mix, &out);
  run_on_all_cpus(&reclaim_this_cpu, nullptr);
  KEXPECT(t, out.operations.load(MemoryOrder::kRelaxed) == kOperations * cpus_online());
  KEXPECT(t, out.corrupt.load(MemoryOrder::kRelaxed) == 0);
  KEXPECT(t, out.failures.load(MemoryOrder::kRelaxed) == 0);
  KEXPECT(t, mm::kernel_heap().stats().live_allocations == live_before);
  KEXPECT(t, pmm.stats().free_pages == free_before);
}

KTEST(mm, MS001_MS002_bad_frees_are_refused) {
  mm::KernelHeap& heap = mm::kernel_heap();
  Result<void*> block = heap.kmalloc(100);
  KEXPECT(t, block.ok());
  if (!block.ok()) return;
  KEXPECT(t, heap.kfree_checked(static_cast<uint8_t*>(block.value()) + 8).error() ==
                 Error::kInvalidArgument);
  KEXPECT(t, heap.kfree_checked(block.value()).ok());
  KEXPECT(t, heap.kfree_checked(block.value()).error() == Error::kDoubleFree);
}

// The predecessor's find_slab_for_object() trusted a pointer's page to be a
// slab of the cache it was freed to: an object of another cache, handed to
// this one, went onto the wrong free list. Same object size on purpose: the
// layouts agree, so only the ownership check can refuse it.
KTEST(mm, MS002_an_object_freed_to_the_wrong_cache_is_refused) {
  mm::PhysicalMemory& pmm = mm::physical_memory();
  static mm::SlabCache owner("ktest.owner", 64, 8);  // off the 16 KiB stack
  static mm::SlabCache other("ktest.other", 64, 8);
  KEXPECT(t, owner.init(pmm).ok());
  KEXPECT(t, other.init(pmm).ok());
  Result<void*> object = owner.alloc();
  KEXPECT(t, object.ok());
  if (!object.ok()) return;
  KEXPECT(t, other.free(object.value()).error() == Error::kInvalidArgument);
  // Still the owner's, still allocated: its own free succeeds once.
  KEXPECT(t, mm::SlabCache::cache_of(pmm, object.value()) == &owner);
  KEXPECT(t, owner.free(object.value()).ok());
  KEXPECT(t, owner.free(object.value()).error() == Error::kDoubleFree);
  owner.reclaim();
  other.reclaim();
}

}  // namespace
}  // namespace viper::ktest
