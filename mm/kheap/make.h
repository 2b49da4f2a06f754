// Ownership of kernel-heap objects in types:
//
// * make<T>(args...) builds a T on the kernel heap and returns it owned:
//   an Own<T> destroys and frees it when it goes out of scope, unless
//   leak() hands it on (to a Ref, a list, a table).
// * make_ref<T>(args...) is the same for reference-counted objects: the new
//   object's first reference, as a Ref<T>.
// * kdelete(object) is the other half: destroys and frees one object, for
//   RefCounted::destroy() implementations and lists that own their nodes.
//
// Types with private constructors befriend mm::HeapAccess.
#pragma once

#include "kernel/lib/ref_counted.h"
#include "kernel/lib/result.h"
#include "kernel/lib/utility.h"
#include "mm/kheap/global.h"

namespace viper::mm {

struct HeapAccess {
  template <class T, class... Args>
  static T* construct(void* memory, Args&&... args) {
    return new (memory) T(forward<Args>(args)...);
  }
  template <class T>
  static void destruct(T* object) {
    object->~T();
  }
};

template <class T>
void kdelete(T* object) {
  HeapAccess::destruct(object);
  kernel_heap().kfree(object);
}

template <class T>
class [[nodiscard]] Own {
 public:
  constexpr Own() = default;
  explicit Own(T* object) : object_(object) {}
  Own(const Own&) = delete;
  Own& operator=(const Own&) = delete;
  Own(Own&& other) : object_(other.leak()) {}
  Own& operator=(Own&& other) {
    if (this != &other) {
      reset();
      object_ = other.leak();
    }
    return *this;
  }
  ~Own() { reset(); }

  void reset() {
    if (T* object = leak()) kdelete(object);
  }
  // Gives up ownership: the caller now owns the object.
  T* leak() {
    T* object = object_;
    object_ = nullptr;
    return object;
  }
  T* get() const { return object_; }
  T* operator->() const { return object_; }
  T& operator*() const { return *object_; }
  explicit operator bool() const { return object_ != nullptr; }

 private:
  T* object_ = nullptr;
};

// kNoMemory.
template <class T, class... Args>
Result<Own<T>> make(Args&&... args) {
  void* memory = TRY(kernel_heap().kmalloc(sizeof(T)));
  return Own<T>(HeapAccess::construct<T>(memory, forward<Args>(args)...));
}

// kNoMemory.
template <class T, class... Args>
Result<Ref<T>> make_ref(Args&&... args) {
  void* memory = TRY(kernel_heap().kmalloc(sizeof(T)));
  return Ref<T>::adopt(HeapAccess::construct<T>(memory, forward<Args>(args)...));
}

}  // namespace viper::mm
