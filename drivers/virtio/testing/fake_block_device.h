// A virtio-blk device behind a virtio-mmio register block, for host tests:
// a RAM disk that serves the split virtqueue the driver set up, in version
// 2 or the legacy version 1, and that misbehaves on purpose when told to.
// The transport (registers, rings, the held-back interrupt) is
// FakeMmioDevice's; requests are served when the driver notifies.
#pragma once

#include <stdint.h>

#include <vector>

#include "drivers/virtio/testing/fake_mmio_device.h"

namespace viper::drivers::virtio::testing {

enum class Misbehaviour {
  kNone,
  kBadStatus,           // the status byte is neither OK nor an error code
  kIoErrorStatus,       // VIRTIO_BLK_S_IOERR
  kUsedIndexRunsAhead,  // the used index jumps past what is in flight
  kLengthLies,          // the used length is more than the chain can hold
  kShortLength,         // the used length says the data was not written
  kUnknownId,           // the used element names a descriptor out of range
  kStaleId,             // ... or one that heads no chain in flight
  kNeverComplete,       // takes the request and never answers
};

class FakeBlockDevice final : public FakeMmioDevice {
 public:
  struct Options {
    uint32_t version = 2;
    uint64_t sectors = 2048;
    uint64_t features = 0;  // device-specific and transport bits it offers
    uint32_t queue_max = 128;
    uint32_t seg_max = 0;  // 0: VIRTIO_BLK_F_SEG_MAX not offered
    bool refuse_features_ok = false;
  };
  explicit FakeBlockDevice(Options options);

  void set_misbehaviour(Misbehaviour m) EXCLUDES(mutex_);
  bool used_indirect() EXCLUDES(mutex_);
  std::vector<uint8_t> disk_bytes(uint64_t offset, uint64_t size) EXCLUDES(mutex_);
  void fill_disk(uint64_t offset, const std::vector<uint8_t>& bytes) EXCLUDES(mutex_);

 private:
  uint32_t config_locked(uint32_t offset) override REQUIRES(mutex_);
  void notified_locked(uint32_t queue) override REQUIRES(mutex_);
  void serve_one_locked(Queue& q, const Chain& chain) REQUIRES(mutex_);
  uint8_t request_locked(const Chain& chain, uint32_t& written) REQUIRES(mutex_);

  const Options options_;
  std::vector<uint8_t> disk_ GUARDED_BY(mutex_);
  Misbehaviour misbehaviour_ GUARDED_BY(mutex_) = Misbehaviour::kNone;
  uint16_t last_head_ GUARDED_BY(mutex_) = 0;
  bool used_indirect_ GUARDED_BY(mutex_) = false;
};

}  // namespace viper::drivers::virtio::testing
