#include "drivers/virtio/virtqueue.h"

namespace viper::drivers::virtio {
namespace {

constexpr size_t align_up(size_t value, size_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

uint32_t writable_bytes(Span<const Buffer> buffers) {
  uint32_t sum = 0;
  for (const Buffer& b : buffers) {
    if (b.device_writes) sum += b.bytes;
  }
  return sum;
}

}  // namespace

size_t SplitQueue::bytes_for(uint16_t size) {
  const size_t driver_part = sizeof(Descriptor) * size + sizeof(AvailHeader) + 2u * size + 2;
  const size_t device_part = sizeof(UsedHeader) + sizeof(UsedElement) * size + 2;
  return align_up(driver_part, kLegacyAlign) + align_up(device_part, kLegacyAlign);
}

Status SplitQueue::init(DmaRegion memory, uint16_t size) {
  if (size == 0 || size > kMaxSize || (size & (size - 1)) != 0) return Error::kInvalidArgument;
  if (memory.virt == nullptr || memory.bytes < bytes_for(size) || memory.phys % kLegacyAlign != 0) {
    return Error::kInvalidArgument;
  }
  *this = SplitQueue();
  memory_ = memory;
  size_ = size;
  avail_offset_ = sizeof(Descriptor) * size;
  used_offset_ = align_up(avail_offset_ + sizeof(AvailHeader) + 2u * size + 2, kLegacyAlign);
  __builtin_memset(memory.virt, 0, bytes_for(size));
  // The free list threads through the descriptors' next fields.
  for (uint16_t i = 0; i < size; ++i) descriptors()[i].next = static_cast<uint16_t>(i + 1);
  free_head_ = 0;
  free_count_ = size;
  return ok_status();
}

Status SplitQueue::usable(size_t count) const {
  if (broken_ || size_ == 0) return Error::kIoError;
  if (count == 0) return Error::kInvalidArgument;
  return ok_status();
}

Result<uint16_t> SplitQueue::take_descriptors(uint16_t count) {
  if (free_count_ < count) return Error::kNoSpace;
  const uint16_t head = free_head_;
  uint16_t last = head;
  for (uint16_t i = 1; i < count; ++i) last = descriptors()[last].next;
  free_head_ = descriptors()[last].next;
  free_count_ = static_cast<uint16_t>(free_count_ - count);
  chain_length_[head] = count;
  return head;
}

Result<uint16_t> SplitQueue::add_chain(Span<const Buffer> buffers) {
  TRY(usable(buffers.size()));
  if (buffers.size() > size_) return Error::kInvalidArgument;
  const uint16_t head = TRY(take_descriptors(static_cast<uint16_t>(buffers.size())));
  uint16_t at = head;
  for (size_t i = 0; i < buffers.size(); ++i) {
    Descriptor& d = descriptors()[at];
    const bool last = i + 1 == buffers.size();
    d.addr = buffers[i].phys;
    d.len = buffers[i].bytes;
    d.flags =
        static_cast<uint16_t>((buffers[i].device_writes ? kDescWrite : 0) | (last ? 0 : kDescNext));
    // The chain was taken from the free list in order, so `next` already
    // names the following descriptor; the last one keeps its free-list link
    // (the device ignores it without kDescNext) for release().
    if (!last) at = d.next;
  }
  writable_[head] = writable_bytes(buffers);
  return head;
}

Result<uint16_t> SplitQueue::add_indirect(DmaRegion table, Span<const Buffer> buffers) {
  TRY(usable(buffers.size()));
  if (table.virt == nullptr || table.bytes < buffers.size() * sizeof(Descriptor) ||
      buffers.size() > 0xffff) {
    return Error::kInvalidArgument;
  }
  Descriptor* entries = reinterpret_cast<Descriptor*>(table.virt);
  for (size_t i = 0; i < buffers.size(); ++i) {
    const bool last = i + 1 == buffers.size();
    entries[i] = Descriptor{
        buffers[i].phys, buffers[i].bytes,
        static_cast<uint16_t>((buffers[i].device_writes ? kDescWrite : 0) | (last ? 0 : kDescNext)),
        static_cast<uint16_t>(last ? 0 : i + 1)};
  }
  const uint16_t head = TRY(take_descriptors(1));
  Descriptor& d = descriptors()[head];
  d.addr = table.phys;
  d.len = static_cast<uint32_t>(buffers.size() * sizeof(Descriptor));
  d.flags = kDescIndirect;
  writable_[head] = writable_bytes(buffers);
  return head;
}

void SplitQueue::make_available(uint16_t head) {
  busy_[head] = true;
  answered_[head] = false;
  ++in_flight_;
  avail_ring()[avail_index_ % size_] = head;
  ++avail_index_;
  // The entry (and the descriptors before it) before the index.
  __atomic_store_n(&avail()->idx, avail_index_, __ATOMIC_RELEASE);
}

Result<Completion> SplitQueue::next_used() {
  if (broken_ || size_ == 0) return Error::kIoError;
  const uint16_t device_index = __atomic_load_n(&used()->idx, __ATOMIC_ACQUIRE);
  const uint16_t pending = static_cast<uint16_t>(device_index - last_used_);
  if (pending == 0) return Error::kWouldBlock;
  // The device cannot have answered more chains than are unanswered.
  uint16_t unanswered = 0;
  for (uint16_t i = 0; i < size_; ++i) unanswered += busy_[i] && !answered_[i];
  if (pending > unanswered) {
    broken_ = true;
    return Error::kIoError;
  }
  const UsedElement element = used_ring()[last_used_ % size_];
  if (element.id >= size_ || !busy_[element.id] || answered_[element.id]) {
    broken_ = true;
    return Error::kIoError;
  }
  ++last_used_;
  const uint16_t head = static_cast<uint16_t>(element.id);
  answered_[head] = true;
  return Completion{head, element.len, writable_[head], element.len > writable_[head]};
}

void SplitQueue::release(uint16_t head) {
  if (head >= size_ || !busy_[head]) return;
  busy_[head] = false;
  answered_[head] = false;
  --in_flight_;
  uint16_t last = head;
  for (uint16_t i = 1; i < chain_length_[head]; ++i) last = descriptors()[last].next;
  descriptors()[last].next = free_head_;
  free_head_ = head;
  free_count_ = static_cast<uint16_t>(free_count_ + chain_length_[head]);
}

}  // namespace viper::drivers::virtio
