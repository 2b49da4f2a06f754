// Span<T>: a non-owning view of `size` contiguous T — the one way an
// interface takes a buffer, instead of a pointer and a count that can
// disagree. Span<const T> is a read-only view; a Span<T> converts to it.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace viper {

template <class T>
class Span {
 public:
  constexpr Span() = default;
  constexpr Span(T* data, size_t size) : data_(data), size_(size) {}
  template <size_t N>
  constexpr Span(T (&array)[N]) : data_(array), size_(N) {}  // NOLINT: implicit by design
  // Span<T> -> Span<const T>.
  template <class U>
    requires(__is_same(const U, T) && !__is_same(U, T))
  constexpr Span(Span<U> other) : data_(other.data()), size_(other.size()) {}  // NOLINT

  constexpr T* data() const { return data_; }
  constexpr size_t size() const { return size_; }
  constexpr size_t size_bytes() const { return size_ * sizeof(T); }
  constexpr bool empty() const { return size_ == 0; }
  constexpr T& operator[](size_t index) const { return data_[index]; }
  constexpr T* begin() const { return data_; }
  constexpr T* end() const { return data_ + size_; }
  // The first `count` elements (at most size()).
  constexpr Span first(size_t count) const { return Span(data_, count < size_ ? count : size_); }

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
};

// Buffers of bytes: what IPC messages carry.
using Bytes = Span<uint8_t>;
using ConstBytes = Span<const uint8_t>;

// The bytes of one object, to send or receive it as a message.
template <class T>
ConstBytes bytes_of(const T& object) {
  return ConstBytes(reinterpret_cast<const uint8_t*>(&object), sizeof(T));
}
template <class T>
Bytes writable_bytes_of(T& object) {
  return Bytes(reinterpret_cast<uint8_t*>(&object), sizeof(T));
}

// The bytes of a string literal, without its terminating NUL.
template <size_t N>
ConstBytes literal_bytes(const char (&literal)[N]) {
  return ConstBytes(reinterpret_cast<const uint8_t*>(literal), N - 1);
}

}  // namespace viper
