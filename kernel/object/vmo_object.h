// A shareable memory object (layer 7): zeroed pages, allocated when it is
// created, that any process holding a handle maps into its address space
// (VIPER_SYS_VMO_MAP) — several processes, or one several times, see the
// same bytes. It is passed as a handle like any object (over a channel,
// inherited by fork).
//
// Lifetime: the object holds one share of each page (mm::share_frame) and
// every mapping another, so a page is freed only when the object is gone
// and no address space maps it any more, in whatever order those end.
#pragma once

#include <stdint.h>

#include "kernel/lib/addr.h"
#include "kernel/lib/result.h"
#include "kernel/lib/span.h"
#include "kernel/object/kernel_object.h"

namespace viper::mm {
struct HeapAccess;
}

namespace viper::object {

// The largest object: 16 MiB (VIPER_VMO_BYTES_MAX).
inline constexpr uint64_t kMaxVmoBytes = 16ull << 20;

class VmoObject final : public KernelObject {
 public:
  static constexpr ObjectType kType = ObjectType::kVmo;

  // `bytes` rounded up to whole pages, all zero. kOutOfRange for 0 or
  // above kMaxVmoBytes, kNoMemory (nothing is left allocated).
  static Result<Ref<VmoObject>> create(uint64_t bytes);

  uint64_t size() const { return pages_ * kPageSize; }
  Span<const PhysAddr> frames() const { return {frames_, pages_}; }

 private:
  friend struct mm::HeapAccess;
  VmoObject(ObjectId id, PhysAddr* frames, uint64_t pages)
      : KernelObject(kType, id), frames_(frames), pages_(pages) {}
  void destroy() override;
  // Drops the object's share of the first `count` frames, and the array.
  static void release_frames(PhysAddr* frames, uint64_t count);

  PhysAddr* const frames_;  // kernel heap, pages_ entries
  const uint64_t pages_;
};

}  // namespace viper::object
