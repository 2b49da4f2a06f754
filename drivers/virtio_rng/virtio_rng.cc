#include "drivers/virtio_rng/virtio_rng.h"

#include "drivers/lock_classes.h"

namespace viper::drivers {
namespace {
LockClass g_rng_class{kVirtioRngLock};
}  // namespace

VirtioRng::VirtioRng(virtio::Registers& registers) : transport_(registers), lock_(g_rng_class) {}

Status VirtioRng::start(virtio::DmaRegion queue, virtio::DmaRegion buffer) {
  TRY(transport_.probe());
  if (transport_.device_id() != kDeviceIdEntropy) return Error::kNotSupported;
  if (buffer.virt == nullptr || buffer.bytes < kBufferBytes) return Error::kInvalidArgument;
  TRY(transport_.negotiate(0));  // virtio-rng has no features of its own
  buffer_ = buffer;
  IrqSpinlockGuard guard(lock_);
  if (Status s = transport_.setup_queue(0, queue_, queue, kQueueSize); !s.ok()) {
    transport_.fail();
    return s;
  }
  transport_.driver_ok();
  started_ = true;
  return ok_status();
}

Result<size_t> VirtioRng::read(uint8_t* out, size_t bytes) {
  if (bytes == 0 || bytes > kBufferBytes) return Error::kInvalidArgument;
  // Take the ring (one request at a time) and put the request on it. The
  // wait's condition only looks (wait_until may check it again after it
  // held): the ring is taken after, under the lock, or waited for again.
  for (;;) {
    TRY(sched::wait_until(
        waiters_,
        [&] {
          IrqSpinlockGuard guard(lock_);
          return !started_ || !busy_;
        },
        Deadline::never()));
    IrqSpinlockGuard guard(lock_);
    if (!started_) return Error::kNotSupported;
    if (busy_) continue;  // another caller took it first
    const virtio::Buffer writable{
        .phys = buffer_.phys, .bytes = static_cast<uint32_t>(bytes), .device_writes = true};
    const uint16_t head = TRY(queue_.add_chain(Span<const virtio::Buffer>(&writable, 1)));
    queue_.make_available(head);
    busy_ = true;
    done_ = false;
    break;
  }
  transport_.notify(0);
  // The interrupt handler records the answer and wakes us.
  const Status waited = sched::wait_until(
      waiters_,
      [&] {
        IrqSpinlockGuard guard(lock_);
        return done_;
      },
      Deadline::never());
  size_t filled = 0;
  Status outcome = ok_status();
  {
    IrqSpinlockGuard guard(lock_);
    if (!waited.ok() && !done_) {
      abandoned_ = true;  // the interrupt frees the ring when it comes
      return waited.error();
    }
    filled = filled_;
    outcome = outcome_;
    for (size_t i = 0; outcome.ok() && i < filled; ++i) out[i] = buffer_.virt[i];
    busy_ = false;
    done_ = false;
  }
  waiters_.wake_all(sched::kernel_waker());  // the next caller may take the ring
  TRY(outcome);
  return filled;
}

void VirtioRng::on_interrupt() {
  (void)transport_.acknowledge_interrupt();
  bool answered = false;
  {
    IrqSpinlockGuard guard(lock_);
    if (!started_) return;
    for (;;) {
      Result<virtio::Completion> c = queue_.next_used();
      if (!c.ok()) {
        if (c.error() == Error::kIoError && busy_) {  // the device broke the protocol
          outcome_ = Error::kIoError;
          filled_ = 0;
          done_ = true;
          started_ = false;
          answered = true;
        }
        break;
      }
      queue_.release(c->head);
      // Nothing written, or more than the buffer: the device cannot be believed.
      const bool honest = !c->length_lies && c->length > 0 && c->length <= c->writable;
      outcome_ = honest ? ok_status() : Status(Error::kIoError);
      filled_ = honest ? c->length : 0;
      done_ = true;
      answered = true;
      if (abandoned_) {  // nobody waits for these bytes: they are dropped
        abandoned_ = false;
        busy_ = false;
        done_ = false;
      }
    }
  }
  if (answered) waiters_.wake_all(sched::kernel_waker());
}

}  // namespace viper::drivers
