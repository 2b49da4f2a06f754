// A virtio-rng device behind a virtio-mmio register block, for host
// tests: it fills each device-writable buffer the driver posts with bytes
// of a known sequence (so a test sees which request got which bytes), in
// version 2 or the legacy version 1, and misbehaves when told to.
// Requests are served when the driver notifies; the "interrupt" is a
// pending flag the test delivers or holds back.
#pragma once

#include <stdint.h>

#include <mutex>

#include "drivers/virtio/registers.h"

namespace viper::drivers::virtio::testing {

enum class RngMisbehaviour {
  kNone,
  kZeroLength,          // says it wrote nothing
  kLengthLies,          // says it wrote more than the buffer holds
  kUsedIndexRunsAhead,  // the used index jumps past what is in flight
  kNeverComplete,       // takes the request and never answers
};

class FakeRngDevice final : public Registers {
 public:
  explicit FakeRngDevice(uint32_t version) : version_(version) {}

  uint32_t read(uint32_t offset) override;
  void write(uint32_t offset, uint32_t value) override;

  void set_misbehaviour(RngMisbehaviour m);
  bool interrupt_pending();
  uint64_t requests_served();
  // The sequence: byte n of all the device ever wrote is uint8_t(n * 7 + 3).
  static uint8_t byte_at(uint64_t n) { return static_cast<uint8_t>(n * 7 + 3); }

 private:
  void serve_locked();
  static uint8_t* at(uint64_t phys) { return reinterpret_cast<uint8_t*>(phys); }

  std::mutex mutex_;
  const uint32_t version_;
  RngMisbehaviour misbehaviour_ = RngMisbehaviour::kNone;
  uint32_t status_ = 0;
  uint32_t features_sel_ = 0;
  uint32_t interrupt_status_ = 0;
  uint32_t num_ = 0, ready_ = 0, pfn_ = 0;
  uint32_t page_size_ = 4096, align_ = 4096;
  uint64_t desc_ = 0, driver_ = 0, device_ = 0;
  uint16_t last_avail_ = 0, used_index_ = 0;
  uint64_t served_ = 0;
  uint64_t written_ = 0;  // bytes of the sequence handed out so far
};

}  // namespace viper::drivers::virtio::testing
