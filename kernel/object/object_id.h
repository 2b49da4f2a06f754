// Kernel object IDs: 64-bit, handed out once and never again, including
// after any number of creations (REL-004: the counter refuses to wrap).
// An ObjectId is not a handle (kernel/cap/handle.h); the two never convert
// into each other (RC-020).
#pragma once

#include <stdint.h>

#include "kernel/lib/atomic.h"
#include "kernel/lib/result.h"

namespace viper::object {

struct ObjectId {
  uint64_t value = 0;
  constexpr bool operator==(const ObjectId&) const = default;
  constexpr bool valid() const { return value != 0; }
};

class ObjectIdAllocator {
 public:
  constexpr ObjectIdAllocator() = default;
  // kOverflow once all 2^64 - 1 IDs were used; never a repeat.
  Result<ObjectId> next();
  void set_next_for_test(uint64_t next) { next_.store(next, MemoryOrder::kRelaxed); }

 private:
  Atomic<uint64_t> next_{1};
};

// The kernel's one allocator for object IDs: every kernel object, of any
// type, takes its ID here, so no two objects ever share one.
Result<ObjectId> allocate_object_id();

}  // namespace viper::object
