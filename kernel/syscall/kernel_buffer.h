// A kernel copy of user bytes for the length of one call: small ones on the
// stack, larger ones (up to a channel message) on the kernel heap, never a
// 64 KiB array on a 16 KiB kernel stack.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/lib/span.h"
#include "mm/kheap/global.h"

namespace viper::syscall {

class KernelBuffer {
 public:
  KernelBuffer() = default;
  KernelBuffer(const KernelBuffer&) = delete;
  KernelBuffer& operator=(const KernelBuffer&) = delete;
  ~KernelBuffer() {
    if (heap_ != nullptr) mm::kernel_heap().kfree(heap_);
  }

  // Room for `size` bytes. kNoMemory.
  Status reserve(size_t size) {
    size_ = size;
    if (size <= sizeof(small_)) return ok_status();
    heap_ = static_cast<uint8_t*>(TRY(mm::kernel_heap().kmalloc(size)));
    return ok_status();
  }
  uint8_t* data() { return heap_ != nullptr ? heap_ : small_; }
  Bytes bytes() { return Bytes(data(), size_); }

 private:
  uint8_t small_[256];
  uint8_t* heap_ = nullptr;
  size_t size_ = 0;
};

}  // namespace viper::syscall
