#include "drivers/virtio/testing/fake_net_device.h"

#include <string.h>

#include "drivers/virtio/net_protocol.h"
#include "drivers/virtio/virtqueue.h"

namespace viper::drivers::virtio::testing {

FakeNetDevice::FakeNetDevice(Options options) : options_(options) {}

void FakeNetDevice::set_misbehaviour(NetMisbehaviour m) {
  std::lock_guard lock(mutex_);
  misbehaviour_ = m;
}
bool FakeNetDevice::interrupt_pending() {
  std::lock_guard lock(mutex_);
  return interrupt_status_ != 0;
}
std::vector<std::vector<uint8_t>> FakeNetDevice::sent_frames() {
  std::lock_guard lock(mutex_);
  return sent_;
}
bool FakeNetDevice::zero_sized_seen() {
  std::lock_guard lock(mutex_);
  return zero_sized_;
}
uint64_t FakeNetDevice::accepted_features() {
  std::lock_guard lock(mutex_);
  return driver_features_;
}
uint32_t FakeNetDevice::status() {
  std::lock_guard lock(mutex_);
  return status_;
}
uint64_t FakeNetDevice::resets() {
  std::lock_guard lock(mutex_);
  return resets_;
}
uint32_t FakeNetDevice::posted_receive_buffers() {
  std::lock_guard lock(mutex_);
  Queue& q = queues_[kNetQueueReceive];
  if (!running_locked()) return 0;
  const auto* avail = reinterpret_cast<AvailHeader*>(at(q.driver));
  return static_cast<uint16_t>(__atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE) - q.last_avail);
}

void FakeNetDevice::set_link(bool up) {
  std::lock_guard lock(mutex_);
  options_.link_up = up;
  interrupt_status_ |= kInterruptConfigChange;
}

void FakeNetDevice::reset_locked() {
  status_ = 0;
  driver_features_ = 0;
  interrupt_status_ = 0;
  queues_[0] = queues_[1] = Queue();
  broken_ = false;
  ++resets_;
}

bool FakeNetDevice::running_locked() const {
  if ((status_ & kStatusDriverOk) == 0 || broken_) return false;
  for (const Queue& q : queues_) {
    if (q.desc == 0 || (options_.version == 2 && q.ready == 0)) return false;
  }
  return true;
}

uint32_t FakeNetDevice::read(uint32_t offset) {
  std::lock_guard lock(mutex_);
  const Queue& q = queues_[queue_sel_ < 2 ? queue_sel_ : 0];
  switch (offset) {
    case kMagicValue:
      return kMagic;
    case kVersion:
      return options_.version;
    case kDeviceId:
      return kDeviceIdNet;
    case kVendorId:
      return 0x554d4551;  // "QEMU"
    case kDeviceFeatures: {
      uint64_t offered = options_.features;
      if (options_.version == 2) offered |= feature_bit(kFeatureVersion1);
      return static_cast<uint32_t>(offered >> (32 * device_features_sel_));
    }
    case kQueueNumMax:
      return queue_sel_ < 2 ? options_.queue_max : 0;
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
    case kConfig + kNetConfigMac:
      return uint32_t{options_.mac[0]} | uint32_t{options_.mac[1]} << 8 |
             uint32_t{options_.mac[2]} << 16 | uint32_t{options_.mac[3]} << 24;
    case kConfig + kNetConfigMac + 4:
      return uint32_t{options_.mac[4]} | uint32_t{options_.mac[5]} << 8 |
             uint32_t{options_.link_up ? kNetStatusLinkUp : 0u} << 16;
    default:
      return 0;
  }
}

void FakeNetDevice::write(uint32_t offset, uint32_t value) {
  std::lock_guard lock(mutex_);
  Queue& q = queues_[queue_sel_ < 2 ? queue_sel_ : 0];
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
      q.desc = (q.desc & ~uint64_t{0xffffffff}) | value;
      break;
    case kQueueDescHigh:
      q.desc = (q.desc & 0xffffffff) | (uint64_t{value} << 32);
      break;
    case kQueueDriverLow:
      q.driver = (q.driver & ~uint64_t{0xffffffff}) | value;
      break;
    case kQueueDriverHigh:
      q.driver = (q.driver & 0xffffffff) | (uint64_t{value} << 32);
      break;
    case kQueueDeviceLow:
      q.device = (q.device & ~uint64_t{0xffffffff}) | value;
      break;
    case kQueueDeviceHigh:
      q.device = (q.device & 0xffffffff) | (uint64_t{value} << 32);
      break;
    case kQueueNotify:
      if (value == kNetQueueTransmit) serve_transmits_locked();
      break;
    case kInterruptAck:
      interrupt_status_ &= ~value;
      break;
    case kStatus:
      if (value == 0) {
        reset_locked();
      } else {
        status_ = value;
      }
      break;
    default:
      break;
  }
}

