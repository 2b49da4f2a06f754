#include "drivers/virtio_net/virtio_net.h"

#include "drivers/lock_classes.h"
#include "kernel/arch/arch.h"
#include "sched/blocking.h"

namespace viper::drivers {
namespace {

using virtio::Buffer;
using virtio::feature_bit;

LockClass g_virtio_net_class{kVirtioNetLock};

constexpr uint64_t kWanted =
    feature_bit(virtio::kNetFeatureMac) | feature_bit(virtio::kNetFeatureStatus);

bool passed(Deadline deadline) {
  return !deadline.is_never() && deadline.passed_at(Deadline::now().uptime_ns());
}

}  // namespace

VirtioNet::VirtioNet(virtio::Registers& registers, uint32_t index)
    : transport_(registers), index_(index), lock_(g_virtio_net_class) {}

Status VirtioNet::start(Memory memory) {
  TRY(transport_.probe());
  if (transport_.device_id() != virtio::kDeviceIdNet) return Error::kNotSupported;
  if (memory.buffers.virt == nullptr || memory.buffers.bytes < buffer_bytes() ||
      memory.rx_queue.bytes < rx_queue_bytes() || memory.tx_queue.bytes < tx_queue_bytes()) {
    return Error::kInvalidArgument;
  }
  event_ = TRY(ipc::Event::create());
  memory_ = memory;
  header_bytes_ = transport_.legacy() ? virtio::kNetHeaderLegacyBytes : virtio::kNetHeaderBytes;
  IrqSpinlockGuard guard(lock_);
  if (Status s = setup_locked(); !s.ok()) {
    transport_.fail();
    return s;
  }
  started_ = true;
  update_signals_locked();
  return ok_status();
}

Status VirtioNet::setup_locked() {
  const uint64_t accepted = TRY(transport_.negotiate(kWanted));
  has_status_ = (accepted & feature_bit(virtio::kNetFeatureStatus)) != 0;
  if ((accepted & feature_bit(virtio::kNetFeatureMac)) != 0) {
    const uint32_t low = transport_.config32(virtio::kNetConfigMac);
    const uint32_t high = transport_.config32(virtio::kNetConfigMac + 4);
    for (int i = 0; i < 4; ++i) mac_[i] = static_cast<uint8_t>(low >> (8 * i));
    mac_[4] = static_cast<uint8_t>(high);
    mac_[5] = static_cast<uint8_t>(high >> 8);
  } else {
    // A locally administered address of its own.
    const uint8_t own[6] = {0x02, 0x56, 0x49, 0x50, 0x00, static_cast<uint8_t>(index_)};
    for (int i = 0; i < 6; ++i) mac_[i] = own[i];
  }
  TRY(transport_.setup_queue(virtio::kNetQueueReceive, rx_queue_, memory_.rx_queue, kRxQueueSize));
  TRY(transport_.setup_queue(virtio::kNetQueueTransmit, tx_queue_, memory_.tx_queue, kTxQueueSize));
  if (rx_queue_.size() < 2 || tx_queue_.size() < 2) return Error::kNotSupported;
  rx_count_ = rx_queue_.size() / 2u < kRxBuffers ? rx_queue_.size() / 2u : kRxBuffers;
  tx_count_ = tx_queue_.size() / 2u < kTxSlots ? tx_queue_.size() / 2u : kTxSlots;
  // A quarter of the buffers stays on the ring however many frames wait.
  rx_limit_ = rx_count_ - (rx_count_ + 3) / 4;
  if (rx_limit_ == 0) rx_limit_ = 1;
  for (uint32_t i = 0; i < rx_count_; ++i) {
    if (rx_state_[i] == RxState::kIdle) TRY(post_rx_locked(i));
  }
  read_link_locked();
  transport_.driver_ok();
  return ok_status();
}

Status VirtioNet::post_rx_locked(uint32_t i) {
  // Two device-writable descriptors, the header's and the frame's: both
  // sized, whatever the layout rules of the device (ANY_LAYOUT or not).
  const Buffer chain[] = {
      {buffer_phys(i), header_bytes_, true},
      {buffer_phys(i) + header_bytes_, virtio::kNetFrameMax, true},
  };
  const uint16_t head = TRY(rx_queue_.add_chain(Span<const Buffer>(chain, 2)));
  rx_of_head_[head] = static_cast<uint8_t>(i);
  rx_state_[i] = RxState::kPosted;
  rx_queue_.make_available(head);
  return ok_status();
}

void VirtioNet::read_link_locked() {
  link_up_ = !has_status_ ||
             (transport_.config32(virtio::kNetConfigMac + 4) >> 16 & virtio::kNetStatusLinkUp) != 0;
}

void VirtioNet::update_signals_locked() {
  Signals set = Signals::kNone;
  if (waiting_count_ != 0) set = set | Signals::kReadable;
  bool free_slot = false;
  for (uint32_t i = 0; i < tx_count_; ++i) free_slot |= tx_state_[i] == TxState::kFree;
  if (free_slot && !dead_) set = set | Signals::kWritable;
  event_->assert_signals(Signals::kReadable | Signals::kWritable, set);
}

void VirtioNet::misbehaved_locked() {
  ++counters_.device_errors;
  ++counters_.resets;
  transport_.reset();  // from now on the device touches none of our memory
  // What waited or was in flight is lost; buffers being copied stay theirs.
  for (uint32_t i = 0; i < kRxBuffers; ++i) {
    if (rx_state_[i] != RxState::kClaimed) rx_state_[i] = RxState::kIdle;
  }
  waiting_head_ = waiting_count_ = 0;
  for (uint32_t i = 0; i < kTxSlots; ++i) {
    if (tx_state_[i] == TxState::kInFlight) tx_state_[i] = TxState::kFree;
  }
  if (!setup_locked().ok()) {
    dead_ = true;
    transport_.fail();
  }
  rx_ready_.wake_all(sched::kernel_waker());
  tx_space_.wake_all(sched::kernel_waker());
}

bool VirtioNet::drain_rx_locked(bool& repost) {
  for (;;) {
    Result<virtio::Completion> c = rx_queue_.next_used();
    if (!c.ok()) {
      if (c.error() != Error::kIoError) return true;
      misbehaved_locked();
      return false;
    }
    const uint32_t i = rx_of_head_[c->head];
    rx_queue_.release(c->head);
    rx_state_[i] = RxState::kIdle;
    if (c->length_lies) {  // beyond the buffer: nothing it says is believable
      misbehaved_locked();
      return false;
    }
    if (c->length < header_bytes_ + virtio::kNetFrameMin) {
      ++counters_.device_errors;  // a runt: dropped, the ring goes on
    } else if (waiting_count_ >= rx_limit_) {
      ++counters_.rx_dropped;
    } else {
      rx_length_[i] = static_cast<uint16_t>(c->length - header_bytes_);
      waiting_[(waiting_head_ + waiting_count_) % kRxBuffers] = static_cast<uint8_t>(i);
      ++waiting_count_;
      rx_state_[i] = RxState::kWaiting;
      continue;
    }
    // Dropped: straight back on the ring.
    if (post_rx_locked(i).ok()) repost = true;
  }
}

bool VirtioNet::drain_tx_locked(bool& freed) {
  for (;;) {
    // The used length of a transmit chain says nothing (the device writes
    // no byte of it; QEMU reports 0), so only the index and id are checked.
    Result<virtio::Completion> c = tx_queue_.next_used();
    if (!c.ok()) {
      if (c.error() != Error::kIoError) return true;
      misbehaved_locked();
      return false;
    }
    const uint32_t slot = tx_of_head_[c->head];
    tx_queue_.release(c->head);
    tx_state_[slot] = TxState::kFree;
    freed = true;
  }
}

void VirtioNet::on_interrupt() {
  const uint32_t causes = transport_.acknowledge_interrupt();
  bool repost = false;
  {
    IrqSpinlockGuard guard(lock_);
    if (!started_ || dead_) return;
    if ((causes & virtio::kInterruptConfigChange) != 0) read_link_locked();
    const uint32_t waiting_before = waiting_count_;
    bool freed = false;
    const bool intact = drain_rx_locked(repost) && drain_tx_locked(freed);
    if (!intact) repost = !dead_;  // the reset posted every buffer again
    if (causes != 0) ++stats_.interrupts;
    if (waiting_count_ > waiting_before) rx_ready_.wake_all(sched::kernel_waker());
    if (freed) tx_space_.wake_all(sched::kernel_waker());
    update_signals_locked();
  }
  if (repost) notify(virtio::kNetQueueReceive);
}

void VirtioNet::notify(uint16_t queue) {
  // Ring entries before the notify: the device reads them when notified.
  arch::memory_barrier();
  transport_.notify(queue);
  IrqSpinlockGuard guard(lock_);
  ++(queue == virtio::kNetQueueReceive ? stats_.rx_notifies : stats_.tx_notifies);
}

object::NicInfo VirtioNet::info() const {
  IrqSpinlockGuard guard(lock_);
  object::NicInfo out = counters_;
  for (int i = 0; i < 6; ++i) out.mac[i] = mac_[i];
  out.mtu = 1500;
  out.link_up = link_up_;
  out.index = index_;
  return out;
}

VirtioNet::Stats VirtioNet::stats() const {
  IrqSpinlockGuard guard(lock_);
  return stats_;
}

Result<uint32_t> VirtioNet::claim_tx_locked() {
  if (!started_ || dead_) return Error::kIoError;
  for (uint32_t i = 0; i < tx_count_; ++i) {
    if (tx_state_[i] != TxState::kFree) continue;
    tx_state_[i] = TxState::kFilling;
    update_signals_locked();
    return i;
  }
  return Error::kNoSpace;
}

Status VirtioNet::send(size_t bytes, object::FrameFill fill, Deadline deadline) {
  if (bytes < virtio::kNetFrameMin || bytes > virtio::kNetFrameMax) return Error::kOutOfRange;
  uint32_t slot = kTxSlots;
  Status failed = ok_status();
  // wait_until may ask again after a true answer (its check after
  // prepare_to_wait loops back to the first): a claim is taken only once.
  const auto claim = [&] {
    if (slot != kTxSlots || !failed.ok()) return true;
    IrqSpinlockGuard guard(lock_);
    Result<uint32_t> taken = claim_tx_locked();
    if (taken.ok()) slot = taken.value();
    if (!taken.ok() && taken.error() == Error::kNoSpace) return false;
    if (!taken.ok()) failed = taken.error();
    return true;
  };
  if (passed(deadline)) {
    if (!claim()) return Error::kWouldBlock;
  } else {
    TRY(sched::wait_until(tx_space_, claim, deadline));
  }
  TRY(failed);
  uint8_t* memory = buffer(tx_buffer(slot));
  __builtin_memset(memory, 0, header_bytes_);  // no offloads: an all-zero header
  const Status filled = fill(Bytes(memory + header_bytes_, bytes));
  {
    IrqSpinlockGuard guard(lock_);
    Status posted = filled;
    if (posted.ok() && dead_) posted = Error::kIoError;
    if (posted.ok()) {
      const Buffer chain[] = {
          {buffer_phys(tx_buffer(slot)), header_bytes_, false},
          {buffer_phys(tx_buffer(slot)) + header_bytes_, static_cast<uint32_t>(bytes), false},
      };
      Result<uint16_t> head = tx_queue_.add_chain(Span<const Buffer>(chain, 2));
      if (head.ok()) {
        tx_of_head_[head.value()] = static_cast<uint8_t>(slot);
        tx_state_[slot] = TxState::kInFlight;
        tx_queue_.make_available(head.value());
        ++counters_.tx_frames;
        counters_.tx_bytes += bytes;
      } else {
        posted = head.error();
      }
    }
    if (!posted.ok()) {
      tx_state_[slot] = TxState::kFree;
      update_signals_locked();
      tx_space_.wake_all(sched::kernel_waker());
      return posted;
    }
  }
  notify(virtio::kNetQueueTransmit);
  return ok_status();
}

Result<uint32_t> VirtioNet::claim_rx_locked(size_t capacity) {
  if (!started_ || dead_) return Error::kIoError;
  if (waiting_count_ == 0) return Error::kWouldBlock;
  const uint32_t i = waiting_[waiting_head_];
  if (rx_length_[i] > capacity) return Error::kOutOfRange;  // it stays queued
  waiting_head_ = (waiting_head_ + 1) % kRxBuffers;
  --waiting_count_;
  rx_state_[i] = RxState::kClaimed;
  update_signals_locked();
  return i;
}

Result<size_t> VirtioNet::receive(size_t capacity, object::FrameDrain drain, Deadline deadline) {
  uint32_t i = kRxBuffers;
  Status failed = ok_status();
  const auto claim = [&] {  // taken only once, as send's
    if (i != kRxBuffers || !failed.ok()) return true;
    IrqSpinlockGuard guard(lock_);
    Result<uint32_t> taken = claim_rx_locked(capacity);
    if (taken.ok()) i = taken.value();
    if (!taken.ok() && taken.error() == Error::kWouldBlock) return false;
    if (!taken.ok()) failed = taken.error();
    return true;
  };
  if (passed(deadline)) {
    if (!claim()) return Error::kWouldBlock;
  } else {
    TRY(sched::wait_until(rx_ready_, claim, deadline));
  }
  TRY(failed);
  size_t length = 0;
  {
    IrqSpinlockGuard guard(lock_);
    length = rx_length_[i];
  }
  const Status drained = drain(ConstBytes(buffer(i) + header_bytes_, length));
  bool repost = false;
  {
    IrqSpinlockGuard guard(lock_);
    if (!drained.ok()) {
      // Not delivered: the frame goes back to the front, for the next try.
      waiting_head_ = (waiting_head_ + kRxBuffers - 1) % kRxBuffers;
      waiting_[waiting_head_] = static_cast<uint8_t>(i);
      ++waiting_count_;
      rx_state_[i] = RxState::kWaiting;
      update_signals_locked();
      rx_ready_.wake_all(sched::kernel_waker());
      return drained.error();
    }
    ++counters_.rx_frames;
    counters_.rx_bytes += length;
    rx_state_[i] = RxState::kIdle;
    if (!dead_ && post_rx_locked(i).ok()) repost = true;
  }
  if (repost) notify(virtio::kNetQueueReceive);
  return length;
}

}  // namespace viper::drivers
