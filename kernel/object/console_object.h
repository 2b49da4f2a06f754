// The console as a kernel object (layer 7): typed input the UART's
// interrupt handler feeds in (receive), read by whoever holds a handle
// with Rights::kRead (consoled), and output written whole under the
// kernel's console lock (Rights::kWrite), so a line written here never
// interleaves with a printk line.
//
// * Input waits in a ring of kInputCapacity bytes: a 4 KiB paste at full
//   serial speed fits several times over while consoled is scheduled. On
//   overflow the newest bytes are dropped, counted (dropped()) and a
//   warning is printed once: input is never lost silently.
// * The object's waitable is an ipc::Event whose kReadable is set exactly
//   while the ring holds bytes (set and cleared under the ring lock), so a
//   pollset waits on it together with channels (RC-021: nothing polls).
// * One lock, `object.console` (IrqSpinlock: the interrupt handler takes
//   it), held while the ring changes and while kReadable follows it
//   (object.console -> ipc.waitable).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ipc/event.h"
#include "kernel/cap/handle_table.h"
#include "kernel/lib/span.h"
#include "kernel/lib/spinlock.h"
#include "kernel/object/kernel_object.h"

namespace viper::mm {
struct HeapAccess;
}

namespace viper::object {

class ConsoleObject final : public KernelObject {
 public:
  static constexpr ObjectType kType = ObjectType::kConsole;
  static constexpr size_t kInputCapacity = 16384;

  // kNoMemory, kOverflow (object IDs exhausted).
  static Result<Ref<ConsoleObject>> create();
  ipc::Waitable* waitable() const override { return event_.get(); }

  // The interrupt side: appends typed bytes. What does not fit is dropped
  // and counted, with a warning the first time.
  void receive(ConstBytes bytes) EXCLUDES(lock_);
  // Takes up to buffer.size() buffered bytes, oldest first; kWouldBlock
  // when there are none (wait for kReadable).
  Result<size_t> read(Bytes buffer) EXCLUDES(lock_);
  // Writes `bytes` as one console write (no other console output between
  // its first and last byte).
  void write(ConstBytes bytes) const;

  size_t buffered() const EXCLUDES(lock_);
  uint64_t dropped() const EXCLUDES(lock_);

 private:
  friend struct mm::HeapAccess;
  ConsoleObject(ObjectId id, Ref<ipc::Event> event);
  void destroy() override;

  Ref<ipc::Event> event_;
  mutable IrqSpinlock lock_;
  uint8_t ring_[kInputCapacity] GUARDED_BY(lock_);
  size_t head_ GUARDED_BY(lock_) = 0;  // oldest byte
  size_t count_ GUARDED_BY(lock_) = 0;
  uint64_t dropped_ GUARDED_BY(lock_) = 0;
};

// The calls on a console handle. console_read needs Rights::kRead,
// console_write Rights::kWrite; kBadHandle for a handle to another type.
Result<size_t> console_read(cap::HandleTable& table, cap::HandleValue console, Bytes buffer);
Status console_write(cap::HandleTable& table, cap::HandleValue console, ConstBytes bytes);

}  // namespace viper::object
