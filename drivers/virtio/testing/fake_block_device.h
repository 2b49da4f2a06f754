// A virtio-blk device behind a virtio-mmio register block, for host tests:
// a RAM disk that serves the split virtqueue the driver set up (physical
// addresses are host addresses here), in version 2 or the legacy version
// 1, and that misbehaves on purpose when told to.
//
// Requests are served when the driver notifies (in the notifying thread);
// the "interrupt" is only a pending flag: the test decides when the
// driver's interrupt handler runs (deliver it, or hold it back), which is
// how PERF-007's test proves completion comes only through that path.
#pragma once

#include <stdint.h>

#include <mutex>
#include <vector>

#include "drivers/virtio/registers.h"

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

class FakeBlockDevice final : public Registers {
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

  uint32_t read(uint32_t offset) override;
  void write(uint32_t offset, uint32_t value) override;

  void set_misbehaviour(Misbehaviour m);
  // The interrupt line: pending until the driver acknowledges it.
  bool interrupt_pending();
  uint64_t requests_served();
  uint64_t notifications();
  uint64_t accepted_features();
  uint32_t status();
  bool used_indirect();
  std::vector<uint8_t> disk_bytes(uint64_t offset, uint64_t size);
  void fill_disk(uint64_t offset, const std::vector<uint8_t>& bytes);

 private:
  void serve_locked();
  void serve_one_locked(uint16_t head);
  void reset_locked();
  uint8_t* at(uint64_t phys) { return reinterpret_cast<uint8_t*>(phys); }

  std::mutex mutex_;
  Options options_;
  std::vector<uint8_t> disk_;
  Misbehaviour misbehaviour_ = Misbehaviour::kNone;
  uint32_t status_ = 0;
  uint32_t device_features_sel_ = 0;
  uint32_t driver_features_sel_ = 0;
  uint64_t driver_features_ = 0;
  uint32_t interrupt_status_ = 0;
  uint32_t queue_num_ = 0;
  uint32_t queue_ready_ = 0;
  uint32_t page_size_ = 4096;
  uint32_t queue_align_ = 4096;
  uint32_t pfn_ = 0;
  uint64_t desc_ = 0, driver_ = 0, device_ = 0;
  uint16_t last_avail_ = 0;
  uint16_t used_index_ = 0;
  uint16_t last_head_ = 0;
  uint64_t served_ = 0;
  uint64_t notifications_ = 0;
  bool used_indirect_ = false;
};

}  // namespace viper::drivers::virtio::testing
