#include "kernel/object/object_id.h"

namespace viper::object {

Result<ObjectId> ObjectIdAllocator::next() {
  uint64_t current = next_.load(MemoryOrder::kRelaxed);
  for (;;) {
    if (current == 0) return Error::kOverflow;  // the last ID was handed out
    // current + 1 wraps to 0 only after UINT64_MAX: that marks "exhausted".
    if (next_.compare_exchange(current, current + 1, MemoryOrder::kRelaxed,
                               MemoryOrder::kRelaxed)) {
      return ObjectId{current};
    }
  }
}

Result<ObjectId> allocate_object_id() {
  constinit static ObjectIdAllocator ids;  // REL-004: never repeats, never wraps
  return ids.next();
}

}  // namespace viper::object
