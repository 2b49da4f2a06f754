// Reference-counted objects and Ref<T>, the smart pointer that counts them
// exactly (RC-019): copying adds one, moving and adopt() transfer, leak()
// gives the reference up without dropping it. Kernel objects (layer 7) and
// the things lower layers hand around (IPC endpoints and message payloads,
// layer 6) share this one mechanism.
#pragma once

#include <stdint.h>

#include "kernel/lib/atomic.h"

namespace viper {

class RefCounted {
 public:
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;

  uint32_t references() const { return refs_.load(MemoryOrder::kAcquire); }
  void add_ref() { refs_.fetch_add(1, MemoryOrder::kRelaxed); }
  // Adds one unless the count already reached zero (the object is being
  // destroyed): for lookups through a registry that does not own a
  // reference, where the object may be on its way out.
  bool try_add_ref() {
    uint32_t refs = refs_.load(MemoryOrder::kRelaxed);
    do {
      if (refs == 0) return false;
    } while (!refs_.compare_exchange(refs, refs + 1, MemoryOrder::kAcquire, MemoryOrder::kRelaxed));
    return true;
  }
  // Drops one reference; the last one destroys the object.
  void release() {
    if (refs_.fetch_sub(1, MemoryOrder::kAcqRel) == 1) destroy();
  }

 protected:
  // A new object starts with one reference, owned by whoever created it.
  RefCounted() = default;
  // Not virtual: objects end only through destroy(), which each type
  // implements with its own allocator.
  ~RefCounted() = default;
  virtual void destroy() = 0;

 private:
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
  T& operator*() const { return *object_; }
  explicit operator bool() const { return object_ != nullptr; }

 private:
  explicit Ref(T* object) : object_(object) {}
  T* object_ = nullptr;
};

}  // namespace viper
