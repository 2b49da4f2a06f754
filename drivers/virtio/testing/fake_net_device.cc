#include "drivers/virtio/testing/fake_net_device.h"

#include <string.h>

#include "drivers/virtio/net_protocol.h"

namespace viper::drivers::virtio::testing {

FakeNetDevice::FakeNetDevice(Options options)
    : FakeMmioDevice({.version = options.version,
                      .device_id = kDeviceIdNet,
                      .features = options.features,
                      .queues = 2,
                      .queue_max = options.queue_max}),
      options_(options) {}

void FakeNetDevice::set_misbehaviour(NetMisbehaviour m) {
  DeviceLock lock(mutex_);
  misbehaviour_ = m;
}
std::vector<std::vector<uint8_t>> FakeNetDevice::sent_frames() {
  DeviceLock lock(mutex_);
  return sent_;
}
bool FakeNetDevice::zero_sized_seen() {
  DeviceLock lock(mutex_);
  return zero_sized_;
}
uint64_t FakeNetDevice::resets() {
  DeviceLock lock(mutex_);
  return resets_;
}
uint32_t FakeNetDevice::posted_receive_buffers() {
  DeviceLock lock(mutex_);
  if (!serving_locked()) return 0;
  const Queue& q = queue_locked(kNetQueueReceive);
  return static_cast<uint16_t>(avail_index_locked(q) - q.last_avail);
}

void FakeNetDevice::set_link(bool up) {
  DeviceLock lock(mutex_);
  options_.link_up = up;
  raise_interrupt_locked(kInterruptConfigChange);
}

void FakeNetDevice::reset_locked() {
  broken_ = false;
  ++resets_;
}

uint32_t FakeNetDevice::config_locked(uint32_t offset) {
  switch (offset) {
    case kNetConfigMac:
      return uint32_t{options_.mac[0]} | uint32_t{options_.mac[1]} << 8 |
             uint32_t{options_.mac[2]} << 16 | uint32_t{options_.mac[3]} << 24;
    case kNetConfigMac + 4:
      return uint32_t{options_.mac[4]} | uint32_t{options_.mac[5]} << 8 |
             uint32_t{options_.link_up ? kNetStatusLinkUp : 0u} << 16;
    default:
      return 0;
  }
}

// The next chain, unless it holds a zero-sized descriptor: QEMU says
// "virtio: zero sized buffers are not allowed", and the device is then
// broken until the driver resets it.
bool FakeNetDevice::take_locked(Queue& q, Chain& out) {
  if (!next_chain_locked(q, out)) return false;
  for (const Descriptor& d : out.parts) {
    if (d.len != 0) continue;
    zero_sized_ = true;
    broken_ = true;
    set_status_bits_locked(kStatusNeedsReset);
    raise_interrupt_locked(kInterruptConfigChange);
    return false;
  }
  return true;
}

void FakeNetDevice::push_locked(Queue& q, uint32_t id, uint32_t length) {
  if (misbehaviour_ == NetMisbehaviour::kUnknownId) id = q.num + 7;
  push_used_locked(q, UsedElement{id, length},
                   misbehaviour_ == NetMisbehaviour::kUsedIndexRunsAhead ? 40 : 0);
}

// Only the transmit queue is served on notify; receive buffers wait for
// inject().
void FakeNetDevice::notified_locked(uint32_t queue) {
  if (queue != kNetQueueTransmit || !serving_locked()) return;
  Queue& q = queue_locked(kNetQueueTransmit);
  Chain chain;
  while (take_locked(q, chain)) {
    std::vector<uint8_t> bytes;
    for (const Descriptor& d : chain.parts)
      bytes.insert(bytes.end(), at(d.addr), at(d.addr) + d.len);
    // The header first: its size is the interface's (10 legacy, 12 modern).
    if (bytes.size() >= header_bytes()) {
      sent_.emplace_back(bytes.begin() + header_bytes(), bytes.end());
    }
    if (misbehaviour_ == NetMisbehaviour::kHoldTransmits) continue;
    push_locked(q, chain.head, 0);
  }
}

bool FakeNetDevice::inject(const std::vector<uint8_t>& frame) {
  DeviceLock lock(mutex_);
  if (!serving_locked()) return false;
  Queue& q = queue_locked(kNetQueueReceive);
  Chain chain;
  if (!take_locked(q, chain)) return false;
  std::vector<uint8_t> bytes(header_bytes(), 0);
  if (version() == 2) bytes[10] = 1;  // num_buffers
  bytes.insert(bytes.end(), frame.begin(), frame.end());
  size_t done = 0;
  for (const Descriptor& d : chain.parts) {
    const size_t n = bytes.size() - done < d.len ? bytes.size() - done : d.len;
    memcpy(at(d.addr), bytes.data() + done, n);
    done += n;
  }
  uint32_t length = static_cast<uint32_t>(done);
  if (misbehaviour_ == NetMisbehaviour::kLengthLies) length = 4000;
  if (misbehaviour_ == NetMisbehaviour::kRunt) length = header_bytes() + 6;
  push_locked(q, chain.head, length);
  return done == bytes.size();
}

}  // namespace viper::drivers::virtio::testing
