#include "drivers/virtio/testing/fake_rng_device.h"

#include "drivers/virtio/virtqueue.h"

namespace viper::drivers::virtio::testing {
namespace {
constexpr uint32_t kDeviceIdEntropy = 4;
}  // namespace

void FakeRngDevice::set_misbehaviour(RngMisbehaviour m) {
  std::lock_guard lock(mutex_);
  misbehaviour_ = m;
}
bool FakeRngDevice::interrupt_pending() {
  std::lock_guard lock(mutex_);
  return interrupt_status_ != 0;
}
uint64_t FakeRngDevice::requests_served() {
  std::lock_guard lock(mutex_);
  return served_;
}

uint32_t FakeRngDevice::read(uint32_t offset) {
  std::lock_guard lock(mutex_);
  switch (offset) {
    case kMagicValue:
      return kMagic;
    case kVersion:
      return version_;
    case kDeviceId:
      return kDeviceIdEntropy;
    case kDeviceFeatures:  // VERSION_1 (bit 32) on version 2, nothing else
      return version_ == 2 && features_sel_ == 1 ? 1u : 0u;
    case kQueueNumMax:
      return 64;
    case kQueueReady:
      return ready_;
    case kLegacyQueuePfn:
      return pfn_;
    case kInterruptStatus:
      return interrupt_status_;
    case kStatus:
      return status_;
    default:
      return 0;
  }
}

void FakeRngDevice::write(uint32_t offset, uint32_t value) {
  std::lock_guard lock(mutex_);
  switch (offset) {
    case kDeviceFeaturesSel:
      features_sel_ = value;
      break;
    case kLegacyGuestPageSize:
      page_size_ = value;
      break;
    case kQueueNum:
      num_ = value;
      break;
    case kLegacyQueueAlign:
      align_ = value;
      break;
    case kLegacyQueuePfn: {
      pfn_ = value;
      desc_ = uint64_t{value} * page_size_;
      driver_ = desc_ + sizeof(Descriptor) * num_;
      const uint64_t avail_end = driver_ + 4 + 2 * num_ + 2;
      device_ = (avail_end + align_ - 1) & ~uint64_t{align_ - 1};
      break;
    }
    case kQueueReady:
      ready_ = value;
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
      serve_locked();
      break;
    case kInterruptAck:
      interrupt_status_ &= ~value;
      break;
    case kStatus:
      status_ = value;
      if (value == 0) {
        interrupt_status_ = 0;
        num_ = ready_ = pfn_ = 0;
        desc_ = driver_ = device_ = 0;
        last_avail_ = used_index_ = 0;
      }
      break;
    default:
      break;
  }
}

void FakeRngDevice::serve_locked() {
  if ((status_ & kStatusDriverOk) == 0 || desc_ == 0) return;
  if (version_ == 2 && ready_ == 0) return;
  const auto* avail = reinterpret_cast<AvailHeader*>(at(driver_));
  const auto* ring = reinterpret_cast<const uint16_t*>(avail + 1);
  const auto* table = reinterpret_cast<const Descriptor*>(at(desc_));
  while (last_avail_ != __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE)) {
    const uint16_t head = ring[last_avail_ % num_];
    ++last_avail_;
    ++served_;
    if (misbehaviour_ == RngMisbehaviour::kNeverComplete) continue;
    const Descriptor& d = table[head % num_];
    for (uint32_t i = 0; i < d.len; ++i) at(d.addr)[i] = byte_at(written_++);
    uint32_t length = d.len;
    if (misbehaviour_ == RngMisbehaviour::kZeroLength) length = 0;
    if (misbehaviour_ == RngMisbehaviour::kLengthLies) length = d.len + 100;
    auto* used = reinterpret_cast<UsedHeader*>(at(device_));
    auto* elements = reinterpret_cast<UsedElement*>(used + 1);
    elements[used_index_ % num_] = UsedElement{head, length};
    used_index_ = static_cast<uint16_t>(used_index_ + 1);
    if (misbehaviour_ == RngMisbehaviour::kUsedIndexRunsAhead) used_index_ += 20;
    __atomic_store_n(&used->idx, used_index_, __ATOMIC_RELEASE);
    interrupt_status_ |= kInterruptUsedBuffer;
  }
}

}  // namespace viper::drivers::virtio::testing
