#include "kernel/object/console_object.h"

#include "kernel/lib/printk.h"
#include "kernel/object/lock_classes.h"
#include "kernel/object/make_object.h"
#include "mm/kheap/make.h"

namespace viper::object {
namespace {
LockClass g_console_class{kConsoleObjectLock};
}  // namespace

ConsoleObject::ConsoleObject(ObjectId id, Ref<ipc::Event> event)
    : KernelObject(kType, id), event_(move(event)), lock_(g_console_class) {}

Result<Ref<ConsoleObject>> ConsoleObject::create() {
  return make_object<ConsoleObject>(TRY(ipc::Event::create()));
}

void ConsoleObject::destroy() {
  mm::kdelete(this);  // drops the layer-6 reference
}

void ConsoleObject::receive(ConstBytes bytes) {
  uint64_t first_drop = 0;
  {
    IrqSpinlockGuard guard(lock_);
    const size_t room = kInputCapacity - count_;
    const size_t kept = bytes.size() < room ? bytes.size() : room;
    for (size_t i = 0; i < kept; ++i) ring_[(head_ + count_ + i) % kInputCapacity] = bytes[i];
    count_ += kept;
    if (kept < bytes.size()) {
      if (dropped_ == 0) first_drop = bytes.size() - kept;
      dropped_ += bytes.size() - kept;
    }
    // Under the ring lock, so kReadable never disagrees with the ring.
    if (count_ != 0) event_->assert_signals(Signals::kNone, Signals::kReadable);
  }
  if (first_drop != 0) {
    printk(LogLevel::kWarn,
           "console: input buffer full (%zu bytes): dropping typed input (reported once)",
           kInputCapacity);
  }
}

Result<size_t> ConsoleObject::read(Bytes buffer) {
  IrqSpinlockGuard guard(lock_);
  if (count_ == 0) return Error::kWouldBlock;
  const size_t taken = buffer.size() < count_ ? buffer.size() : count_;
  for (size_t i = 0; i < taken; ++i) buffer[i] = ring_[(head_ + i) % kInputCapacity];
  head_ = (head_ + taken) % kInputCapacity;
  count_ -= taken;
  if (count_ == 0) event_->assert_signals(Signals::kReadable, Signals::kNone);
  return taken;
}

void ConsoleObject::write(ConstBytes bytes) const {
  viper::console_write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

size_t ConsoleObject::buffered() const {
  IrqSpinlockGuard guard(lock_);
  return count_;
}

uint64_t ConsoleObject::dropped() const {
  IrqSpinlockGuard guard(lock_);
  return dropped_;
}

Result<size_t> console_read(cap::HandleTable& table, cap::HandleValue console, Bytes buffer) {
  const Ref<ConsoleObject> self = TRY(table.get_as<ConsoleObject>(console, Rights::kRead));
  return self->read(buffer);
}

Status console_write(cap::HandleTable& table, cap::HandleValue console, ConstBytes bytes) {
  const Ref<ConsoleObject> self = TRY(table.get_as<ConsoleObject>(console, Rights::kWrite));
  self->write(bytes);
  return ok_status();
}

}  // namespace viper::object
