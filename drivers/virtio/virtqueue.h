// A split virtqueue (virtio 1.2, section 2.7): the descriptor table, the
// available ring the driver fills and the used ring the device fills, in
// memory both sides reach (DMA). The device is not trusted: everything it
// writes is checked before it is believed.
//
// * A used-ring index that runs ahead of what is in flight, or a used
//   element naming a descriptor that heads no chain in flight, breaks the
//   queue for good (kIoError): the device no longer follows the protocol,
//   and nothing it says afterwards can be matched to a request.
// * A used length above the chain's device-writable bytes is reported
//   (Completion::length_lies): that request fails, the queue goes on.
// * Indirect descriptors (VIRTIO_F_INDIRECT_DESC): a whole request takes
//   one ring descriptor pointing at a table the caller owns.
//
// Not thread-safe: its owner serialises every call (virtio_blk's lock).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/lib/span.h"

namespace viper::drivers::virtio {

// Memory the device reaches: where the CPU sees it and its bus address.
struct DmaRegion {
  uint8_t* virt = nullptr;
  uint64_t phys = 0;
  size_t bytes = 0;
};

// One buffer of a request.
struct Buffer {
  uint64_t phys = 0;
  uint32_t bytes = 0;
  bool device_writes = false;  // VIRTQ_DESC_F_WRITE
};

// What the device says it did with a chain.
struct Completion {
  uint16_t head = 0;
  uint32_t length = 0;       // bytes the device says it wrote
  uint32_t writable = 0;     // device-writable bytes of the chain
  bool length_lies = false;  // length > writable
};

// The ring layouts (2.7.5, 2.7.6, 2.7.8), one definition for driver and
// device model.
struct Descriptor {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};
inline constexpr uint16_t kDescNext = 1;
inline constexpr uint16_t kDescWrite = 2;
inline constexpr uint16_t kDescIndirect = 4;

struct AvailHeader {
  uint16_t flags;
  uint16_t idx;
  // uint16_t ring[size]; uint16_t used_event;
};
struct UsedElement {
  uint32_t id;
  uint32_t len;
};
struct UsedHeader {
  uint16_t flags;
  uint16_t idx;
  // UsedElement ring[size]; uint16_t avail_event;
};

// The legacy interface (version 1) places the used ring at the next
// kLegacyAlign boundary after the available ring; the layout here always
// does, so one region serves both versions.
inline constexpr uint64_t kLegacyAlign = 4096;

class SplitQueue {
 public:
  static constexpr uint16_t kMaxSize = 256;

  // Bytes of the region a queue of `size` entries needs.
  static size_t bytes_for(uint16_t size);

  // Lays the queue out in `memory` (zeroed here). kInvalidArgument unless
  // `size` is a power of two in 1..kMaxSize and `memory` big enough and
  // 4096-aligned.
  Status init(DmaRegion memory, uint16_t size);

  uint16_t size() const { return size_; }
  uint64_t descriptors_phys() const { return memory_.phys; }
  uint64_t available_phys() const { return memory_.phys + avail_offset_; }
  uint64_t used_phys() const { return memory_.phys + used_offset_; }
  uint16_t free_descriptors() const { return free_count_; }
  uint16_t in_flight() const { return in_flight_; }
  bool broken() const { return broken_; }

  // A chain of buffers.size() descriptors; returns its head. kNoSpace when
  // fewer are free (wait for a completion), kInvalidArgument for an empty
  // request, kIoError once broken.
  Result<uint16_t> add_chain(Span<const Buffer> buffers);
  // One ring descriptor pointing at `table`, filled here with `buffers`
  // (table.bytes >= 16 per buffer).
  Result<uint16_t> add_indirect(DmaRegion table, Span<const Buffer> buffers);
  // Hands the chain to the device (the available index is published after
  // the entry: release order). The caller then notifies the transport.
  void make_available(uint16_t head);

  // The next completion; kWouldBlock when the device has none. kIoError
  // when it broke the protocol (see above): the queue is broken from then
  // on. The chain stays allocated until release().
  Result<Completion> next_used();
  // Gives a completed chain's descriptors back.
  void release(uint16_t head);

 private:
  Descriptor* descriptors() const { return reinterpret_cast<Descriptor*>(memory_.virt); }
  AvailHeader* avail() const {
    return reinterpret_cast<AvailHeader*>(memory_.virt + avail_offset_);
  }
  uint16_t* avail_ring() const { return reinterpret_cast<uint16_t*>(avail() + 1); }
  UsedHeader* used() const { return reinterpret_cast<UsedHeader*>(memory_.virt + used_offset_); }
  UsedElement* used_ring() const { return reinterpret_cast<UsedElement*>(used() + 1); }
  Result<uint16_t> take_descriptors(uint16_t count);
  Status usable(size_t count) const;

  DmaRegion memory_;
  uint16_t size_ = 0;
  size_t avail_offset_ = 0;
  size_t used_offset_ = 0;
  uint16_t free_head_ = 0;
  uint16_t free_count_ = 0;
  uint16_t avail_index_ = 0;  // the next available-ring entry
  uint16_t last_used_ = 0;    // the next used-ring entry to read
  uint16_t in_flight_ = 0;    // chains handed out and not yet completed
  bool broken_ = false;
  // Per head: whether it heads a chain in flight (the device answered it
  // not yet), its length in ring descriptors, its device-writable bytes.
  bool busy_[kMaxSize] = {};
  bool answered_[kMaxSize] = {};
  uint16_t chain_length_[kMaxSize] = {};
  uint32_t writable_[kMaxSize] = {};
};

}  // namespace viper::drivers::virtio
