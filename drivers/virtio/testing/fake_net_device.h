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
// Transmits are served when the driver notifies (in the notifying thread);
// the "interrupt" is only a pending flag the test delivers or holds back.
#pragma once

#include <stdint.h>

#include <mutex>
#include <vector>

#include "drivers/virtio/registers.h"

namespace viper::drivers::virtio::testing {

enum class NetMisbehaviour {
  kNone,
  kUsedIndexRunsAhead,  // the used index jumps past what is in flight
  kUnknownId,           // a used element names a descriptor out of range
  kLengthLies,          // a receive length beyond the buffer
  kRunt,                // a receive length shorter than an Ethernet header
  kHoldTransmits,       // takes transmits and never answers them
};

class FakeNetDevice final : public Registers {
 public:
  struct Options {
    uint32_t version = 2;
    uint64_t features = 0;  // device-specific and transport bits it offers
    uint32_t queue_max = 256;
    uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    bool link_up = true;
  };
  explicit FakeNetDevice(Options options);

  uint32_t read(uint32_t offset) override;
  void write(uint32_t offset, uint32_t value) override;

  void set_misbehaviour(NetMisbehaviour m);
  // Puts a frame in the next posted receive buffer; false (dropped, as a
  // device with no buffer does) when there is none or the device is not
  // running.
  bool inject(const std::vector<uint8_t>& frame);
  // The link changes; a configuration-change interrupt.
  void set_link(bool up);
  bool interrupt_pending();
  std::vector<std::vector<uint8_t>> sent_frames();
  uint32_t posted_receive_buffers();  // available, not yet used
  bool zero_sized_seen();
  uint64_t accepted_features();
  uint32_t status();
  uint64_t resets();

 private:
  struct Queue {
    uint32_t num = 0, ready = 0, pfn = 0;
    uint64_t desc = 0, driver = 0, device = 0;
    uint16_t last_avail = 0, used_index = 0;
  };
  struct Chain {
    uint16_t head = 0;
    std::vector<std::pair<uint64_t, uint32_t>> parts;  // address, bytes
  };
  bool running_locked() const;
  bool next_chain_locked(Queue& q, Chain& out);
  void push_used_locked(Queue& q, uint32_t id, uint32_t length);
  void serve_transmits_locked();
  void reset_locked();
  uint32_t header_bytes() const { return options_.version == 1 ? 10 : 12; }
  static uint8_t* at(uint64_t phys) { return reinterpret_cast<uint8_t*>(phys); }

  std::mutex mutex_;
  Options options_;
  NetMisbehaviour misbehaviour_ = NetMisbehaviour::kNone;
  uint32_t status_ = 0;
  uint32_t device_features_sel_ = 0;
  uint32_t driver_features_sel_ = 0;
  uint64_t driver_features_ = 0;
  uint32_t interrupt_status_ = 0;
  uint32_t queue_sel_ = 0;
  uint32_t page_size_ = 4096;
  uint32_t queue_align_ = 4096;
  Queue queues_[2];
  bool broken_ = false;  // NEEDS_RESET: serves nothing until reset
  bool zero_sized_ = false;
  uint64_t resets_ = 0;
  std::vector<std::vector<uint8_t>> sent_;
};

}  // namespace viper::drivers::virtio::testing
