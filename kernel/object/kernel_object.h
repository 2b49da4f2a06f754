// The base of every kernel object: a type tag and an ID on top of the
// library's reference count (kernel/lib/ref_counted.h, exact counting for
// RC-019). Turning a base reference into a typed one checks the tag
// (ref_cast; no unchecked casts).
#pragma once

#include <stdint.h>

#include "kernel/lib/ref_counted.h"
#include "kernel/object/object_id.h"

namespace viper::ipc {
class Waitable;
}

namespace viper::object {

enum class ObjectType : uint8_t {
  kChannelEndpoint,
  kTimer,
  kEvent,
  kPollSet,
  kProcess,
  kConsole,
  kVmo,
  kBlock,
  kNic,
  kTest,       // host tests
  kTestOther,  // host tests: a second type
};

class KernelObject : public RefCounted {
 public:
  ObjectType type() const { return type_; }
  ObjectId id() const { return id_; }
  // What a wait or a pollset watches: the object's own signal word
  // (RC-020), or nullptr for objects that have none.
  virtual ipc::Waitable* waitable() const { return nullptr; }

 protected:
  KernelObject(ObjectType type, ObjectId id) : type_(type), id_(id) {}
  ~KernelObject() = default;

 private:
  const ObjectType type_;
  const ObjectId id_;
};

// References to kernel objects are the library's Ref<T>.
template <class T>
using Ref = viper::Ref<T>;

// A typed reference to the same object if its tag is `U::kType`, else an
// empty one: the only way from a base reference to a typed one.
template <class U>
Ref<U> ref_cast(const Ref<KernelObject>& base) {
  if (!base || base->type() != U::kType) return Ref<U>();
  base->add_ref();
  return Ref<U>::adopt(static_cast<U*>(base.get()));
}

}  // namespace viper::object
