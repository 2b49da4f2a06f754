// The kernel command line (/chosen/bootargs): space-separated `key=value`
// words or bare flags.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace viper::boot {

class CommandLine {
 public:
  explicit CommandLine(const char* text) : text_(text ? text : "") {}

  // Copies the value of `key` into `out` (NUL-terminated, truncated to
  // `capacity`); returns false if the key is absent. A bare flag has "".
  bool get(const char* key, char* out, size_t capacity) const;
  // The value of `key` as a decimal number in [minimum, maximum];
  // otherwise `fallback` (absent, malformed or out of range).
  uint64_t get_number(const char* key, uint64_t fallback, uint64_t minimum, uint64_t maximum) const;

 private:
  const char* text_;
};

}  // namespace viper::boot
