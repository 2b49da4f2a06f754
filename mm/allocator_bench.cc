// Allocator benchmarks: ViperDOS's slab caches and kmalloc against glibc
// malloc, jemalloc and mimalloc, all in the same process and run; plus the
// buddy allocator and the per-CPU page cache.
//
//   bazel run --config=bench //mm:allocator_bench
//
// Each "pair" is one allocation and one free of the given size. Threaded
// variants run one thread per host core; every thread is its own CPU.
#include <jemalloc/jemalloc.h>
#include <mimalloc.h>

#include <memory>

#include "benchmark/benchmark.h"
#include "kernel/arch/host/phys_arena.h"
#include "mm/kheap/kernel_heap.h"
#include "mm/pmm/physical_memory.h"
#include "mm/slab/slab_cache.h"

extern "C" void* __libc_malloc(size_t);
extern "C" void __libc_free(void*);

namespace viper::mm {
namespace {

struct World {
  arch::host::PhysArena arena{512ull << 20};
  PhysicalMemory pmm;
  KernelHeap heap;
  SlabCache* caches[4];
  World() {
    if (!pmm.add_range(arena.base(), arena.size()).ok() || !heap.init(pmm).ok()) abort();
    const size_t sizes[] = {16, 64, 256, 1024};
    for (int i = 0; i < 4; ++i) {
      caches[i] = new SlabCache("bench", sizes[i], 8);
      if (!caches[i]->init(pmm).ok()) abort();
    }
  }
};

World& world() {
  static World* w = new World();
  return *w;
}

SlabCache& cache_for(int64_t size) {
  switch (size) {
    case 16:
      return *world().caches[0];
    case 64:
      return *world().caches[1];
    case 256:
      return *world().caches[2];
    default:
      return *world().caches[3];
  }
}

void BM_SlabPair(benchmark::State& state) {
  SlabCache& cache = cache_for(state.range(0));
  for (auto _ : state) {
    void* p = cache.alloc().value();
    benchmark::DoNotOptimize(p);
    (void)cache.free(p);
  }
}

// The slab each thread's hot object (the one its loop allocates and frees
// over and over: the magazine is last in, first out) lies in, by thread
// index (its page's owner); stored before the loop's start barrier, read
// after it.
const void* g_hot_slab[2];

void BM_KmallocPair(benchmark::State& state) {
  KernelHeap& heap = world().heap;
  const size_t size = static_cast<size_t>(state.range(0));
  void* first = heap.kmalloc(size).value();
  if (state.thread_index() < 2) {
    g_hot_slab[state.thread_index()] =
        world().pmm.frame_of(first)->owner.load(MemoryOrder::kAcquire);
  }
  heap.kfree(first);
  for (auto _ : state) {
    void* p = heap.kmalloc(size).value();
    benchmark::DoNotOptimize(p);
    heap.kfree(p);
  }
  // Whether the two threads' hot objects share a slab, and so the slab
  // header's line of state bytes (docs/performance.md, "Against the
  // targets": the two-thread figure). Not timed.
  if (state.threads() == 2 && state.thread_index() == 0) {
    state.counters["same_slab"] = g_hot_slab[0] == g_hot_slab[1] ? 1 : 0;
  }
}

void BM_GlibcPair(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    void* p = __libc_malloc(size);
    benchmark::DoNotOptimize(p);
    __libc_free(p);
  }
}

void BM_JemallocPair(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    void* p = mallocx(size, 0);
    benchmark::DoNotOptimize(p);
    dallocx(p, 0);
  }
}

void BM_MimallocPair(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    void* p = mi_malloc(size);
    benchmark::DoNotOptimize(p);
    mi_free(p);
  }
}

void BM_BuddyPair(benchmark::State& state) {
  PhysicalMemory& pmm = world().pmm;
  const uint32_t order = static_cast<uint32_t>(state.range(0));
  for (auto _ : state) {
    PhysAddr p = pmm.alloc_pages(order).value();
    benchmark::DoNotOptimize(p);
    (void)pmm.free_pages(p, order);
  }
}

void BM_PageCachePair(benchmark::State& state) {
  PhysicalMemory& pmm = world().pmm;
  for (auto _ : state) {
    PhysAddr p = pmm.alloc_page().value();
    benchmark::DoNotOptimize(p);
    (void)pmm.free_page(p);
  }
}

#define VIPER_PAIR_BENCH(name) \
  BENCHMARK(name)->Arg(16)->Arg(64)->Arg(256)->Arg(1024)->Threads(1)->Threads(2)->UseRealTime()

VIPER_PAIR_BENCH(BM_SlabPair);
VIPER_PAIR_BENCH(BM_KmallocPair);
VIPER_PAIR_BENCH(BM_GlibcPair);
VIPER_PAIR_BENCH(BM_JemallocPair);
VIPER_PAIR_BENCH(BM_MimallocPair);
BENCHMARK(BM_BuddyPair)->Arg(0)->Arg(4)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_PageCachePair)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace viper::mm

int main(int argc, char** argv) {
  viper::mm::world();  // the arena exists before any benchmark thread runs
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
