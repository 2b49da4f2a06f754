// Fixed-capacity bitmap with find-first-set/clear in O(words), used for
// priority levels, CPU masks and slot tables.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace viper {

template <size_t Bits>
class Bitmap {
 public:
  static constexpr size_t kNotFound = static_cast<size_t>(-1);
  static constexpr size_t kWords = (Bits + 63) / 64;

  constexpr Bitmap() = default;
  static constexpr size_t capacity() { return Bits; }

  bool test(size_t bit) const { return (words_[bit / 64] >> (bit % 64)) & 1; }
  void set(size_t bit) { words_[bit / 64] |= mask(bit); }
  void clear(size_t bit) { words_[bit / 64] &= ~mask(bit); }
  void clear_all() {
    for (uint64_t& w : words_) w = 0;
  }
  bool none() const {
    for (uint64_t w : words_) {
      if (w) return false;
    }
    return true;
  }
  size_t count() const {
    size_t total = 0;
    for (uint64_t w : words_) total += static_cast<size_t>(__builtin_popcountll(w));
    return total;
  }

  // Lowest set bit at or after `from`, or kNotFound.
  size_t find_first_set(size_t from = 0) const {
    for (size_t i = from / 64; i < kWords && from < Bits; ++i) {
      uint64_t w = words_[i];
      if (i == from / 64) w &= ~uint64_t{0} << (from % 64);
      if (w) {
        const size_t bit = i * 64 + static_cast<size_t>(__builtin_ctzll(w));
        return bit < Bits ? bit : kNotFound;
      }
    }
    return kNotFound;
  }

  // Highest set bit, or kNotFound.
  size_t find_last_set() const {
    for (size_t i = kWords; i-- > 0;) {
      if (words_[i]) return i * 64 + 63 - static_cast<size_t>(__builtin_clzll(words_[i]));
    }
    return kNotFound;
  }

  // Lowest clear bit at or after `from`, or kNotFound.
  size_t find_first_clear(size_t from = 0) const {
    for (size_t i = from / 64; i < kWords && from < Bits; ++i) {
      uint64_t w = ~words_[i];
      if (i == from / 64) w &= ~uint64_t{0} << (from % 64);
      if (w) {
        const size_t bit = i * 64 + static_cast<size_t>(__builtin_ctzll(w));
        return bit < Bits ? bit : kNotFound;
      }
    }
    return kNotFound;
  }

 private:
  static constexpr uint64_t mask(size_t bit) { return uint64_t{1} << (bit % 64); }
  uint64_t words_[kWords] = {};
};

}  // namespace viper
