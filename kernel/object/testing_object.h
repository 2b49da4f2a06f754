// A kernel object for host tests: counts how many are alive.
#pragma once

#include <atomic>

#include "kernel/object/kernel_object.h"

namespace viper::object::testing {

inline std::atomic<int64_t> g_live_test_objects{0};
inline ObjectIdAllocator g_test_ids;

class TestObject final : public KernelObject {
 public:
  static constexpr ObjectType kType = ObjectType::kTest;
  static Ref<TestObject> create() {
    return Ref<TestObject>::adopt(new TestObject(g_test_ids.next().value()));
  }

 private:
  explicit TestObject(ObjectId id) : KernelObject(kType, id) { ++g_live_test_objects; }
  ~TestObject() { --g_live_test_objects; }
  void destroy() override { delete this; }
};

// Another type, to check typed lookups refuse the wrong one.
class OtherObject final : public KernelObject {
 public:
  static constexpr ObjectType kType = ObjectType::kTestOther;
  static Ref<OtherObject> create() {
    return Ref<OtherObject>::adopt(new OtherObject(g_test_ids.next().value()));
  }

 private:
  explicit OtherObject(ObjectId id) : KernelObject(kType, id) {}
  void destroy() override { delete this; }
};

}  // namespace viper::object::testing
