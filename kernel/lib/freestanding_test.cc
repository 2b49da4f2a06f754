// The kernel's memcpy/memmove/memset/memcmp (freestanding.cc, renamed for
// the host) against byte-by-byte references: every size 0..256 at every
// source and destination alignment 0..15, so each path (small, aligning
// head, 64-byte blocks, words, odd tail) and each misalignment is covered,
// and nothing outside the destination changes.
#include <gtest/gtest.h>
#include <stddef.h>
#include <stdint.h>

extern "C" {
void* freestanding_memcpy(void* dst, const void* src, size_t n);
void* freestanding_memmove(void* dst, const void* src, size_t n);
void* freestanding_memset(void* dst, int value, size_t n);
int freestanding_memcmp(const void* a, const void* b, size_t n);
}

namespace {

constexpr size_t kMaxSize = 256;
constexpr size_t kAlignments = 16;
constexpr size_t kGuard = 32;
constexpr size_t kBuffer = kGuard + kAlignments + kMaxSize + kGuard;

// A pattern with no period a word copy could hide behind.
uint8_t pattern(size_t i, uint8_t seed) { return static_cast<uint8_t>(i * 131 + seed * 7 + 1); }

struct Buffer {
  alignas(64) uint8_t bytes[kBuffer];
  void fill(uint8_t seed) {
    for (size_t i = 0; i < kBuffer; ++i) bytes[i] = pattern(i, seed);
  }
};

TEST(Freestanding, MemcpyCopiesEverySizeAtEveryAlignmentAndNothingElse) {
  Buffer src, dst;
  src.fill(1);
  for (size_t size = 0; size <= kMaxSize; ++size) {
    for (size_t s_off = 0; s_off < kAlignments; ++s_off) {
      for (size_t d_off = 0; d_off < kAlignments; ++d_off) {
        dst.fill(2);
        uint8_t* d = dst.bytes + kGuard + d_off;
        const uint8_t* s = src.bytes + kGuard + s_off;
        ASSERT_EQ(freestanding_memcpy(d, s, size), d);
        for (size_t i = 0; i < kBuffer; ++i) {
          const size_t at = i - kGuard - d_off;
          const bool inside = i >= kGuard + d_off && at < size;
          ASSERT_EQ(dst.bytes[i], inside ? s[at] : pattern(i, 2))
              << "size " << size << " src+" << s_off << " dst+" << d_off << " byte " << i;
        }
      }
    }
  }
}

TEST(Freestanding, MemsetFillsEverySizeAtEveryAlignmentAndNothingElse) {
  Buffer dst;
  for (size_t size = 0; size <= kMaxSize; ++size) {
    for (size_t d_off = 0; d_off < kAlignments; ++d_off) {
      for (int value : {0, 0xa5, 0x1ff /* only the low byte counts */}) {
        dst.fill(3);
        uint8_t* d = dst.bytes + kGuard + d_off;
        ASSERT_EQ(freestanding_memset(d, value, size), d);
        for (size_t i = 0; i < kBuffer; ++i) {
          const bool inside = i >= kGuard + d_off && i - kGuard - d_off < size;
          ASSERT_EQ(dst.bytes[i], inside ? static_cast<uint8_t>(value) : pattern(i, 3))
              << "size " << size << " dst+" << d_off << " value " << value << " byte " << i;
        }
      }
    }
  }
}

// Overlap in both directions, by every distance: the result is what a copy
// through a separate buffer gives.
TEST(Freestanding, MemmoveHandlesEveryOverlapInBothDirections) {
  Buffer buf, expected;
  for (size_t size = 0; size <= kMaxSize; size += (size < 80 ? 1 : 7)) {
    for (size_t from = 0; from < 2 * kAlignments; ++from) {
      for (size_t to = 0; to < 2 * kAlignments; ++to) {
        buf.fill(4);
        expected.fill(4);
        for (size_t i = 0; i < size; ++i) expected.bytes[to + i] = buf.bytes[from + i];
        ASSERT_EQ(freestanding_memmove(buf.bytes + to, buf.bytes + from, size), buf.bytes + to);
        for (size_t i = 0; i < kBuffer; ++i)
          ASSERT_EQ(buf.bytes[i], expected.bytes[i])
              << "size " << size << " from " << from << " to " << to << " byte " << i;
      }
    }
  }
}

TEST(Freestanding, MemcmpOrdersByTheFirstDifferingByteAtEverySizeAndAlignment) {
  Buffer a, b;
  a.fill(5);
  for (size_t size = 0; size <= kMaxSize; ++size) {
    for (size_t off = 0; off < kAlignments; ++off) {
      const uint8_t* x = a.bytes + kGuard;
      b.fill(0);
      uint8_t* y = b.bytes + kGuard + off;
      for (size_t i = 0; i < size; ++i) y[i] = x[i];
      ASSERT_EQ(freestanding_memcmp(x, y, size), 0) << "size " << size;
      for (size_t at = 0; at < size; at += (size > 32 ? 5 : 1)) {
        y[at] = static_cast<uint8_t>(x[at] + 1);
        if (at + 1 < size) y[at + 1] = static_cast<uint8_t>(x[at + 1] - 1);  // later bytes lose
        ASSERT_LT(freestanding_memcmp(x, y, size), 0) << "size " << size << " at " << at;
        ASSERT_GT(freestanding_memcmp(y, x, size), 0) << "size " << size << " at " << at;
        for (size_t i = at; i < size && i <= at + 1; ++i) y[i] = x[i];
      }
    }
  }
}

TEST(Freestanding, ZeroSizeTouchesNothing) {
  // A null pointer with size 0 is what callers pass for empty buffers.
  EXPECT_EQ(freestanding_memcpy(nullptr, nullptr, 0), nullptr);
  EXPECT_EQ(freestanding_memset(nullptr, 1, 0), nullptr);
  EXPECT_EQ(freestanding_memmove(nullptr, nullptr, 0), nullptr);
  EXPECT_EQ(freestanding_memcmp(nullptr, nullptr, 0), 0);
}

}  // namespace
