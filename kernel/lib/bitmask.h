// Bit operators for flag enums (`enum class X : uint32_t`), opted into by
// specialising kIsBitmask: sets of rights or signals combine with | & ~,
// and nothing converts to or from a bare integer except through raw() and
// from_raw(), which mark the ABI boundary.
#pragma once

#include <stdint.h>

namespace viper {

template <class T>
inline constexpr bool kIsBitmask = false;

template <class T>
concept Bitmask = kIsBitmask<T>;

template <Bitmask T>
constexpr auto raw(T value) {
  return static_cast<__underlying_type(T)>(value);
}
template <Bitmask T>
constexpr T from_raw(__underlying_type(T) bits) {
  return static_cast<T>(bits);
}

template <Bitmask T>
constexpr T operator|(T a, T b) {
  return from_raw<T>(raw(a) | raw(b));
}
template <Bitmask T>
constexpr T operator&(T a, T b) {
  return from_raw<T>(raw(a) & raw(b));
}
template <Bitmask T>
constexpr T operator~(T a) {
  return from_raw<T>(~raw(a));
}
template <Bitmask T>
constexpr T& operator|=(T& a, T b) {
  return a = a | b;
}
template <Bitmask T>
constexpr T& operator&=(T& a, T b) {
  return a = a & b;
}

// Whether any bit is set.
template <Bitmask T>
constexpr bool any(T value) {
  return raw(value) != 0;
}
// Whether `set` has every bit of `required`.
template <Bitmask T>
constexpr bool contains(T set, T required) {
  return (set & required) == required;
}

}  // namespace viper
