// The few C library functions a freestanding C++ kernel still needs: the
// compiler emits calls to memcpy/memset/memmove/memcmp for struct copies and
// zeroing even with -ffreestanding.
//
// Word-sized: 64 bytes per step (eight 8-byte loads, then eight stores,
// which the compiler pairs into ldp/stp) once the destination is 8-byte
// aligned, then 8-byte words, then the odd tail byte by byte. Under QEMU
// TCG every instruction costs about the same, so a byte loop moved 4 KiB in
// 4096 loads and stores where this needs 1024 (issue 16: page copies and
// zeroing were most of a fault). The source may stay misaligned: C code runs
// only with the MMU on and SCTLR_EL1.A clear, so a misaligned load from
// Normal memory is allowed, and none of these ever touch device memory
// (MMIO goes through volatile accessors). The kernel is built with
// -mgeneral-regs-only: no SIMD registers here.
//
// //kernel/lib:freestanding_test runs this file on the host, renamed,
// against every size and alignment 0..256.
#include <stddef.h>
#include <stdint.h>

namespace {

// A 64-bit word at any address (the compiler emits one ldr/str).
using Word = uint64_t;
typedef Word UnalignedWord __attribute__((aligned(1), may_alias));
typedef Word AlignedWord __attribute__((may_alias));

constexpr size_t kWord = sizeof(Word);
constexpr size_t kBlock = 8 * kWord;
// Below this, aligning first costs more than it saves.
constexpr size_t kSmall = 16;

inline Word load(const uint8_t* p) { return *reinterpret_cast<const UnalignedWord*>(p); }
inline void store(uint8_t* p, Word w) { *reinterpret_cast<AlignedWord*>(p) = w; }

// Ascending copy; also right for overlapping ranges with d < s, because each
// step reads its whole source before writing a destination below it.
void copy_up(uint8_t* d, const uint8_t* s, size_t n) {
  if (n >= kSmall) {
    while (reinterpret_cast<uintptr_t>(d) & (kWord - 1)) {
      *d++ = *s++;
      --n;
    }
    for (; n >= kBlock; n -= kBlock, d += kBlock, s += kBlock) {
      const Word w0 = load(s), w1 = load(s + 8), w2 = load(s + 16), w3 = load(s + 24);
      const Word w4 = load(s + 32), w5 = load(s + 40), w6 = load(s + 48), w7 = load(s + 56);
      store(d, w0), store(d + 8, w1), store(d + 16, w2), store(d + 24, w3);
      store(d + 32, w4), store(d + 40, w5), store(d + 48, w6), store(d + 56, w7);
    }
    for (; n >= kWord; n -= kWord, d += kWord, s += kWord) store(d, load(s));
  }
  while (n--) *d++ = *s++;
}

// Descending copy of [s, s + n) to [d, d + n), for overlaps with d > s.
void copy_down(uint8_t* d, const uint8_t* s, size_t n) {
  d += n;
  s += n;
  if (n >= kSmall) {
    while (reinterpret_cast<uintptr_t>(d) & (kWord - 1)) {
      *--d = *--s;
      --n;
    }
    for (; n >= kBlock; n -= kBlock) {
      d -= kBlock;
      s -= kBlock;
      const Word w0 = load(s), w1 = load(s + 8), w2 = load(s + 16), w3 = load(s + 24);
      const Word w4 = load(s + 32), w5 = load(s + 40), w6 = load(s + 48), w7 = load(s + 56);
      store(d, w0), store(d + 8, w1), store(d + 16, w2), store(d + 24, w3);
      store(d + 32, w4), store(d + 40, w5), store(d + 48, w6), store(d + 56, w7);
    }
    for (; n >= kWord; n -= kWord) {
      d -= kWord;
      s -= kWord;
      store(d, load(s));
    }
  }
  while (n--) *--d = *--s;
}

}  // namespace

extern "C" {

void* memcpy(void* __restrict dst, const void* __restrict src, size_t n) {
  copy_up(static_cast<uint8_t*>(dst), static_cast<const uint8_t*>(src), n);
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  const auto* s = static_cast<const uint8_t*>(src);
  if (d < s) {
    copy_up(d, s, n);
  } else if (d > s) {
    copy_down(d, s, n);
  }
  return dst;
}

void* memset(void* dst, int value, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  const auto byte = static_cast<uint8_t>(value);
  if (n >= kSmall) {
    const Word w = byte * 0x0101010101010101ull;
    while (reinterpret_cast<uintptr_t>(d) & (kWord - 1)) {
      *d++ = byte;
      --n;
    }
    for (; n >= kBlock; n -= kBlock, d += kBlock) {
      store(d, w), store(d + 8, w), store(d + 16, w), store(d + 24, w);
      store(d + 32, w), store(d + 40, w), store(d + 48, w), store(d + 56, w);
    }
    for (; n >= kWord; n -= kWord, d += kWord) store(d, w);
  }
  while (n--) *d++ = byte;
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  const auto* x = static_cast<const uint8_t*>(a);
  const auto* y = static_cast<const uint8_t*>(b);
  // Equal words are skipped a word at a time; the first difference is then
  // found byte by byte, so the sign is the first differing byte's.
  for (; n >= kWord && load(x) == load(y); n -= kWord, x += kWord, y += kWord) {
  }
  for (; n; --n, ++x, ++y) {
    if (*x != *y) return *x < *y ? -1 : 1;
  }
  return 0;
}

}  // extern "C"

#ifndef FREESTANDING_HOST_TEST
// What an abstract class's vtable points at for its pure virtual functions
// (RefCounted::destroy in ipc::Waitable's, say). Only a call during
// construction or destruction could reach it; the trap is reported by the
// exception vectors with a backtrace.
extern "C" [[noreturn]] void __cxa_pure_virtual() { __builtin_trap(); }
#endif
