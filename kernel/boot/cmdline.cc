#include "kernel/boot/cmdline.h"

namespace viper::boot {

bool CommandLine::get(const char* key, char* out, size_t capacity) const {
  const char* p = text_;
  while (*p) {
    while (*p == ' ') ++p;
    const char* word = p;
    while (*p && *p != ' ') ++p;
    const char* k = key;
    const char* w = word;
    while (*k && w < p && *w == *k) {
      ++w;
      ++k;
    }
    if (*k != 0 || (w < p && *w != '=')) continue;  // another key
    if (w < p) ++w;                                 // skip '='
    size_t n = 0;
    for (; w < p && n + 1 < capacity; ++w) out[n++] = *w;
    if (capacity) out[n] = 0;
    return true;
  }
  return false;
}

uint64_t CommandLine::get_number(const char* key, uint64_t fallback, uint64_t minimum,
                                 uint64_t maximum) const {
  char value[24];
  if (!get(key, value, sizeof(value)) || value[0] == 0) return fallback;
  uint64_t number = 0;
  for (const char* c = value; *c; ++c) {
    if (*c < '0' || *c > '9') return fallback;
    if (number > (~uint64_t{0} - 9) / 10) return fallback;
    number = number * 10 + static_cast<uint64_t>(*c - '0');
  }
  return number < minimum || number > maximum ? fallback : number;
}

}  // namespace viper::boot
