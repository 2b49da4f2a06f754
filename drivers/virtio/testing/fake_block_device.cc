#include "drivers/virtio/testing/fake_block_device.h"

#include <string.h>

#include "drivers/virtio/block_protocol.h"
#include "drivers/virtio/transport.h"

namespace viper::drivers::virtio::testing {
namespace {

FakeMmioDevice::Transport transport_of(const FakeBlockDevice::Options& options) {
  uint64_t features = options.features;
  if (options.seg_max != 0) features |= feature_bit(kBlkFeatureSegMax);
  return {.version = options.version,
          .device_id = kDeviceIdBlock,
          .features = features,
          .queue_max = options.queue_max,
          .refuse_features_ok = options.refuse_features_ok};
}

}  // namespace

FakeBlockDevice::FakeBlockDevice(Options options)
    // Backed up to 32 MiB: a bigger reported capacity tests the driver's
    // arithmetic; requests past the backing fail with IOERR.
    : FakeMmioDevice(transport_of(options)),
      options_(options),
      disk_((options.sectors < 65536 ? options.sectors : 65536) * 512, 0) {}

void FakeBlockDevice::set_misbehaviour(Misbehaviour m) {
  DeviceLock lock(mutex_);
  misbehaviour_ = m;
}
bool FakeBlockDevice::used_indirect() {
  DeviceLock lock(mutex_);
  return used_indirect_;
}
std::vector<uint8_t> FakeBlockDevice::disk_bytes(uint64_t offset, uint64_t size) {
  DeviceLock lock(mutex_);
  return {disk_.begin() + offset, disk_.begin() + offset + size};
}
void FakeBlockDevice::fill_disk(uint64_t offset, const std::vector<uint8_t>& bytes) {
  DeviceLock lock(mutex_);
  memcpy(disk_.data() + offset, bytes.data(), bytes.size());
}

uint32_t FakeBlockDevice::config_locked(uint32_t offset) {
  switch (offset) {
    case kBlkConfigCapacity:
      return static_cast<uint32_t>(options_.sectors);
    case kBlkConfigCapacity + 4:
      return static_cast<uint32_t>(options_.sectors >> 32);
    case kBlkConfigSegMax:
      return options_.seg_max;
    default:
      return 0;
  }
}

// One queue: any notify serves what was available when it came.
void FakeBlockDevice::notified_locked(uint32_t) {
  if (!running_locked()) return;
  Queue& q = queue_locked(0);
  const uint16_t index = avail_index_locked(q);
  Chain chain;
  while (q.last_avail != index) {
    pop_chain_locked(q, chain);
    serve_one_locked(q, chain);
  }
}

void FakeBlockDevice::serve_one_locked(Queue& q, const Chain& chain) {
  if (chain.indirect) used_indirect_ = true;
  if (misbehaviour_ == Misbehaviour::kNeverComplete) return;
  uint32_t written = 0;
  uint8_t status = request_locked(chain, written);
  if (misbehaviour_ == Misbehaviour::kBadStatus) status = 0x5a;
  if (misbehaviour_ == Misbehaviour::kIoErrorStatus) status = kBlkStatusIoError;
  *at(chain.parts.back().addr) = status;
  written += 1;

  const uint16_t head = chain.head;
  UsedElement element{head, written};
  if (misbehaviour_ == Misbehaviour::kLengthLies) element.len = written + 4096;
  if (misbehaviour_ == Misbehaviour::kShortLength) element.len = 1;
  if (misbehaviour_ == Misbehaviour::kUnknownId) element.id = q.num + 7;
  if (misbehaviour_ == Misbehaviour::kStaleId)
    element.id = last_head_ == head ? head + 1 : last_head_;
  last_head_ = head;
  push_used_locked(q, element, misbehaviour_ == Misbehaviour::kUsedIndexRunsAhead ? 40 : 0);
}

// The header, the data moved to or from the disk, and the status to put
// in the last descriptor; written counts the data bytes put in memory.
uint8_t FakeBlockDevice::request_locked(const Chain& chain, uint32_t& written) {
  if (chain.parts.size() < 2 || chain.parts.front().len < sizeof(BlkRequestHeader)) {
    return kBlkStatusIoError;
  }
  BlkRequestHeader header;
  memcpy(&header, at(chain.parts.front().addr), sizeof(header));
  uint8_t status = kBlkStatusOk;
  uint64_t offset = header.sector * 512;
  for (size_t i = 1; i + 1 < chain.parts.size(); ++i) {
    const Descriptor& d = chain.parts[i];
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
  return status;
}

}  // namespace viper::drivers::virtio::testing
