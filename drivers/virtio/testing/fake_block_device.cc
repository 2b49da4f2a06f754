#include "drivers/virtio/testing/fake_block_device.h"

#include <string.h>

#include "drivers/virtio/block_protocol.h"
#include "drivers/virtio/virtqueue.h"

namespace viper::drivers::virtio::testing {

FakeBlockDevice::FakeBlockDevice(Options options)
    // Backed up to 32 MiB: a bigger reported capacity tests the driver's
    // arithmetic; requests past the backing fail with IOERR.
    : options_(options), disk_((options.sectors < 65536 ? options.sectors : 65536) * 512, 0) {}

void FakeBlockDevice::set_misbehaviour(Misbehaviour m) {
  std::lock_guard lock(mutex_);
  misbehaviour_ = m;
}
bool FakeBlockDevice::interrupt_pending() {
  std::lock_guard lock(mutex_);
  return interrupt_status_ != 0;
}
uint64_t FakeBlockDevice::requests_served() {
  std::lock_guard lock(mutex_);
  return served_;
}
uint64_t FakeBlockDevice::notifications() {
  std::lock_guard lock(mutex_);
  return notifications_;
}
uint64_t FakeBlockDevice::accepted_features() {
  std::lock_guard lock(mutex_);
  return driver_features_;
}
uint32_t FakeBlockDevice::status() {
  std::lock_guard lock(mutex_);
  return status_;
}
bool FakeBlockDevice::used_indirect() {
  std::lock_guard lock(mutex_);
  return used_indirect_;
}
std::vector<uint8_t> FakeBlockDevice::disk_bytes(uint64_t offset, uint64_t size) {
  std::lock_guard lock(mutex_);
  return {disk_.begin() + offset, disk_.begin() + offset + size};
}
void FakeBlockDevice::fill_disk(uint64_t offset, const std::vector<uint8_t>& bytes) {
  std::lock_guard lock(mutex_);
  memcpy(disk_.data() + offset, bytes.data(), bytes.size());
}

void FakeBlockDevice::reset_locked() {
  status_ = 0;
  driver_features_ = 0;
  interrupt_status_ = 0;
  queue_num_ = queue_ready_ = pfn_ = 0;
  desc_ = driver_ = device_ = 0;
  last_avail_ = used_index_ = 0;
}

uint32_t FakeBlockDevice::read(uint32_t offset) {
  std::lock_guard lock(mutex_);
  switch (offset) {
    case kMagicValue:
      return kMagic;
    case kVersion:
      return options_.version;
    case kDeviceId:
      return 2;
    case kVendorId:
      return 0x554d4551;  // "QEMU"
    case kDeviceFeatures: {
      uint64_t offered = options_.features;
      if (options_.seg_max != 0) offered |= feature_bit(kBlkFeatureSegMax);
      if (options_.version == 2) offered |= feature_bit(kFeatureVersion1);
      return static_cast<uint32_t>(offered >> (32 * device_features_sel_));
    }
    case kQueueNumMax:
      return options_.queue_max;
    case kQueueReady:
      return queue_ready_;
    case kLegacyQueuePfn:
      return pfn_;
    case kInterruptStatus:
      return interrupt_status_;
    case kStatus:
      return status_;
    case kConfigGeneration:
      return 0;
    case kConfig + kBlkConfigCapacity:
      return static_cast<uint32_t>(options_.sectors);
    case kConfig + kBlkConfigCapacity + 4:
      return static_cast<uint32_t>(options_.sectors >> 32);
    case kConfig + kBlkConfigSegMax:
      return options_.seg_max;
    default:
      return 0;
  }
}

void FakeBlockDevice::write(uint32_t offset, uint32_t value) {
  std::lock_guard lock(mutex_);
  switch (offset) {
    case kDeviceFeaturesSel:
      device_features_sel_ = value;
      break;
    case kDriverFeaturesSel:
      driver_features_sel_ = value;
      break;
    case kDriverFeatures: {
      const uint32_t shift = 32 * driver_features_sel_;
      driver_features_ =
          (driver_features_ & ~(uint64_t{0xffffffff} << shift)) | (uint64_t{value} << shift);
      break;
    }
    case kLegacyGuestPageSize:
      page_size_ = value;
      break;
    case kQueueNum:
      queue_num_ = value;
      break;
    case kLegacyQueueAlign:
      queue_align_ = value;
      break;
    case kLegacyQueuePfn: {
      pfn_ = value;
      desc_ = uint64_t{value} * page_size_;
      driver_ = desc_ + sizeof(Descriptor) * queue_num_;
      const uint64_t avail_end = driver_ + 4 + 2 * queue_num_ + 2;
      device_ = (avail_end + queue_align_ - 1) & ~uint64_t{queue_align_ - 1};
      break;
    }
    case kQueueReady:
      queue_ready_ = value;
      break;
    case kQueueDescLow:
      desc_ = (desc_ & ~uint64_t{0xffffffff}) | value;
      break;
    case kQueueDescHigh:
      desc_ = (desc_ & 0xffffffff) | (uint64_t{value} << 32);
      break;
    case kQueueDriverLow:
      driver_ = (driver_ & ~uint64_t{0xffffffff}) | value;
      break;
    case kQueueDriverHigh:
      driver_ = (driver_ & 0xffffffff) | (uint64_t{value} << 32);
      break;
    case kQueueDeviceLow:
      device_ = (device_ & ~uint64_t{0xffffffff}) | value;
      break;
    case kQueueDeviceHigh:
      device_ = (device_ & 0xffffffff) | (uint64_t{value} << 32);
      break;
    case kQueueNotify:
      ++notifications_;
      serve_locked();
      break;
    case kInterruptAck:
      interrupt_status_ &= ~value;
      break;
    case kStatus:
      if (value == 0) {
        reset_locked();
      } else if ((value & kStatusFeaturesOk) != 0 && options_.refuse_features_ok) {
        status_ = value & ~kStatusFeaturesOk;
      } else {
        status_ = value;
      }
      break;
    default:
      break;
  }
}

void FakeBlockDevice::serve_locked() {
  if ((status_ & kStatusDriverOk) == 0 || desc_ == 0) return;
  if (options_.version == 2 && queue_ready_ == 0) return;
  auto* avail = reinterpret_cast<AvailHeader*>(at(driver_));
  auto* ring = reinterpret_cast<uint16_t*>(avail + 1);
  const uint16_t index = __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE);
  while (last_avail_ != index) {
    const uint16_t head = ring[last_avail_ % queue_num_];
    ++last_avail_;
    serve_one_locked(head);
  }
}

