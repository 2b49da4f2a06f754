// The kernel log (dmesg): the last bytes printk wrote, in a fixed ring.
// New bytes overwrite the oldest; offsets are counted from the oldest byte
// still kept (VIPER_SYS_LOG_READ), so offset 0 is always readable and a
// reader that falls behind a wrap simply starts again further on.
//
// Not locked itself: printk appends and readers read under the console
// lock (printk.h: log_read).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace viper {

class LogRing {
 public:
  // `storage` is the ring, `capacity` bytes (> 0), owned by the caller.
  constexpr LogRing(char* storage, size_t capacity) : storage_(storage), capacity_(capacity) {}

  void append(const char* text, size_t length) {
    // Only the last `capacity_` bytes of a long write can stay.
    if (length > capacity_) {
      written_ += length - capacity_;
      text += length - capacity_;
      length = capacity_;
    }
    for (size_t i = 0; i < length; ++i) storage_[(written_ + i) % capacity_] = text[i];
    written_ += length;
  }

  // Bytes kept now (at most the capacity).
  uint64_t size() const { return written_ < capacity_ ? written_ : capacity_; }
  // Bytes ever appended.
  uint64_t written() const { return written_; }

  // Copies up to `size` bytes from `offset` (0 = the oldest byte kept) to
  // `out`; how many (0 at or past the end).
  size_t read(uint64_t offset, char* out, size_t size) const {
    const uint64_t kept = this->size();
    if (offset >= kept) return 0;
    const uint64_t available = kept - offset;
    const size_t n = size < available ? size : static_cast<size_t>(available);
    const uint64_t first = written_ - kept + offset;  // absolute position
    for (size_t i = 0; i < n; ++i) out[i] = storage_[(first + i) % capacity_];
    return n;
  }

 private:
  char* storage_;
  size_t capacity_;
  uint64_t written_ = 0;
};

}  // namespace viper
