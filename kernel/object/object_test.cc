#include <set>
#include <type_traits>

#include "gtest/gtest.h"
#include "kernel/cap/handle_table.h"
#include "kernel/object/kernel_object.h"
#include "kernel/object/testing_object.h"

namespace viper::object {
namespace {

using testing::g_live_test_objects;
using testing::TestObject;

// RC-019: every way of holding an object counts exactly once.
TEST(Ref, RC019_CreateCopyMoveAdoptAndReleaseCountExactly) {
  const int64_t live = g_live_test_objects;
  {
    Ref<TestObject> a = TestObject::create();
    EXPECT_EQ(a->references(), 1u) << "a new object has exactly its creator's reference";
    Ref<TestObject> b = a;
    EXPECT_EQ(a->references(), 2u);
    Ref<TestObject> c = move(b);
    EXPECT_FALSE(b);
    EXPECT_EQ(a->references(), 2u) << "a move transfers, never adds";
    TestObject* raw = c.leak();
    Ref<TestObject> d = Ref<TestObject>::adopt(raw);
    EXPECT_EQ(a->references(), 2u) << "adopt takes over, never adds (the seed's adopt() added)";
    Ref<KernelObject> base = move(d);
    EXPECT_EQ(a->references(), 2u);
    Ref<TestObject> typed = ref_cast<TestObject>(base);
    EXPECT_EQ(a->references(), 3u);
    EXPECT_FALSE(ref_cast<testing::OtherObject>(base)) << "wrong type: no reference";
    EXPECT_EQ(a->references(), 3u);
  }
  EXPECT_EQ(g_live_test_objects, live) << "all references gone: destroyed";
}

TEST(Ref, RC019_AMillionObjectsLeaveNoneAlive) {
  const int64_t live = g_live_test_objects;
  for (int i = 0; i < 1000000; ++i) {
    Ref<TestObject> object = TestObject::create();
    Ref<TestObject> copy = object;
  }
  EXPECT_EQ(g_live_test_objects, live);
}

// REL-004: object IDs never repeat, and the allocator refuses to wrap.
TEST(ObjectIdAllocator, REL004_IdsNeverRepeatAndNeverWrap) {
  ObjectIdAllocator ids;
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(ids.next().value().value).second);
  ids.set_next_for_test((uint64_t{1} << 32) - 2);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(seen.insert(ids.next().value().value).second);
  ids.set_next_for_test(~uint64_t{0});
  EXPECT_EQ(ids.next().value().value, ~uint64_t{0});
  EXPECT_EQ(ids.next().error(), Error::kOverflow);
  EXPECT_EQ(ids.next().error(), Error::kOverflow) << "stays exhausted, never restarts at 1";
}

// RC-020: handle values and object IDs are different types; neither
// converts into the other.
static_assert(!std::is_convertible_v<cap::HandleValue, ObjectId>);
static_assert(!std::is_convertible_v<ObjectId, cap::HandleValue>);
static_assert(!std::is_constructible_v<ObjectId, cap::HandleValue>);
static_assert(!std::is_constructible_v<cap::HandleValue, ObjectId>);

}  // namespace
}  // namespace viper::object
