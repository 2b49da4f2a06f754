// The virtio-blk disk driver (layer 8): one virtqueue per disk, many
// requests in flight on it, completion only by the device's interrupt
// (PERF-007: the predecessor fell back to a 10-million-iteration spin).
//
// * A request takes a slot (its header, status byte and indirect table in
//   the slot's DMA memory), goes on the available ring, the device is
//   notified, and the thread sleeps on the slot's wait queue. The
//   interrupt handler (on_interrupt) reads the used ring, checks each
//   answer (status byte, used length, descriptor id: drivers/virtio's
//   virtqueue), records the result and wakes that slot's thread. Nothing
//   polls; no thread spins.
// * A device that stops answering: the wait has a deadline (timeout_ns,
//   120 s by default: a request is logged as slow at a quarter of it, as
//   a loaded host can starve QEMU's disk for tens of seconds; Linux's
//   virtio-blk never gives up). At the deadline the used ring is read once, in case
//   the answer came and only its interrupt was lost (counted, and logged:
//   not a polling loop, PERF-007); without an answer the disk is reset (so
//   it touches no memory again) and every request in flight fails with
//   kIoError; so does a device that breaks the ring protocol. The disk
//   stays dead.
// * A thread killed while its request is in flight leaves: its slot is
//   abandoned, holding the pin (the VMO whose pages the device may still
//   write) until the device answers; the next request drops it, in thread
//   context (never in the interrupt handler).
// * Lock: `drivers.virtio_blk` (81), an IrqSpinlock (the interrupt handler
//   takes it), around the queue and the slots; it wakes under it
//   (81 -> sched.wait_queue). Notifies happen after it is dropped.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "drivers/virtio/transport.h"
#include "drivers/virtio/virtqueue.h"
#include "kernel/lib/spinlock.h"
#include "kernel/object/block_object.h"
#include "sched/wait_queue.h"

namespace viper::drivers {

class VirtioBlk final : public object::BlockDevice {
 public:
  static constexpr uint16_t kQueueSize = 128;
  static constexpr uint32_t kSlots = 32;
  static constexpr uint32_t kMaxSegments = 62;  // data segments per device request
  static constexpr size_t kSlotBytes = 32 + (kMaxSegments + 2) * sizeof(virtio::Descriptor);

  // The DMA memory a disk needs: its ring (4096-aligned) and its slots.
  static size_t queue_bytes() { return virtio::SplitQueue::bytes_for(kQueueSize); }
  static size_t slot_bytes() { return kSlotBytes * kSlots; }

  VirtioBlk(virtio::Registers& registers, uint32_t index);
  VirtioBlk(const VirtioBlk&) = delete;
  VirtioBlk& operator=(const VirtioBlk&) = delete;

  // Negotiates (read-only, flush, segment limits, indirect descriptors),
  // sets up the queue and starts the device. kNotFound/kNotSupported for a
  // transport without a usable block device; the device is then failed.
  Status start(virtio::DmaRegion queue, virtio::DmaRegion slots);

  object::BlockDeviceInfo info() const override EXCLUDES(lock_);
  Status transfer(object::BlockOp op, uint64_t sector, Span<const object::BlockSegment> segments,
                  object::Ref<object::KernelObject> pin) override EXCLUDES(lock_);
  Status flush() override EXCLUDES(lock_);

  // The interrupt handler's work.
  void on_interrupt() EXCLUDES(lock_);

  // For tests of a hung device.
  void set_timeout_ns(uint64_t ns) { timeout_ns_ = ns; }
  bool uses_indirect() const { return indirect_; }
  // Requests completed by on_interrupt (PERF-007's evidence), and the
  // interrupts that completed at least one (docs/virtio.md's cost).
  uint64_t completed_by_interrupt() const EXCLUDES(lock_);
  uint64_t interrupts() const EXCLUDES(lock_);
  // Requests found answered on the used ring when their wait timed out.
  uint64_t completed_without_interrupt() const EXCLUDES(lock_);

 private:
  // kAbandoned: in flight, its thread killed; kReclaim: answered since,
  // still holding the pin.
  enum class SlotState : uint8_t { kFree, kInFlight, kDone, kAbandoned, kReclaim };
  struct Slot {
    SlotState state = SlotState::kFree;
    Status result;
    uint16_t head = 0;
    bool counts_as_read = false;
    bool counts_as_write = false;
    object::Ref<object::KernelObject> pin;
  };

  Status request(uint32_t type, uint64_t sector, Span<const object::BlockSegment> segments,
                 object::Ref<object::KernelObject> pin) EXCLUDES(lock_);
  // Claims a free slot and ring space and makes the request available;
  // kNoSpace while there is none (the caller waits).
  Result<uint32_t> submit_locked(uint32_t type, uint64_t sector,
                                 Span<const object::BlockSegment> segments) REQUIRES(lock_);
  void complete_locked(uint32_t slot, Status result) REQUIRES(lock_);
  // The device is dead: reset it, fail everything in flight.
  void break_locked() REQUIRES(lock_);
  // Completes every request the device has answered on the used ring,
  // counting them in `counted`; true if there was one.
  bool drain_used_locked(uint64_t& counted) REQUIRES(lock_);
  uint8_t* slot_memory(uint32_t slot) const { return slots_.virt + slot * kSlotBytes; }
  uint64_t slot_phys(uint32_t slot) const { return slots_.phys + slot * kSlotBytes; }

  virtio::Transport transport_;
  const uint32_t index_;
  virtio::DmaRegion slots_;
  uint64_t sectors_ = 0;
  bool read_only_ = false;
  bool can_flush_ = false;
  bool indirect_ = false;
  uint32_t max_segments_ = kMaxSegments;
  uint64_t timeout_ns_ = 120'000'000'000ull;

  mutable IrqSpinlock lock_;
  virtio::SplitQueue queue_ GUARDED_BY(lock_);
  Slot slot_[kSlots] GUARDED_BY(lock_);
  uint32_t slot_of_head_[virtio::SplitQueue::kMaxSize] GUARDED_BY(lock_) = {};
  bool broken_ GUARDED_BY(lock_) = false;
  bool started_ GUARDED_BY(lock_) = false;
  uint64_t reads_ GUARDED_BY(lock_) = 0;
  uint64_t writes_ GUARDED_BY(lock_) = 0;
  uint64_t errors_ GUARDED_BY(lock_) = 0;
  uint64_t completed_by_interrupt_ GUARDED_BY(lock_) = 0;
  uint64_t completed_without_interrupt_ GUARDED_BY(lock_) = 0;
  uint64_t interrupts_ GUARDED_BY(lock_) = 0;
  // Each slot's requester sleeps on its queue; the queues lock themselves.
  sched::WaitQueue done_[kSlots];
  // Threads waiting for a free slot or ring space.
  sched::WaitQueue space_;
};

}  // namespace viper::drivers