void FakeBlockDevice::serve_one_locked(uint16_t head) {
  // Collect the chain, following an indirect table.
  const Descriptor* table = reinterpret_cast<const Descriptor*>(at(desc_));
  std::vector<Descriptor> chain;
  const Descriptor& first = table[head % queue_num_];
  if ((first.flags & kDescIndirect) != 0) {
    used_indirect_ = true;
    const Descriptor* indirect = reinterpret_cast<const Descriptor*>(at(first.addr));
    const size_t n = first.len / sizeof(Descriptor);
    for (size_t i = 0; i < n; ++i) {
      chain.push_back(indirect[i]);
      if ((indirect[i].flags & kDescNext) == 0) break;
    }
  } else {
    uint16_t at_index = head;
    for (uint32_t i = 0; i < queue_num_; ++i) {
      chain.push_back(table[at_index % queue_num_]);
      if ((table[at_index % queue_num_].flags & kDescNext) == 0) break;
      at_index = table[at_index % queue_num_].next;
    }
  }
  ++served_;
  if (misbehaviour_ == Misbehaviour::kNeverComplete) return;
  uint32_t written = 0;
  uint8_t status = kBlkStatusOk;
  if (chain.size() < 2 || chain.front().len < sizeof(BlkRequestHeader)) {
    status = kBlkStatusIoError;
  } else {
    BlkRequestHeader header;
    memcpy(&header, at(chain.front().addr), sizeof(header));
    uint64_t offset = header.sector * 512;
    for (size_t i = 1; i + 1 < chain.size(); ++i) {
      const Descriptor& d = chain[i];
      if (offset + d.len > disk_.size()) {
        status = kBlkStatusIoError;
        break;
      }
      if (header.type == kBlkTypeIn && (d.flags & kDescWrite) != 0) {
        memcpy(at(d.addr), disk_.data() + offset, d.len);
        written += d.len;
      } else if (header.type == kBlkTypeOut && (d.flags & kDescWrite) == 0) {
        memcpy(disk_.data() + offset, at(d.addr), d.len);
      } else {
        status = kBlkStatusIoError;
        break;
      }
      offset += d.len;
    }
    if (header.type != kBlkTypeIn && header.type != kBlkTypeOut && header.type != kBlkTypeFlush) {
      status = kBlkStatusUnsupported;
    }
  }
  if (misbehaviour_ == Misbehaviour::kBadStatus) status = 0x5a;
  if (misbehaviour_ == Misbehaviour::kIoErrorStatus) status = kBlkStatusIoError;
  *at(chain.back().addr) = status;
  written += 1;

  auto* used = reinterpret_cast<UsedHeader*>(at(device_));
  auto* elements = reinterpret_cast<UsedElement*>(used + 1);
  UsedElement element{head, written};
  if (misbehaviour_ == Misbehaviour::kLengthLies) element.len = written + 4096;
  if (misbehaviour_ == Misbehaviour::kShortLength) element.len = 1;
  if (misbehaviour_ == Misbehaviour::kUnknownId) element.id = queue_num_ + 7;
  if (misbehaviour_ == Misbehaviour::kStaleId)
    element.id = last_head_ == head ? head + 1 : last_head_;
  last_head_ = head;
  elements[used_index_ % queue_num_] = element;
  used_index_ = static_cast<uint16_t>(used_index_ + 1);
  if (misbehaviour_ == Misbehaviour::kUsedIndexRunsAhead) used_index_ += 40;
  __atomic_store_n(&used->idx, used_index_, __ATOMIC_RELEASE);
  interrupt_status_ |= kInterruptUsedBuffer;
}

}  // namespace viper::drivers::virtio::testing
