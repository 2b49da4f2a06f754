// The virtio-net driver (layer 8): one receive and one transmit queue per
// NIC, both completed only by the device's interrupt (PERF-007: nothing
// polls). An object::NicDevice (kernel/object/nic_object.h).
//
// * Receive: kRxBuffers buffers of header + 1514 bytes, each posted as a
//   chain of two device-writable descriptors, neither ever zero-sized (the
//   predecessor died on QEMU's "virtio: zero sized buffers are not
//   allowed"). A completed buffer waits, the frame in place, until
//   receive() copies it out (the one copy) and posts it again. At most
//   rx_limit() frames wait; one arriving beyond that is dropped and its
//   buffer reposted at once (rx_dropped), so the ring is never left empty.
// * Transmit: kTxSlots buffers of its own; send() claims a free one, the
//   caller's copy fills it, it goes on the ring; the interrupt frees it.
// * The header before each frame is 10 bytes on the legacy interface and
//   12 with VERSION_1 (NetHeader): the buffers are laid out per device.
// * A device that misbehaves (a used index running ahead, an id it never
//   got, a length beyond the buffer) is counted (device_errors) and reset:
//   the frames in flight and those not yet received are lost, as on a
//   wire; the queues are set up again and the NIC goes on. A runt (shorter
//   than header + 14 bytes) is counted and dropped without a reset. A
//   device that will not start again is dead: kIoError from then on.
// * The copies happen with no lock held (a user page may fault): a buffer
//   is claimed under the lock (kFilling, kClaimed), copied, then handed on.
// * Lock: `drivers.virtio_net` (83), an IrqSpinlock (the interrupt handler
//   takes it), around both queues, the buffers' states and the counters;
//   it wakes and sets the signals under it (83 -> sched.wait_queue,
//   83 -> ipc.waitable). Notifies happen after it is dropped.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "drivers/virtio/net_protocol.h"
#include "drivers/virtio/transport.h"
#include "drivers/virtio/virtqueue.h"
#include "ipc/event.h"
#include "kernel/lib/spinlock.h"
#include "kernel/object/nic_object.h"
#include "sched/wait_queue.h"

namespace viper::drivers {

class VirtioNet final : public object::NicDevice {
 public:
  static constexpr uint32_t kRxBuffers = 64;
  static constexpr uint32_t kTxSlots = 32;
  static constexpr uint16_t kRxQueueSize = 2 * kRxBuffers;  // two descriptors a buffer
  static constexpr uint16_t kTxQueueSize = 2 * kTxSlots;
  static constexpr size_t kBufferBytes = 2048;  // header + 1514, rounded up

  // The DMA memory a NIC needs: two rings (4096-aligned) and the buffers.
  struct Memory {
    virtio::DmaRegion rx_queue, tx_queue, buffers;
  };
  static size_t rx_queue_bytes() { return virtio::SplitQueue::bytes_for(kRxQueueSize); }
  static size_t tx_queue_bytes() { return virtio::SplitQueue::bytes_for(kTxQueueSize); }
  static size_t buffer_bytes() { return kBufferBytes * (kRxBuffers + kTxSlots); }

  // What docs/virtio.md's cost table counts.
  struct Stats {
    uint64_t interrupts = 0;  // that found work
    uint64_t rx_notifies = 0, tx_notifies = 0;
  };

  VirtioNet(virtio::Registers& registers, uint32_t index);
  VirtioNet(const VirtioNet&) = delete;
  VirtioNet& operator=(const VirtioNet&) = delete;

  // Negotiates (MAC, STATUS; nothing else), sets up both queues, fills the
  // receive ring and starts the device. kNotSupported for a transport
  // without a usable net device (it is then failed), kInvalidArgument for
  // too little memory, kNoMemory.
  Status start(Memory memory) EXCLUDES(lock_);

