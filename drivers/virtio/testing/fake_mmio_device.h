// The virtio-mmio transport half of every device model in testing/, for
// host tests: the register block (feature words and their selectors, the
// legacy page size / queue align / PFN and the modern ring addresses,
// QueueSel over any number of queues, status and reset, interrupt status
// and acknowledge, notify) and the split-ring walking (available ring,
// descriptor chains, indirect tables, used-ring writes). Physical
// addresses are host addresses here.
//
// A device model subclasses it and says only what the device is: its id,
// the features and queues it offers, its configuration space, what it does
// when a queue is notified and what else a reset clears. Every hook runs
// with mutex_ held, in the thread that touched the register.
//
// The "interrupt" is only a pending flag: the test decides when the
// driver's interrupt handler runs (deliver it, or hold it back), which is
// how PERF-007's test proves completion comes only through that path.
#pragma once

#include <stdint.h>

#include <mutex>
#include <vector>

#include "drivers/virtio/registers.h"
#include "drivers/virtio/virtqueue.h"

namespace viper::drivers::virtio::testing {

inline constexpr uint32_t kVendorQemu = 0x554d4551;  // "QEMU"

class FakeMmioDevice : public Registers {
 public:
  // What the transport says of the device before any driver asks.
  struct Transport {
    uint32_t version = 2;  // 2, or 1 for the legacy interface
    uint32_t device_id = 0;
    uint32_t vendor_id = kVendorQemu;
    uint64_t features = 0;  // offered; VERSION_1 is added on version 2
    uint32_t queues = 1;    // QueueNumMax is 0 past these
    uint32_t queue_max = 128;
    bool refuse_features_ok = false;  // misbehaviour: FEATURES_OK never sticks
  };

  uint32_t read(uint32_t offset) final;
  void write(uint32_t offset, uint32_t value) final;

  // The interrupt line: pending until the driver acknowledges it.
  bool interrupt_pending();
  uint64_t accepted_features();
  uint32_t status();
  uint64_t notifications();
  uint64_t requests_served();  // chains taken off an available ring

 protected:
  explicit FakeMmioDevice(Transport transport) : transport_(transport) {}
  ~FakeMmioDevice() = default;

  struct Queue {
    uint32_t num = 0, ready = 0, pfn = 0;
    uint64_t desc = 0, driver = 0, device = 0;
    uint16_t last_avail = 0, used_index = 0;
  };
  struct Chain {
    uint16_t head = 0;
    bool indirect = false;          // read from an indirect table
    std::vector<Descriptor> parts;  // in chain order
  };

  // The device's hooks.
  virtual uint32_t config_locked(uint32_t offset) = 0;  // offset in kConfig
  virtual void notified_locked(uint32_t queue) = 0;
  virtual void reset_locked() {}  // what the device clears beyond the transport

  // DRIVER_OK, and every queue given its rings (and, on version 2, ready).
  bool running_locked() const;
  Queue& queue_locked(uint32_t index) { return queues_[index]; }
  // The driver's available index, as the device sees it now.
  uint16_t avail_index_locked(const Queue& q) const;
  // Takes the next chain, which the caller knows is there: direct
  // descriptors up to the queue size, or an indirect table's entries.
  void pop_chain_locked(Queue& q, Chain& out);
  // Takes the next chain if the driver has posted one.
  bool next_chain_locked(Queue& q, Chain& out);
  // Publishes one used element (release order) and raises the interrupt;
  // runs_ahead moves the used index past it on purpose.
  void push_used_locked(Queue& q, UsedElement element, uint16_t runs_ahead = 0);
  void raise_interrupt_locked(uint32_t bits) { interrupt_status_ |= bits; }
  void set_status_bits_locked(uint32_t bits) { status_ |= bits; }
  uint32_t version() const { return transport_.version; }
  static uint8_t* at(uint64_t phys) { return reinterpret_cast<uint8_t*>(phys); }

  std::mutex mutex_;

 private:
  Queue& selected_locked() { return queues_[queue_sel_ < queues_.size() ? queue_sel_ : 0]; }
  void write_status_locked(uint32_t value);

  const Transport transport_;
  std::vector<Queue> queues_ = std::vector<Queue>(transport_.queues);
  uint32_t status_ = 0;
  uint32_t device_features_sel_ = 0;
  uint32_t driver_features_sel_ = 0;
  uint64_t driver_features_ = 0;
  uint32_t interrupt_status_ = 0;
  uint32_t queue_sel_ = 0;
  uint32_t page_size_ = 4096;
  uint32_t queue_align_ = 4096;
  uint64_t notifications_ = 0;
  uint64_t served_ = 0;
};

}  // namespace viper::drivers::virtio::testing
