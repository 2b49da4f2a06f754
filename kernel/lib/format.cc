#include "kernel/lib/format.h"

#include <stdint.h>

namespace viper {
namespace {

// Appends to a bounded buffer, counting what would have been written.
class Sink {
 public:
  Sink(char* buffer, size_t capacity) : buffer_(buffer), capacity_(capacity) {}
  void put(char c) {
    if (length_ + 1 < capacity_) buffer_[length_] = c;
    ++length_;
  }
  void repeat(char c, int count) {
    for (int i = 0; i < count; ++i) put(c);
  }
  size_t finish() {
    if (capacity_ > 0) buffer_[length_ < capacity_ ? length_ : capacity_ - 1] = '\0';
    return length_;
  }

 private:
  char* buffer_;
  size_t capacity_;
  size_t length_ = 0;
};

struct Spec {
  bool left = false;
  bool zero = false;
  int width = 0;
};

void put_padded(Sink& out, const char* text, int length, const Spec& spec, bool negative = false) {
  const int body = length + (negative ? 1 : 0);
  const int pad = spec.width > body ? spec.width - body : 0;
  if (!spec.left && !spec.zero) out.repeat(' ', pad);
  if (negative) out.put('-');
  if (!spec.left && spec.zero) out.repeat('0', pad);
  for (int i = 0; i < length; ++i) out.put(text[i]);
  if (spec.left) out.repeat(' ', pad);
}

void put_unsigned(Sink& out, uint64_t value, unsigned base, bool upper, const Spec& spec,
                  bool negative = false) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char text[24];
  int length = 0;
  do {
    text[sizeof(text) - 1 - length++] = digits[value % base];
    value /= base;
  } while (value != 0);
  put_padded(out, text + sizeof(text) - length, length, spec, negative);
}

enum class Length { kInt, kLong, kLongLong, kSize };

uint64_t take_unsigned(va_list& args, Length length) {
  switch (length) {
    case Length::kInt:
      return va_arg(args, unsigned int);
    case Length::kLong:
      return va_arg(args, unsigned long);
    case Length::kLongLong:
      return va_arg(args, unsigned long long);
    case Length::kSize:
      return va_arg(args, size_t);
  }
  return 0;
}

int64_t take_signed(va_list& args, Length length) {
  switch (length) {
    case Length::kInt:
      return va_arg(args, int);
    case Length::kLong:
      return va_arg(args, long);
    case Length::kLongLong:
      return va_arg(args, long long);
    case Length::kSize:
      return static_cast<int64_t>(va_arg(args, size_t));
  }
  return 0;
}

}  // namespace

size_t vformat(char* buffer, size_t capacity, const char* format, va_list args_in) {
  va_list args;
  va_copy(args, args_in);
  Sink out(buffer, capacity);
  for (const char* p = format; *p; ++p) {
    if (*p != '%') {
      out.put(*p);
      continue;
    }
    const char* start = p++;
    Spec spec;
    for (;; ++p) {
      if (*p == '-') {
        spec.left = true;
      } else if (*p == '0') {
        spec.zero = true;
      } else {
        break;
      }
    }
    while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + (*p++ - '0');
    Length length = Length::kInt;
    if (*p == 'z') {
      length = Length::kSize;
      ++p;
    } else if (*p == 'l') {
      length = Length::kLong;
      if (*++p == 'l') {
        length = Length::kLongLong;
        ++p;
      }
    }
    switch (*p) {
      case 'd':
      case 'i': {
        const int64_t v = take_signed(args, length);
        const uint64_t magnitude = v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : v;
        put_unsigned(out, magnitude, 10, false, spec, v < 0);
        break;
      }
      case 'u':
        put_unsigned(out, take_unsigned(args, length), 10, false, spec);
        break;
      case 'x':
        put_unsigned(out, take_unsigned(args, length), 16, false, spec);
        break;
      case 'X':
        put_unsigned(out, take_unsigned(args, length), 16, true, spec);
        break;
      case 'p': {
        out.put('0');
        out.put('x');
        Spec pointer_spec;
        pointer_spec.zero = true;
        pointer_spec.width = 16;
        put_unsigned(out, reinterpret_cast<uintptr_t>(va_arg(args, void*)), 16, false,
                     pointer_spec);
        break;
      }
      case 'c': {
        const char c = static_cast<char>(va_arg(args, int));
        put_padded(out, &c, 1, spec);
        break;
      }
      case 's': {
        const char* s = va_arg(args, const char*);
        if (!s) s = "(null)";
        int n = 0;
        while (s[n]) ++n;
        Spec text_spec = spec;
        text_spec.zero = false;
        put_padded(out, s, n, text_spec);
        break;
      }
      case '%':
        out.put('%');
        break;
      default:  // unknown or truncated conversion: print it as written
        for (const char* q = start; q <= p && *q; ++q) out.put(*q);
        if (!*p) --p;
        break;
    }
  }
  va_end(args);
  return out.finish();
}

size_t format(char* buffer, size_t capacity, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const size_t n = vformat(buffer, capacity, format, args);
  va_end(args);
  return n;
}

}  // namespace viper
