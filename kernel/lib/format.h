// A freestanding printf-style formatter for printk and panic.
//
// Conversions: %s %c %d %i %u %x %X %p %%, with length modifiers l, ll, z
// (%zu, %zd, %lx, %llu, ...), a field width, '0' padding and '-' for left
// alignment. %p prints 0x followed by 16 hex digits. A null %s prints
// "(null)"; an unknown conversion is printed literally. Output is always
// NUL-terminated and truncated to the buffer; the return value is the
// length the full output would have had (like vsnprintf).
#pragma once

#include <stdarg.h>
#include <stddef.h>

namespace viper {

size_t vformat(char* buffer, size_t capacity, const char* format, va_list args);
size_t format(char* buffer, size_t capacity, const char* format, ...)
    __attribute__((format(printf, 3, 4)));

}  // namespace viper
