// The few C library functions a freestanding C++ kernel still needs: the
// compiler emits calls to memcpy/memset/memmove/memcmp for struct copies and
// zeroing even with -ffreestanding.
#include <stddef.h>
#include <stdint.h>

extern "C" {

void* memcpy(void* __restrict dst, const void* __restrict src, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  const auto* s = static_cast<const uint8_t*>(src);
  while (n--) *d++ = *s++;
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  const auto* s = static_cast<const uint8_t*>(src);
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    while (n--) d[n] = s[n];
  }
  return dst;
}

void* memset(void* dst, int value, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  while (n--) *d++ = static_cast<uint8_t>(value);
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  const auto* x = static_cast<const uint8_t*>(a);
  const auto* y = static_cast<const uint8_t*>(b);
  for (; n; --n, ++x, ++y) {
    if (*x != *y) return *x < *y ? -1 : 1;
  }
  return 0;
}

}  // extern "C"

// What an abstract class's vtable points at for its pure virtual functions
// (RefCounted::destroy in ipc::Waitable's, say). Only a call during
// construction or destruction could reach it; the trap is reported by the
// exception vectors with a backtrace.
extern "C" [[noreturn]] void __cxa_pure_virtual() { __builtin_trap(); }
