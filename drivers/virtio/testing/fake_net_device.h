// A virtio-net device behind a virtio-mmio register block, for host tests:
// a wire the test holds the other end of. Frames the driver transmits are
// collected (sent_frames()); frames the test injects land in the receive
// buffers the driver posted. Version 2 or the legacy version 1 (whose
// header is 2 bytes shorter), and it misbehaves on purpose when told to.
//
// Like QEMU, it refuses a zero-sized descriptor ("virtio: zero sized
// buffers are not allowed"): the device then sets NEEDS_RESET and serves
// nothing more, which a test sees as frames that never arrive.
//
// The transport (registers, rings, the held-back interrupt) is
// FakeMmioDevice's; transmits are served when the driver notifies.
#pragma once

#include <stdint.h>

#include <vector>

#include "drivers/virtio/testing/fake_mmio_device.h"

namespace viper::drivers::virtio::testing {

enum class NetMisbehaviour {
  kNone,
  kUsedIndexRunsAhead,  // the used index jumps past what is in flight
  kUnknownId,           // a used element names a descriptor out of range
  kLengthLies,          // a receive length beyond the buffer
  kRunt,                // a receive length shorter than an Ethernet header
  kHoldTransmits,       // takes transmits and never answers them
};

class FakeNetDevice final : public FakeMmioDevice {
 public:
  struct Options {
    uint32_t version = 2;
    uint64_t features = 0;  // device-specific and transport bits it offers
    uint32_t queue_max = 256;
    uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    bool link_up = true;
  };
  explicit FakeNetDevice(Options options);

  void set_misbehaviour(NetMisbehaviour m) EXCLUDES(mutex_);
  // Puts a frame in the next posted receive buffer; false (dropped, as a
  // device with no buffer does) when there is none or the device is not
  // running.
  bool inject(const std::vector<uint8_t>& frame) EXCLUDES(mutex_);
  // The link changes; a configuration-change interrupt.
  void set_link(bool up) EXCLUDES(mutex_);
  std::vector<std::vector<uint8_t>> sent_frames() EXCLUDES(mutex_);
  uint32_t posted_receive_buffers() EXCLUDES(mutex_);  // available, not yet used
  bool zero_sized_seen() EXCLUDES(mutex_);
  uint64_t resets() EXCLUDES(mutex_);

 private:
  uint32_t config_locked(uint32_t offset) override REQUIRES(mutex_);
  void notified_locked(uint32_t queue) override REQUIRES(mutex_);
  void reset_locked() override REQUIRES(mutex_);
  bool serving_locked() const REQUIRES(mutex_) { return !broken_ && running_locked(); }
  bool take_locked(Queue& q, Chain& out) REQUIRES(mutex_);
  void push_locked(Queue& q, uint32_t id, uint32_t length) REQUIRES(mutex_);
  uint32_t header_bytes() const { return version() == 1 ? 10 : 12; }

  Options options_ GUARDED_BY(mutex_);
  NetMisbehaviour misbehaviour_ GUARDED_BY(mutex_) = NetMisbehaviour::kNone;
  bool broken_ GUARDED_BY(mutex_) = false;  // NEEDS_RESET: serves nothing until reset
  bool zero_sized_ GUARDED_BY(mutex_) = false;
  uint64_t resets_ GUARDED_BY(mutex_) = 0;
  std::vector<std::vector<uint8_t>> sent_ GUARDED_BY(mutex_);
};

}  // namespace viper::drivers::virtio::testing
