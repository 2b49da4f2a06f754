#include "kernel/cap/handle_table.h"

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "kernel/object/testing_object.h"
#include "testing/host/expect_ok.h"

namespace viper::cap {
namespace {

using object::Ref;
using object::testing::g_live_test_objects;
using object::testing::OtherObject;
using object::testing::TestObject;

// fork: the child's table has every handle at the same value, with the
// same rights, and hands out the same values afterwards.
TEST(HandleTable, ACopyHasTheSameHandlesAtTheSameValues) {
  const int64_t live = g_live_test_objects;
  {
    HandleTable parent;
    Ref<TestObject> object = TestObject::create();
    TestObject* raw = object.get();
    const HandleValue kept = parent.add(move(object), Rights::kRead | Rights::kWait).value();
    const HandleValue closed = parent.add(TestObject::create(), Rights::kAll).value();
    ASSERT_OK(parent.close(closed));
    HandleTable child;
    ASSERT_OK(child.copy_from(parent));
    EXPECT_EQ(child.count(), 1u);
    EXPECT_EQ(raw->references(), 2u) << "one reference per table";
    EXPECT_EQ(child.rights(kept).value(), Rights::kRead | Rights::kWait);
    EXPECT_EQ(child.get(kept, Rights::kRead).value().get(), raw);
    EXPECT_EQ(child.get(closed, Rights::kNone).error(), Error::kBadHandle)
        << "a handle closed before the copy stays closed";
    const HandleValue next_parent = parent.add(TestObject::create(), Rights::kAll).value();
    const HandleValue next_child = child.add(TestObject::create(), Rights::kAll).value();
    EXPECT_EQ(next_parent, next_child) << "free slots and generations were copied";
    ASSERT_OK(child.close(kept));
    EXPECT_EQ(parent.get(kept, Rights::kRead).value().get(), raw) << "the tables are independent";
    EXPECT_EQ(child.copy_from(parent).error(), Error::kBadState) << "only into an empty table";
    EXPECT_EQ(child.copy_from(child).error(), Error::kInvalidArgument);
  }
  EXPECT_EQ(g_live_test_objects, live);
}

TEST(HandleTable, AddGetDuplicateClose) {
  const int64_t live = g_live_test_objects;
  {
    HandleTable table;
    Ref<TestObject> object = TestObject::create();
    TestObject* raw = object.get();
    Result<HandleValue> h = table.add(move(object), Rights::kAll);
    ASSERT_OK(h);
    EXPECT_EQ(raw->references(), 1u) << "the table holds the only reference";
    {
      Result<Ref<TestObject>> got = table.get_as<TestObject>(h.value(), Rights::kRead);
      ASSERT_OK(got);
      EXPECT_EQ(got.value().get(), raw);
      EXPECT_EQ(raw->references(), 2u);
    }
    EXPECT_EQ(table.get_as<OtherObject>(h.value(), Rights::kNone).error(), Error::kBadHandle)
        << "typed lookup of the wrong type";
    Result<HandleValue> dup = table.duplicate(h.value(), Rights::kRead | Rights::kWait);
    ASSERT_OK(dup);
    EXPECT_EQ(table.rights(dup.value()).value(), Rights::kRead | Rights::kWait);
    EXPECT_EQ(table.get(dup.value(), Rights::kWrite).error(), Error::kAccessDenied);
    EXPECT_EQ(table.duplicate(dup.value(), Rights::kRead).error(), Error::kAccessDenied)
        << "no duplicate right";
    EXPECT_OK(table.close(h.value()));
    EXPECT_EQ(table.close(h.value()).error(), Error::kBadHandle) << "second close";
    EXPECT_EQ(raw->references(), 1u);
    EXPECT_EQ(table.count(), 1u);
  }
  EXPECT_EQ(g_live_test_objects, live) << "the table released what it held";
}

TEST(HandleTable, RightsOnlyShrink) {
  HandleTable table;
  Result<HandleValue> h = table.add(TestObject::create(), Rights::kRead | Rights::kDuplicate);
  ASSERT_OK(h);
  EXPECT_EQ(table.duplicate(h.value(), Rights::kRead | Rights::kWrite).error(),
            Error::kInvalidArgument);
  EXPECT_EQ(table.add(TestObject::create(), from_raw<Rights>(1u << 20)).error(),
            Error::kInvalidArgument);
  EXPECT_EQ(table.add(Ref<object::KernelObject>(), Rights::kRead).error(), Error::kInvalidArgument);
}

// A stale handle (closed, its slot reused) never reaches the new object.
TEST(HandleTable, StaleHandlesNeverReachAReusedSlot) {
  HandleTable table;
  Result<HandleValue> old = table.add(TestObject::create(), Rights::kAll);
  ASSERT_OK(old);
  ASSERT_OK(table.close(old.value()));
  for (int i = 0; i < 5000; ++i) {
    Result<HandleValue> fresh = table.add(TestObject::create(), Rights::kAll);
    ASSERT_OK(fresh);
    EXPECT_EQ(table.get(old.value(), Rights::kNone).error(), Error::kBadHandle);
    ASSERT_OK(table.close(fresh.value()));
  }
  EXPECT_EQ(table.get(HandleValue{0}, Rights::kNone).error(), Error::kBadHandle);
  EXPECT_EQ(table.get(HandleValue{~uint64_t{0}}, Rights::kNone).error(), Error::kBadHandle);
}

TEST(HandleTable, TakeMovesTheReference) {
  HandleTable table, other;
  Ref<TestObject> object = TestObject::create();
  TestObject* raw = object.get();
  Result<HandleValue> h = table.add(move(object), Rights::kAll);
  ASSERT_OK(h);
  Result<Ref<object::KernelObject>> taken = table.take(h.value(), Rights::kTransfer);
  ASSERT_OK(taken);
  EXPECT_EQ(raw->references(), 1u) << "moved, not copied";
  EXPECT_EQ(table.get(h.value(), Rights::kNone).error(), Error::kBadHandle);
  ASSERT_OK(other.add(move(taken.value()), Rights::kRead));
  EXPECT_EQ(raw->references(), 1u);
}

// exec's clean slate: every handle goes but the one kept, across more than
// one batch of the table's internal loop, and each object is released.
TEST(HandleTable, CloseAllExceptKeepsExactlyOne) {
  const int64_t live = g_live_test_objects;
  HandleTable table;
  HandleValue keep{};
  for (int i = 0; i < 100; ++i) {
    Result<HandleValue> h = table.add(TestObject::create(), Rights::kRead);
    ASSERT_OK(h);
    if (i == 57) keep = h.value();
  }
  EXPECT_EQ(table.close_all_except(keep), 99u);
  EXPECT_EQ(table.count(), 1u);
  EXPECT_OK(table.get(keep, Rights::kRead));
  EXPECT_EQ(g_live_test_objects, live + 1);
  EXPECT_EQ(table.close_all_except(HandleValue{0}), 1u) << "an invalid keep: all of them";
  EXPECT_EQ(g_live_test_objects, live);
}

TEST(HandleTable, FullTableIsAnError) {
  HandleTable table;
  for (uint32_t i = 0; i < HandleTable::kCapacity; ++i) {
    ASSERT_OK(table.add(TestObject::create(), Rights::kRead));
  }
  EXPECT_EQ(table.add(TestObject::create(), Rights::kRead).error(), Error::kNoSpace);
}

// RC-012 / RC-019 under concurrency: CPUs add, look up, duplicate and close
// at random; a looked-up object stays valid while used even if its handle
// is closed meanwhile; at the end nothing is alive (TSan, ASan).
TEST(HandleTable, RC012_RC019_ConcurrentUseLeaksNothing) {
  const int64_t live = g_live_test_objects;
  {
    HandleTable table;
    constexpr int kSlots = 32;
    std::vector<std::atomic<uint64_t>> handles(kSlots);
    for (auto& h : handles) h = 0;
    std::vector<std::thread> cpus;
    for (int c = 0; c < 4; ++c) {
      cpus.emplace_back([&, c] {
        std::mt19937 rng(c);
        for (int i = 0; i < 20000; ++i) {
          std::atomic<uint64_t>& slot = handles[rng() % kSlots];
          switch (rng() % 4) {
            case 0: {
              Result<HandleValue> h = table.add(TestObject::create(), Rights::kAll);
              if (h.ok()) {
                const uint64_t previous = slot.exchange(h.value().value);
                if (previous) (void)table.close(HandleValue{previous});
              }
              break;
            }
            case 1: {
              Result<Ref<TestObject>> o =
                  table.get_as<TestObject>(HandleValue{slot.load()}, Rights::kNone);
              if (o.ok()) EXPECT_GE(o.value()->references(), 1u);
              break;
            }
            case 2: {
              Result<HandleValue> d = table.duplicate(HandleValue{slot.load()}, Rights::kRead);
              if (d.ok()) (void)table.close(d.value());
              break;
            }
            default: {
              const uint64_t h = slot.exchange(0);
              if (h) EXPECT_OK(table.close(HandleValue{h}));
            }
          }
        }
      });
    }
    for (auto& cpu : cpus) cpu.join();
  }
  EXPECT_EQ(g_live_test_objects, live);
}

}  // namespace
}  // namespace viper::cap
