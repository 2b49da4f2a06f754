// The base of every kernel object: a type tag, an ID, and an atomic
// reference count. Objects are reached through Ref<T>, which counts
// exactly: copying adds one, destroying drops one, and adopt() takes over a
// reference someone already holds without adding (RC-019). Turning a base
// reference into a typed one checks the tag (no unchecked casts).
#pragma once

#include <stdint.h>

#include "kernel/lib/atomic.h"
#include "kernel/lib/utility.h"
#include "kernel/object/object_id.h"

namespace viper::object {

enum class ObjectType : uint8_t {
  kChannelEndpoint,
  kTimer,
  kPollSet,
  kTest,  // host tests
};

class KernelObject {
 public:
  KernelObject(const KernelObject&) = delete;
  KernelObject& operator=(const KernelObject&) = delete;

  ObjectType type() const { return type_; }
  ObjectId id() const { return id_; }
  uint32_t references() const { return refs_.load(MemoryOrder::kAcquire); }

  void add_ref() { refs_.fetch_add(1, MemoryOrder::kRelaxed); }
  // Drops one reference; the last one destroys the object.
  void release() {
    if (refs_.fetch_sub(1, MemoryOrder::kAcqRel) == 1) destroy();
  }

 protected:
  // A new object starts with one reference, owned by whoever created it.
  KernelObject(ObjectType type, ObjectId id) : type_(type), id_(id) {}
  // Not virtual: objects end only through destroy(), which each type
  // implements with its own allocator (no global operator delete in the
  // kernel).
  ~KernelObject() = default;
  virtual void destroy() = 0;

 private:
  const ObjectType type_;
  const ObjectId id_;
  Atomic<uint32_t> refs_{1};
};

template <class T>
class Ref {
 public:
  constexpr Ref() = default;
  // Takes over a reference the caller owns (a new object's first one).
  static Ref adopt(T* object) { return Ref(object); }
  Ref(const Ref& other) : object_(other.object_) {
    if (object_) object_->add_ref();
  }
  Ref(Ref&& other) : object_(other.object_) { other.object_ = nullptr; }
  template <class U>
  Ref(Ref<U>&& other) : object_(other.leak()) {}  // derived to base
  Ref& operator=(Ref other) {
    T* old = object_;
    object_ = other.object_;
    other.object_ = old;
    return *this;
  }
  ~Ref() { reset(); }

  void reset() {
    if (object_) object_->release();
    object_ = nullptr;
  }
  // Gives up ownership without dropping the reference.
  T* leak() {
    T* o = object_;
    object_ = nullptr;
    return o;
  }
  T* get() const { return object_; }
  T* operator->() const { return object_; }
  explicit operator bool() const { return object_ != nullptr; }

  // A typed reference to the same object if its tag is `U::kType`, else
  // an empty one.
  template <class U>
  Ref<U> as() const {
    if (!object_ || object_->type() != U::kType) return Ref<U>();
    object_->add_ref();
    return Ref<U>::adopt(static_cast<U*>(object_));
  }

 private:
  explicit Ref(T* object) : object_(object) {}
  T* object_ = nullptr;
};

}  // namespace viper::object
