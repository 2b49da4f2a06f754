// Strong address and size types. A physical address is not a pointer and
// does not convert to one, or to a virtual address, implicitly: the direct
// map (kernel/arch, phys_to_virt/virt_to_phys) is the only conversion, so
// treating one as the other is a compile error (ARCH-001, MS-004/005/006).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/utility.h"

namespace viper {

inline constexpr uint64_t kPageShift = 12;
inline constexpr uint64_t kPageSize = uint64_t{1} << kPageShift;

// A count of 4 KiB pages.
class PageCount {
 public:
  constexpr PageCount() = default;
  constexpr explicit PageCount(uint64_t pages) : pages_(pages) {}
  constexpr uint64_t value() const { return pages_; }
  constexpr uint64_t bytes() const { return pages_ << kPageShift; }
  // Pages needed to hold `bytes` bytes.
  static constexpr PageCount for_bytes(uint64_t bytes) {
    return PageCount((bytes + kPageSize - 1) >> kPageShift);
  }
  constexpr bool operator==(const PageCount&) const = default;
  constexpr bool operator<(PageCount other) const { return pages_ < other.pages_; }
  constexpr bool operator<=(PageCount other) const { return pages_ <= other.pages_; }
  constexpr bool operator>(PageCount other) const { return pages_ > other.pages_; }
  constexpr bool operator>=(PageCount other) const { return pages_ >= other.pages_; }
  constexpr PageCount operator+(PageCount other) const { return PageCount(pages_ + other.pages_); }
  constexpr PageCount operator-(PageCount other) const { return PageCount(pages_ - other.pages_); }

 private:
  uint64_t pages_ = 0;
};

struct PhysTag {};
struct VirtTag {};

// An address; `Tag` keeps physical and virtual addresses distinct types.
// Only a virtual address is made from or turned into a pointer.
template <class Tag>
class Address {
 public:
  static constexpr bool kVirtual = kIsSame<Tag, VirtTag>;

  constexpr Address() = default;
  constexpr explicit Address(uint64_t value) : value_(value) {}
  explicit Address(const volatile void* pointer)
    requires kVirtual
      : value_(reinterpret_cast<uintptr_t>(pointer)) {}

  template <class T>
  T* as() const
    requires kVirtual
  {
    return reinterpret_cast<T*>(static_cast<uintptr_t>(value_));
  }

  constexpr uint64_t value() const { return value_; }
  constexpr bool is_null() const { return value_ == 0; }
  constexpr bool is_page_aligned() const { return (value_ & (kPageSize - 1)) == 0; }
  constexpr bool is_aligned(uint64_t alignment) const { return (value_ & (alignment - 1)) == 0; }
  constexpr Address page_base() const { return Address(value_ & ~(kPageSize - 1)); }
  constexpr uint64_t page_offset() const { return value_ & (kPageSize - 1); }
  constexpr Address operator+(uint64_t bytes) const { return Address(value_ + bytes); }
  constexpr Address operator-(uint64_t bytes) const { return Address(value_ - bytes); }
  constexpr uint64_t operator-(Address other) const { return value_ - other.value_; }
  constexpr Address operator+(PageCount pages) const { return Address(value_ + pages.bytes()); }
  constexpr bool operator==(const Address&) const = default;
  constexpr bool operator<(Address other) const { return value_ < other.value_; }
  constexpr bool operator<=(Address other) const { return value_ <= other.value_; }
  constexpr bool operator>(Address other) const { return value_ > other.value_; }
  constexpr bool operator>=(Address other) const { return value_ >= other.value_; }

 private:
  uint64_t value_ = 0;
};

// An address in the physical address space. Never dereferenced.
using PhysAddr = Address<PhysTag>;
// An address in some virtual address space (kernel or user).
using VirtAddr = Address<VirtTag>;

}  // namespace viper
