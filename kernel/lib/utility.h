// The handful of <utility>/<type_traits> pieces kernel code needs; the
// freestanding target has no C++ standard library headers.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace viper {

template <class T>
struct RemoveReference {
  using Type = T;
};
template <class T>
struct RemoveReference<T&> {
  using Type = T;
};
template <class T>
struct RemoveReference<T&&> {
  using Type = T;
};

template <class T>
constexpr typename RemoveReference<T>::Type&& move(T&& value) {
  return static_cast<typename RemoveReference<T>::Type&&>(value);
}

template <class T>
constexpr T&& forward(typename RemoveReference<T>::Type& value) {
  return static_cast<T&&>(value);
}

template <class A, class B>
inline constexpr bool kIsSame = false;
template <class A>
inline constexpr bool kIsSame<A, A> = true;

template <class T>
constexpr const T& min(const T& a, const T& b) {
  return b < a ? b : a;
}
template <class T>
constexpr const T& max(const T& a, const T& b) {
  return a < b ? b : a;
}

template <class T>
constexpr bool is_power_of_two(T value) {
  return value != 0 && (value & (value - 1)) == 0;
}
// `alignment` must be a power of two.
constexpr uint64_t align_up(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}
constexpr uint64_t align_down(uint64_t value, uint64_t alignment) {
  return value & ~(alignment - 1);
}

// Number of elements of a C array.
template <class T, size_t N>
constexpr size_t array_size(const T (&)[N]) {
  return N;
}

}  // namespace viper

// Placement new: from <new> where a C++ library exists (host), declared
// here for the freestanding kernel.
#if __has_include(<new>)
#include <new>
#else
inline void* operator new(size_t, void* place) noexcept { return place; }
inline void* operator new[](size_t, void* place) noexcept { return place; }
#endif
