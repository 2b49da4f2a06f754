// Host tests of ObjectCache<T>: objects of one type from a slab cache the
// kernel heap adopts, so Own<T>, kdelete and kfree treat them as heap
// blocks (sched's Thread comes from one).
#include "mm/kheap/object_cache.h"

#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "mm/kheap/global.h"
#include "testing/host/expect_ok.h"
#include "testing/host/heap_environment.h"

VIPER_HOST_KERNEL_HEAP();

namespace viper::mm {
namespace {

// 296 bytes: between two size classes, so a size class would waste 88.
struct Widget {
  explicit Widget(uint64_t first) { words[0] = first; }
  uint64_t words[37] = {};
};

TEST(ObjectCache, ObjectsAreExactSizeFreedByOwnAndCountedByTheHeap) {
  ObjectCache<Widget> cache("test.widget");
  ASSERT_OK(cache.init());
  EXPECT_EQ(cache.slab_cache().object_size(), sizeof(Widget));
  const HeapStats before = kernel_heap().stats();
  {
    Result<Own<Widget>> widget = cache.make(uint64_t{42});
    ASSERT_OK(widget);
    EXPECT_EQ(widget.value()->words[0], 42u) << "constructed with the arguments";
    EXPECT_EQ(kernel_heap().usable_size(widget.value().get()), sizeof(Widget));
    EXPECT_EQ(cache.stats().objects_in_use, 1u);
    EXPECT_EQ(kernel_heap().stats().live_allocations, before.live_allocations + 1);
    EXPECT_EQ(kernel_heap().stats().live_bytes, before.live_bytes + sizeof(Widget));
  }  // Own<Widget> kdeletes it: kfree finds the adopted cache
  EXPECT_EQ(cache.stats().objects_in_use, 0u);
  EXPECT_EQ(kernel_heap().stats().live_allocations, before.live_allocations);
  EXPECT_EQ(kernel_heap().stats().live_bytes, before.live_bytes);
}

TEST(ObjectCache, MS001_AFreedObjectFreedAgainIsADoubleFree) {
  ObjectCache<Widget> cache("test.widget_double");
  ASSERT_OK(cache.init());
  Result<Own<Widget>> widget = cache.make(uint64_t{1});
  ASSERT_OK(widget);
  Widget* raw = widget.value().leak();
  kdelete(raw);
  EXPECT_EQ(kernel_heap().kfree_checked(raw).error(), Error::kDoubleFree);
  EXPECT_EQ(kernel_heap().kfree_checked(reinterpret_cast<uint8_t*>(raw) + 8).error(),
            Error::kInvalidArgument)
      << "an interior pointer";
}

TEST(ObjectCache, AnObjectOfACacheTheHeapDidNotAdoptIsNotAHeapBlock) {
  SlabCache stranger("test.stranger", sizeof(Widget), alignof(Widget));
  ASSERT_OK(stranger.init(physical_memory()));
  Result<void*> object = stranger.alloc();
  ASSERT_OK(object);
  EXPECT_EQ(kernel_heap().kfree_checked(object.value()).error(), Error::kInvalidArgument);
  EXPECT_OK(stranger.free(object.value())) << "the refused free changed nothing";
  stranger.reclaim();
}

TEST(ObjectCache, BadCachesAreRefused) {
  struct Huge {
    uint8_t bytes[SlabCache::kMaxObjectSize + 1];
  };
  ObjectCache<Huge> huge("test.huge");
  EXPECT_EQ(huge.init().error(), Error::kInvalidArgument) << "too large for a slab";
  ObjectCache<Widget> twice("test.twice");
  ASSERT_OK(twice.init());
  EXPECT_EQ(twice.init().error(), Error::kInvalidArgument) << "adopted already";
  // The heap adopts a bounded number of caches (these live as long as it).
  Status last = ok_status();
  for (size_t i = 0; i <= KernelHeap::kMaxAdopted && last.ok(); ++i) {
    auto* cache = new ObjectCache<Widget>("test.many");
    last = cache->init();
    if (!last.ok()) delete cache;  // refused: not adopted, nothing refers to it
  }
  EXPECT_EQ(last.error(), Error::kNoSpace);
}

}  // namespace
}  // namespace viper::mm
