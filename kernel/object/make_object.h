// make_object<T>(args...): a new kernel object of type T on the kernel
// heap, T(id, args...), with its ID from the one allocator (REL-004), as
// its first reference. Every object type's create() goes through it, so no
// object is built without a fresh ID. kNoMemory, kOverflow (IDs exhausted).
#pragma once

#include "kernel/lib/utility.h"
#include "kernel/object/kernel_object.h"
#include "mm/kheap/make.h"

namespace viper::object {

template <class T, class... Args>
Result<Ref<T>> make_object(Args&&... args) {
  const ObjectId id = TRY(allocate_object_id());
  return mm::make_ref<T>(id, forward<Args>(args)...);
}

}  // namespace viper::object
