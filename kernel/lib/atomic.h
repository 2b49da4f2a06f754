// Atomic<T>: a thin wrapper over the compiler's __atomic builtins, the same
// on the freestanding target and on the host (where TSan understands them).
// Every operation names its memory order; there is no implicit seq_cst.
#pragma once

#include <stdint.h>

namespace viper {

enum class MemoryOrder : int {
  kRelaxed = __ATOMIC_RELAXED,
  kAcquire = __ATOMIC_ACQUIRE,
  kRelease = __ATOMIC_RELEASE,
  kAcqRel = __ATOMIC_ACQ_REL,
  kSeqCst = __ATOMIC_SEQ_CST,
};

template <class T>
class Atomic {
 public:
  constexpr Atomic() : value_() {}
  constexpr explicit Atomic(T initial) : value_(initial) {}
  Atomic(const Atomic&) = delete;
  Atomic& operator=(const Atomic&) = delete;

  T load(MemoryOrder order) const { return __atomic_load_n(&value_, static_cast<int>(order)); }
  void store(T value, MemoryOrder order) {
    __atomic_store_n(&value_, value, static_cast<int>(order));
  }
  T exchange(T value, MemoryOrder order) {
    return __atomic_exchange_n(&value_, value, static_cast<int>(order));
  }
  // On failure `expected` receives the current value.
  bool compare_exchange(T& expected, T desired, MemoryOrder success, MemoryOrder failure) {
    return __atomic_compare_exchange_n(&value_, &expected, desired, false,
                                       static_cast<int>(success), static_cast<int>(failure));
  }
  T fetch_add(T delta, MemoryOrder order) {
    return __atomic_fetch_add(&value_, delta, static_cast<int>(order));
  }
  T fetch_sub(T delta, MemoryOrder order) {
    return __atomic_fetch_sub(&value_, delta, static_cast<int>(order));
  }
  T fetch_or(T bits, MemoryOrder order) {
    return __atomic_fetch_or(&value_, bits, static_cast<int>(order));
  }
  T fetch_and(T bits, MemoryOrder order) {
    return __atomic_fetch_and(&value_, bits, static_cast<int>(order));
  }
  // The address of the value, for waits the OS or hardware performs on it
  // (a host futex, a WFE monitor).
  T* address() { return &value_; }

 private:
  T value_;
};

inline void atomic_fence(MemoryOrder order) { __atomic_thread_fence(static_cast<int>(order)); }

}  // namespace viper
