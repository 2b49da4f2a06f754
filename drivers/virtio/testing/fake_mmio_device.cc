#include "drivers/virtio/testing/fake_mmio_device.h"

namespace viper::drivers::virtio::testing {
namespace {

void set_low(uint64_t& field, uint32_t value) { field = (field & ~uint64_t{0xffffffff}) | value; }
void set_high(uint64_t& field, uint32_t value) {
  field = (field & 0xffffffff) | (uint64_t{value} << 32);
}

}  // namespace

bool FakeMmioDevice::interrupt_pending() {
  DeviceLock lock(mutex_);
  return interrupt_status_ != 0;
}
uint64_t FakeMmioDevice::accepted_features() {
  DeviceLock lock(mutex_);
  return driver_features_;
}
uint32_t FakeMmioDevice::status() {
  DeviceLock lock(mutex_);
  return status_;
}
uint64_t FakeMmioDevice::notifications() {
  DeviceLock lock(mutex_);
  return notifications_;
}
uint64_t FakeMmioDevice::requests_served() {
  DeviceLock lock(mutex_);
  return served_;
}

bool FakeMmioDevice::running_locked() const {
  if ((status_ & kStatusDriverOk) == 0) return false;
  for (const Queue& q : queues_) {
    if (q.desc == 0 || (transport_.version == 2 && q.ready == 0)) return false;
  }
  return true;
}

uint32_t FakeMmioDevice::read(uint32_t offset) {
  DeviceLock lock(mutex_);
  const Queue& q = selected_locked();
  switch (offset) {
    case kMagicValue:
      return kMagic;
    case kVersion:
      return transport_.version;
    case kDeviceId:
      return transport_.device_id;
    case kVendorId:
      return transport_.vendor_id;
    case kDeviceFeatures: {
      uint64_t offered = transport_.features;
      if (transport_.version == 2) offered |= feature_bit(kFeatureVersion1);
      return device_features_sel_ < 2
                 ? static_cast<uint32_t>(offered >> (32 * device_features_sel_))
                 : 0;
    }
    case kQueueNumMax:
      return queue_sel_ < queues_.size() ? transport_.queue_max : 0;
    case kQueueReady:
      return q.ready;
    case kLegacyQueuePfn:
      return q.pfn;
    case kInterruptStatus:
      return interrupt_status_;
    case kStatus:
      return status_;
    case kConfigGeneration:
      return 0;
    default:
      return offset >= kConfig ? config_locked(offset - kConfig) : 0;
  }
}

void FakeMmioDevice::write(uint32_t offset, uint32_t value) {
  DeviceLock lock(mutex_);
  Queue& q = selected_locked();
  switch (offset) {
    case kDeviceFeaturesSel:
      device_features_sel_ = value;
      break;
    case kDriverFeaturesSel:
      driver_features_sel_ = value;
      break;
    case kDriverFeatures: {
      if (driver_features_sel_ >= 2) break;
      const uint32_t shift = 32 * driver_features_sel_;
      driver_features_ =
          (driver_features_ & ~(uint64_t{0xffffffff} << shift)) | (uint64_t{value} << shift);
      break;
    }
    case kLegacyGuestPageSize:
      page_size_ = value;
      break;
    case kQueueSel:
      queue_sel_ = value;
      break;
    case kQueueNum:
      q.num = value;
      break;
    case kLegacyQueueAlign:
      queue_align_ = value;
      break;
    case kLegacyQueuePfn: {
      // The legacy layout (4.2.4): descriptors, then the available ring,
      // then the used ring at the next queue_align boundary.
      q.pfn = value;
      q.desc = uint64_t{value} * page_size_;
      q.driver = q.desc + sizeof(Descriptor) * q.num;
      const uint64_t avail_end = q.driver + 4 + 2 * q.num + 2;
      q.device = (avail_end + queue_align_ - 1) & ~uint64_t{queue_align_ - 1};
      break;
    }
    case kQueueReady:
      q.ready = value;
      break;
    case kQueueDescLow:
      set_low(q.desc, value);
      break;
    case kQueueDescHigh:
      set_high(q.desc, value);
      break;
    case kQueueDriverLow:
      set_low(q.driver, value);
      break;
    case kQueueDriverHigh:
      set_high(q.driver, value);
      break;
    case kQueueDeviceLow:
      set_low(q.device, value);
      break;
    case kQueueDeviceHigh:
      set_high(q.device, value);
      break;
    case kQueueNotify:
      ++notifications_;
      notified_locked(value);
      break;
    case kInterruptAck:
      interrupt_status_ &= ~value;
      break;
    case kStatus:
      write_status_locked(value);
      break;
    default:
      break;
  }
}

void FakeMmioDevice::write_status_locked(uint32_t value) {
  if (value == 0) {
    // A reset forgets what the driver negotiated and set up; the selectors,
    // the legacy page size and alignment are the driver's to write again.
    status_ = 0;
    driver_features_ = 0;
    interrupt_status_ = 0;
    for (Queue& q : queues_) q = Queue();
    reset_locked();
  } else if ((value & kStatusFeaturesOk) != 0 && transport_.refuse_features_ok) {
    status_ = value & ~kStatusFeaturesOk;
  } else {
    status_ = value;
  }
}

uint16_t FakeMmioDevice::avail_index_locked(const Queue& q) const {
  const auto* avail = reinterpret_cast<const AvailHeader*>(at(q.driver));
  return __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE);
}

void FakeMmioDevice::pop_chain_locked(Queue& q, Chain& out) {
  const auto* ring = reinterpret_cast<const uint16_t*>(at(q.driver) + sizeof(AvailHeader));
  const auto* table = reinterpret_cast<const Descriptor*>(at(q.desc));
  out = Chain();
  out.head = ring[q.last_avail % q.num];
  ++q.last_avail;
  ++served_;
  const Descriptor& first = table[out.head % q.num];
  if ((first.flags & kDescIndirect) != 0) {
    out.indirect = true;
    const auto* indirect = reinterpret_cast<const Descriptor*>(at(first.addr));
    const size_t n = first.len / sizeof(Descriptor);
    for (size_t i = 0; i < n; ++i) {
      out.parts.push_back(indirect[i]);
      if ((indirect[i].flags & kDescNext) == 0) break;
    }
    return;
  }
  uint16_t i = out.head;
  for (uint32_t n = 0; n < q.num; ++n) {
    const Descriptor& d = table[i % q.num];
    out.parts.push_back(d);
    if ((d.flags & kDescNext) == 0) break;
    i = d.next;
  }
}

bool FakeMmioDevice::next_chain_locked(Queue& q, Chain& out) {
  if (avail_index_locked(q) == q.last_avail) return false;
  pop_chain_locked(q, out);
  return true;
}

void FakeMmioDevice::push_used_locked(Queue& q, UsedElement element, uint16_t runs_ahead) {
  auto* used = reinterpret_cast<UsedHeader*>(at(q.device));
  auto* elements = reinterpret_cast<UsedElement*>(used + 1);
  elements[q.used_index % q.num] = element;
  q.used_index = static_cast<uint16_t>(q.used_index + 1 + runs_ahead);
  __atomic_store_n(&used->idx, q.used_index, __ATOMIC_RELEASE);
  interrupt_status_ |= kInterruptUsedBuffer;
}

}  // namespace viper::drivers::virtio::testing