bool FakeNetDevice::next_chain_locked(Queue& q, Chain& out) {
  const auto* avail = reinterpret_cast<AvailHeader*>(at(q.driver));
  const auto* ring = reinterpret_cast<const uint16_t*>(avail + 1);
  if (__atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE) == q.last_avail) return false;
  out = Chain();
  out.head = ring[q.last_avail % q.num];
  ++q.last_avail;
  const auto* table = reinterpret_cast<const Descriptor*>(at(q.desc));
  uint16_t i = out.head;
  for (uint32_t n = 0; n < q.num; ++n) {
    const Descriptor& d = table[i % q.num];
    if (d.len == 0) {
      // QEMU: "virtio: zero sized buffers are not allowed", then the device
      // is broken until the driver resets it.
      zero_sized_ = true;
      broken_ = true;
      status_ |= kStatusNeedsReset;
      interrupt_status_ |= kInterruptConfigChange;
      return false;
    }
    out.parts.emplace_back(d.addr, d.len);
    if ((d.flags & kDescNext) == 0) break;
    i = d.next;
  }
  return true;
}

void FakeNetDevice::push_used_locked(Queue& q, uint32_t id, uint32_t length) {
  auto* used = reinterpret_cast<UsedHeader*>(at(q.device));
  auto* elements = reinterpret_cast<UsedElement*>(used + 1);
  if (misbehaviour_ == NetMisbehaviour::kUnknownId) id = q.num + 7;
  elements[q.used_index % q.num] = UsedElement{id, length};
  q.used_index = static_cast<uint16_t>(q.used_index + 1);
  if (misbehaviour_ == NetMisbehaviour::kUsedIndexRunsAhead) q.used_index += 40;
  __atomic_store_n(&used->idx, q.used_index, __ATOMIC_RELEASE);
  interrupt_status_ |= kInterruptUsedBuffer;
}

void FakeNetDevice::serve_transmits_locked() {
  if (!running_locked()) return;
  Queue& q = queues_[kNetQueueTransmit];
  Chain chain;
  while (next_chain_locked(q, chain)) {
    std::vector<uint8_t> bytes;
    for (const auto& [addr, len] : chain.parts) bytes.insert(bytes.end(), at(addr), at(addr) + len);
    // The header first: its size is the interface's (10 legacy, 12 modern).
    if (bytes.size() >= header_bytes()) {
      sent_.emplace_back(bytes.begin() + header_bytes(), bytes.end());
    }
    if (misbehaviour_ == NetMisbehaviour::kHoldTransmits) continue;
    push_used_locked(q, chain.head, 0);
  }
}

bool FakeNetDevice::inject(const std::vector<uint8_t>& frame) {
  std::lock_guard lock(mutex_);
  if (!running_locked()) return false;
  Queue& q = queues_[kNetQueueReceive];
  Chain chain;
  if (!next_chain_locked(q, chain)) return false;
  std::vector<uint8_t> bytes(header_bytes(), 0);
  if (options_.version == 2) bytes[10] = 1;  // num_buffers
  bytes.insert(bytes.end(), frame.begin(), frame.end());
  size_t done = 0;
  for (const auto& [addr, len] : chain.parts) {
    const size_t n = bytes.size() - done < len ? bytes.size() - done : len;
    memcpy(at(addr), bytes.data() + done, n);
    done += n;
  }
  uint32_t length = static_cast<uint32_t>(done);
  if (misbehaviour_ == NetMisbehaviour::kLengthLies) length = 4000;
  if (misbehaviour_ == NetMisbehaviour::kRunt) length = header_bytes() + 6;
  push_used_locked(q, chain.head, length);
  return done == bytes.size();
}

}  // namespace viper::drivers::virtio::testing