  object::NicInfo info() const override EXCLUDES(lock_);
  ipc::Waitable* waitable() const override { return event_.get(); }
  Status send(size_t bytes, object::FrameFill fill, Deadline deadline) override EXCLUDES(lock_);
  Result<size_t> receive(size_t capacity, object::FrameDrain drain, Deadline deadline) override
      EXCLUDES(lock_);

  // The interrupt handler's work.
  void on_interrupt() EXCLUDES(lock_);

  uint32_t header_bytes() const { return header_bytes_; }
  uint32_t rx_limit() const { return rx_limit_; }
  uint32_t version() const { return transport_.version(); }
  Stats stats() const EXCLUDES(lock_);

 private:
  enum class RxState : uint8_t { kIdle, kPosted, kWaiting, kClaimed };
  enum class TxState : uint8_t { kFree, kFilling, kInFlight };

  // Negotiation, both queues, every idle buffer posted, DRIVER_OK.
  Status setup_locked() REQUIRES(lock_);
  // The device broke the protocol: count it, reset it, start it again.
  void misbehaved_locked() REQUIRES(lock_);
  Status post_rx_locked(uint32_t buffer) REQUIRES(lock_);
  void read_link_locked() REQUIRES(lock_);
  void update_signals_locked() REQUIRES(lock_);
  // Interrupt work, one queue each; false once the device was reset.
  bool drain_rx_locked(bool& repost) REQUIRES(lock_);
  bool drain_tx_locked(bool& freed) REQUIRES(lock_);
  Result<uint32_t> claim_tx_locked() REQUIRES(lock_);
  Result<uint32_t> claim_rx_locked(size_t capacity) REQUIRES(lock_);
  void notify(uint16_t queue) EXCLUDES(lock_);

  uint8_t* buffer(uint32_t i) const { return memory_.buffers.virt + i * kBufferBytes; }
  uint64_t buffer_phys(uint32_t i) const { return memory_.buffers.phys + i * kBufferBytes; }
  static uint32_t tx_buffer(uint32_t slot) { return kRxBuffers + slot; }

  virtio::Transport transport_;
  const uint32_t index_;
  Memory memory_;
  Ref<ipc::Event> event_;
  uint32_t header_bytes_ = virtio::kNetHeaderBytes;
  bool has_status_ = false;
  uint8_t mac_[6] = {};
  uint32_t rx_count_ = 0;  // buffers the device's queue size allows
  uint32_t rx_limit_ = 0;  // frames that may wait
  uint32_t tx_count_ = 0;

  mutable IrqSpinlock lock_;
  virtio::SplitQueue rx_queue_ GUARDED_BY(lock_);
  virtio::SplitQueue tx_queue_ GUARDED_BY(lock_);
  bool started_ GUARDED_BY(lock_) = false;
  bool dead_ GUARDED_BY(lock_) = false;
  bool link_up_ GUARDED_BY(lock_) = true;
  RxState rx_state_[kRxBuffers] GUARDED_BY(lock_) = {};
  uint16_t rx_length_[kRxBuffers] GUARDED_BY(lock_) = {};  // frame bytes, while kWaiting
  uint8_t rx_of_head_[virtio::SplitQueue::kMaxSize] GUARDED_BY(lock_) = {};
  // The waiting frames, oldest first.
  uint8_t waiting_[kRxBuffers] GUARDED_BY(lock_) = {};
  uint32_t waiting_head_ GUARDED_BY(lock_) = 0;
  uint32_t waiting_count_ GUARDED_BY(lock_) = 0;
  TxState tx_state_[kTxSlots] GUARDED_BY(lock_) = {};
  uint8_t tx_of_head_[virtio::SplitQueue::kMaxSize] GUARDED_BY(lock_) = {};
  object::NicInfo counters_ GUARDED_BY(lock_);
  Stats stats_ GUARDED_BY(lock_);
  // Receivers wait for a frame, senders for a free slot; the queues lock
  // themselves.
  sched::WaitQueue rx_ready_;
  sched::WaitQueue tx_space_;
};

}  // namespace viper::drivers
