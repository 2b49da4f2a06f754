#include "drivers/virtio_blk/virtio_blk.h"

#include "drivers/lock_classes.h"
#include "drivers/virtio/block_protocol.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/printk.h"
#include "sched/blocking.h"

namespace viper::drivers {
namespace {

using virtio::Buffer;
using virtio::feature_bit;

LockClass g_virtio_blk_class{kVirtioBlkLock};

constexpr size_t kStatusOffset = sizeof(virtio::BlkRequestHeader);
constexpr size_t kTableOffset = 32;
constexpr uint8_t kStatusUnwritten = 0xff;  // a device that never writes it fails the request

}  // namespace

VirtioBlk::VirtioBlk(virtio::Registers& registers, uint32_t index)
    : transport_(registers), index_(index), lock_(g_virtio_blk_class) {}

Status VirtioBlk::start(virtio::DmaRegion queue, virtio::DmaRegion slots) {
  TRY(transport_.probe());
  if (transport_.device_id() != virtio::kDeviceIdBlock) return Error::kNotSupported;
  if (slots.virt == nullptr || slots.bytes < slot_bytes()) return Error::kInvalidArgument;
  const uint64_t wanted =
      feature_bit(virtio::kBlkFeatureReadOnly) | feature_bit(virtio::kBlkFeatureFlush) |
      feature_bit(virtio::kBlkFeatureSegMax) | feature_bit(virtio::kFeatureIndirectDesc);
  const uint64_t accepted = TRY(transport_.negotiate(wanted));
  read_only_ = (accepted & feature_bit(virtio::kBlkFeatureReadOnly)) != 0;
  can_flush_ = (accepted & feature_bit(virtio::kBlkFeatureFlush)) != 0;
  indirect_ = (accepted & feature_bit(virtio::kFeatureIndirectDesc)) != 0;
  Result<uint64_t> capacity = transport_.config64(virtio::kBlkConfigCapacity);
  if (!capacity.ok()) {
    transport_.fail();
    return capacity.error();
  }
  sectors_ = capacity.value();
  if ((accepted & feature_bit(virtio::kBlkFeatureSegMax)) != 0) {
    const uint32_t seg_max = transport_.config32(virtio::kBlkConfigSegMax);
    if (seg_max != 0 && seg_max < max_segments_) max_segments_ = seg_max;
  }
  if (!indirect_ && max_segments_ > kQueueSize - 2u) max_segments_ = kQueueSize - 2u;
  slots_ = slots;
  IrqSpinlockGuard guard(lock_);
  if (Status s = transport_.setup_queue(0, queue_, queue, kQueueSize); !s.ok()) {
    transport_.fail();
    return s;
  }
  // Without indirect descriptors a request takes segments + 2 ring
  // entries; the device's queue may be smaller than ours.
  if (!indirect_ && max_segments_ > queue_.size() - 2u) max_segments_ = queue_.size() - 2u;
  transport_.driver_ok();
  started_ = true;
  return ok_status();
}

object::BlockDeviceInfo VirtioBlk::info() const {
  IrqSpinlockGuard guard(lock_);
  return {sectors_, read_only_, can_flush_, index_, reads_, writes_, errors_};
}

uint64_t VirtioBlk::completed_by_interrupt() const {
  IrqSpinlockGuard guard(lock_);
  return completed_by_interrupt_;
}

uint64_t VirtioBlk::completed_without_interrupt() const {
  IrqSpinlockGuard guard(lock_);
  return completed_without_interrupt_;
}

uint64_t VirtioBlk::interrupts() const {
  IrqSpinlockGuard guard(lock_);
  return interrupts_;
}

Status VirtioBlk::transfer(object::BlockOp op, uint64_t sector,
                           Span<const object::BlockSegment> segments,
                           object::Ref<object::KernelObject> pin) {
  if (segments.empty()) return Error::kInvalidArgument;
  uint64_t total = 0;
  for (const object::BlockSegment& s : segments) {
    if (s.bytes == 0 || s.bytes % object::kSectorBytes != 0) return Error::kInvalidArgument;
    total += s.bytes;
  }
  if (op == object::BlockOp::kWrite && read_only_) return Error::kAccessDenied;
  const uint64_t count = total / object::kSectorBytes;
  if (sector > sectors_ || count > sectors_ - sector) return Error::kOutOfRange;
  const uint32_t type = op == object::BlockOp::kRead ? virtio::kBlkTypeIn : virtio::kBlkTypeOut;
  // Longer requests than the device takes go as several, one after another.
  for (size_t at = 0; at < segments.size();) {
    const size_t n = segments.size() - at < max_segments_ ? segments.size() - at : max_segments_;
    const Span<const object::BlockSegment> chunk(segments.data() + at, n);
    TRY(request(type, sector, chunk, pin));
    for (const object::BlockSegment& s : chunk) sector += s.bytes / object::kSectorBytes;
    at += n;
  }
  return ok_status();
}

Status VirtioBlk::flush() {
  if (read_only_) return Error::kAccessDenied;
  // Without VIRTIO_BLK_F_FLUSH the device is write-through: a completed
  // write is already stable.
  if (!can_flush_) return ok_status();
  return request(virtio::kBlkTypeFlush, 0, {}, {});
}

Result<uint32_t> VirtioBlk::submit_locked(uint32_t type, uint64_t sector,
                                          Span<const object::BlockSegment> segments) {
  if (!started_) return Error::kBadState;
  if (broken_ || queue_.broken()) return Error::kIoError;
  uint32_t slot = kSlots;
  for (uint32_t i = 0; i < kSlots; ++i) {
    if (slot_[i].state == SlotState::kFree) {
      slot = i;
      break;
    }
  }
  if (slot == kSlots) return Error::kNoSpace;
  uint8_t* memory = slot_memory(slot);
  const virtio::BlkRequestHeader header{type, 0, sector};
  __builtin_memcpy(memory, &header, sizeof(header));
  memory[kStatusOffset] = kStatusUnwritten;
  Buffer buffers[kMaxSegments + 2];
  size_t n = 0;
  buffers[n++] = {slot_phys(slot), sizeof(header), false};
  for (const object::BlockSegment& s : segments) {
    buffers[n++] = {s.base.value(), s.bytes, type == virtio::kBlkTypeIn};
  }
  buffers[n++] = {slot_phys(slot) + kStatusOffset, 1, true};
  const Span<const Buffer> chain(buffers, n);
  const uint16_t head =
      indirect_ ? TRY(queue_.add_indirect({memory + kTableOffset, slot_phys(slot) + kTableOffset,
                                           kSlotBytes - kTableOffset},
                                          chain))
                : TRY(queue_.add_chain(chain));
  Slot& s = slot_[slot];
  s.state = SlotState::kInFlight;
  s.result = ok_status();
  s.head = head;
  s.counts_as_read = type == virtio::kBlkTypeIn;
  s.counts_as_write = type == virtio::kBlkTypeOut;
  slot_of_head_[head] = slot;
  queue_.make_available(head);
  return slot;
}

Status VirtioBlk::request(uint32_t type, uint64_t sector, Span<const object::BlockSegment> segments,
                          object::Ref<object::KernelObject> pin) {
  object::Ref<object::KernelObject> reclaimed[kSlots];
  uint32_t slot = kSlots;
  Status failed = ok_status();
  // Wait for a slot and ring space (other requests complete and free them).
  TRY(sched::wait_until(
      space_,
      [&] {
        if (slot != kSlots || !failed.ok()) return true;  // claimed already: never twice
        IrqSpinlockGuard guard(lock_);
        // Pins of abandoned requests the device has answered since: dropped
        // below, outside the lock, in this thread.
        for (uint32_t i = 0; i < kSlots; ++i) {
          if (slot_[i].state != SlotState::kReclaim) continue;
          reclaimed[i] = move(slot_[i].pin);
          slot_[i].state = SlotState::kFree;
        }
        Result<uint32_t> taken = submit_locked(type, sector, segments);
        if (taken.ok()) {
          slot = taken.value();
          slot_[slot].pin = pin;
          return true;
        }
        if (taken.error() == Error::kNoSpace) return false;
        failed = taken.error();
        return true;
      },
      Deadline::never()));
  TRY(failed);
  // Ring entries before the notify: the device reads them when notified.
  arch::memory_barrier();
  transport_.notify(0);
  // A slow answer is said at a quarter of the deadline; the disk is given
  // up only at the whole deadline (a loaded host can starve QEMU's disk).
  const Deadline give_up = Deadline::after(Duration::nanoseconds(timeout_ns_));
  const auto wait_done = [&](Deadline until) {
    return sched::wait_until(
        done_[slot],
        [&] {
          IrqSpinlockGuard guard(lock_);
          return slot_[slot].state == SlotState::kDone;
        },
        until);
  };
  Status waited = wait_done(Deadline::after(Duration::nanoseconds(timeout_ns_ / 4)));
  if (!waited.ok() && waited.error() == Error::kTimedOut) {
    printk(LogLevel::kWarn, "virtio-blk%u: a request has waited %llu s", index_,
           static_cast<unsigned long long>(timeout_ns_ / 4 / 1'000'000'000ull));
    waited = wait_done(give_up);
  }
  Status result = ok_status();
  bool answered_late = false;
  {
    IrqSpinlockGuard guard(lock_);
    Slot& s = slot_[slot];
    if (s.state != SlotState::kDone && !waited.ok() && waited.error() == Error::kTimedOut) {
      // An answer whose interrupt was lost is still an answer: look once.
      if (started_ && !broken_ && drain_used_locked(completed_without_interrupt_)) {
        answered_late = true;  // said below, outside the lock
        space_.wake_all(sched::kernel_waker());
      }
      // Still nothing: the device stopped answering, and nothing it says
      // can be trusted now.
      if (s.state != SlotState::kDone) break_locked();
    }
    if (s.state == SlotState::kDone) {
      result = s.result;
      reclaimed[slot] = move(s.pin);  // dropped on return, outside the lock
      s.state = SlotState::kFree;
    } else {
      s.state = SlotState::kAbandoned;  // killed: the pin stays until the device answers
      result = waited;
    }
  }
  if (answered_late) {
    printk(LogLevel::kWarn, "virtio-blk%u: a request was answered without its interrupt", index_);
  }
  space_.wake_one(sched::kernel_waker());
  return result;
}

void VirtioBlk::complete_locked(uint32_t slot, Status result) {
  Slot& s = slot_[slot];
  if (s.state != SlotState::kInFlight && s.state != SlotState::kAbandoned) return;
  if (!result.ok()) {
    ++errors_;
  } else if (s.counts_as_read) {
    ++reads_;
  } else if (s.counts_as_write) {
    ++writes_;
  }
  s.result = result;
  if (s.state == SlotState::kAbandoned) {
    s.state = SlotState::kReclaim;  // nobody waits; the next request drops the pin
    return;
  }
  s.state = SlotState::kDone;
  done_[slot].wake_all(sched::kernel_waker());
}

void VirtioBlk::break_locked() {
  if (!broken_) {
    broken_ = true;
    transport_.reset();  // from now on the device touches none of our memory
  }
  for (uint32_t i = 0; i < kSlots; ++i) complete_locked(i, Error::kIoError);
  space_.wake_all(sched::kernel_waker());
}

bool VirtioBlk::drain_used_locked(uint64_t& counted) {
  bool freed = false;
  for (;;) {
    Result<virtio::Completion> c = queue_.next_used();
    if (!c.ok()) {
      if (c.error() == Error::kIoError) break_locked();
      break;
    }
    const uint32_t slot = slot_of_head_[c->head];
    queue_.release(c->head);
    const uint8_t status = __atomic_load_n(slot_memory(slot) + kStatusOffset, __ATOMIC_RELAXED);
    // The device wrote exactly the chain's writable bytes (data and status),
    // or the request did not do what it says.
    const bool honest = !c->length_lies && c->length == c->writable;
    complete_locked(
        slot, honest && status == virtio::kBlkStatusOk ? ok_status() : Status(Error::kIoError));
    ++counted;
    freed = true;
  }
  return freed;
}

void VirtioBlk::on_interrupt() {
  (void)transport_.acknowledge_interrupt();
  IrqSpinlockGuard guard(lock_);
  if (!started_ || broken_) return;
  if (drain_used_locked(completed_by_interrupt_)) {
    ++interrupts_;
    space_.wake_all(sched::kernel_waker());
  }
}

}  // namespace viper::drivers
