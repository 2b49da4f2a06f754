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
#include "kernel/lib/thread_annotations.h"

namespace viper::drivers::virtio::testing {

inline constexpr uint32_t kVendorQemu = 0x554d4551;  // "QEMU"

// A host mutex the thread-safety analysis knows, so each hook's "held"
// is checked by the compiler. Not a kernel Spinlock: the device is not
// kernel code, and its lock must stay out of lockdep's order graph (the
// drivers notify with their own locks held).
class CAPABILITY("mutex") DeviceMutex {
 public:
  void lock() ACQUIRE() { mutex_.lock(); }
  void unlock() RELEASE() { mutex_.unlock(); }

 private:
  std::mutex mutex_;
};

class SCOPED_CAPABILITY DeviceLock {
 public:
  explicit DeviceLock(DeviceMutex& mutex) ACQUIRE(mutex) : mutex_(mutex) { mutex_.lock(); }
  ~DeviceLock() RELEASE() { mutex_.unlock(); }
  DeviceLock(const DeviceLock&) = delete;
  DeviceLock& operator=(const DeviceLock&) = delete;

 private:
  DeviceMutex& mutex_;
};

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

  uint32_t read(uint32_t offset) final EXCLUDES(mutex_);
  void write(uint32_t offset, uint32_t value) final EXCLUDES(mutex_);

  // The interrupt line: pending until the driver acknowledges it.
  bool interrupt_pending() EXCLUDES(mutex_);
  uint64_t accepted_features() EXCLUDES(mutex_);
  uint32_t status() EXCLUDES(mutex_);
  uint64_t notifications() EXCLUDES(mutex_);
  uint64_t requests_served() EXCLUDES(mutex_);  // chains taken off an available ring

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
  virtual uint32_t config_locked(uint32_t offset) REQUIRES(mutex_) = 0;  // offset in kConfig
  virtual void notified_locked(uint32_t queue) REQUIRES(mutex_) = 0;
  // What the device clears beyond the transport.
  virtual void reset_locked() REQUIRES(mutex_) {}

  // DRIVER_OK, and every queue given its rings (and, on version 2, ready).
  bool running_locked() const REQUIRES(mutex_);
  Queue& queue_locked(uint32_t index) REQUIRES(mutex_) { return queues_[index]; }
  // The driver's available index, as the device sees it now.
  uint16_t avail_index_locked(const Queue& q) const REQUIRES(mutex_);
  // Takes the next chain, which the caller knows is there: direct
  // descriptors up to the queue size, or an indirect table's entries.
  void pop_chain_locked(Queue& q, Chain& out) REQUIRES(mutex_);
  // Takes the next chain if the driver has posted one.
  bool next_chain_locked(Queue& q, Chain& out) REQUIRES(mutex_);
  // Publishes one used element (release order) and raises the interrupt;
  // runs_ahead moves the used index past it on purpose.
  void push_used_locked(Queue& q, UsedElement element, uint16_t runs_ahead = 0) REQUIRES(mutex_);
  void raise_interrupt_locked(uint32_t bits) REQUIRES(mutex_) { interrupt_status_ |= bits; }
  void set_status_bits_locked(uint32_t bits) REQUIRES(mutex_) { status_ |= bits; }
  uint32_t version() const { return transport_.version; }
  static uint8_t* at(uint64_t phys) { return reinterpret_cast<uint8_t*>(phys); }

  DeviceMutex mutex_;

 private:
  Queue& selected_locked() REQUIRES(mutex_) {
    return queues_[queue_sel_ < queues_.size() ? queue_sel_ : 0];
  }
  void write_status_locked(uint32_t value) REQUIRES(mutex_);

  const Transport transport_;
  std::vector<Queue> queues_ GUARDED_BY(mutex_) = std::vector<Queue>(transport_.queues);
  uint32_t status_ GUARDED_BY(mutex_) = 0;
  uint32_t device_features_sel_ GUARDED_BY(mutex_) = 0;
  uint32_t driver_features_sel_ GUARDED_BY(mutex_) = 0;
  uint64_t driver_features_ GUARDED_BY(mutex_) = 0;
  uint32_t interrupt_status_ GUARDED_BY(mutex_) = 0;
  uint32_t queue_sel_ GUARDED_BY(mutex_) = 0;
  uint32_t page_size_ GUARDED_BY(mutex_) = 4096;
  uint32_t queue_align_ GUARDED_BY(mutex_) = 4096;
  uint64_t notifications_ GUARDED_BY(mutex_) = 0;
  uint64_t served_ GUARDED_BY(mutex_) = 0;
};

}  // namespace viper::drivers::virtio::testing
