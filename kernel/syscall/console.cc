// The console: typed input (console_read) and output written whole
// (console_write), through a console handle (kernel/object/console_object.h).
// Only consoled holds one on a running system; init passes it on.
#include "kernel/object/console_object.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"
#include "kernel/syscall/kernel_buffer.h"

namespace viper::syscall {
namespace {

// Faults in every page of a user output buffer (a zero byte each), so the
// copy out cannot fail after input was taken: kFault for an unmapped or
// read-only page. Unless the caller unmaps the buffer from another thread
// meanwhile — its own loss.
Status probe_writable(VirtAddr buffer, uint64_t size) {
  const uint8_t zero = 0;
  for (uint64_t at = 0; at < size;) {
    TRY(arch::copy_to_user(buffer + at, &zero, 1));
    const uint64_t page_end = ((buffer.value() + at) | (kPageSize - 1)) + 1;
    at = page_end - buffer.value();
  }
  return arch::copy_to_user(buffer + (size - 1), &zero, 1);
}

// (console, buffer, size) -> bytes. kWouldBlock when nothing is typed
// (wait for kReadable). The buffer is checked writable first, with or
// without input, so a bad buffer is always refused and costs the typist
// nothing.
Result<uint64_t> console_read(CallContext& c, const Arguments& a) {
  const VirtAddr buffer(a.value[1]);
  const uint64_t size = a.value[2];
  const object::Ref<object::ConsoleObject> console =
      TRY(c.handles.get_as<object::ConsoleObject>(handle_arg(a.value[0]), Rights::kRead));
  if (size == 0 || size > VIPER_CONSOLE_IO_MAX) return Error::kOutOfRange;
  if (!arch::user_range_ok(buffer, size)) return Error::kFault;
  TRY(probe_writable(buffer, size));
  const size_t buffered = console->buffered();
  if (buffered == 0) return Error::kWouldBlock;
  KernelBuffer bytes;
  TRY(bytes.reserve(buffered < size ? buffered : size));
  const size_t taken = TRY(console->read(bytes.bytes()));
  TRY(arch::copy_to_user(buffer, bytes.data(), taken));
  return taken;
}

// (console, bytes, size) -> size: one console write under the console lock.
Result<uint64_t> console_write(CallContext& c, const Arguments& a) {
  const VirtAddr source(a.value[1]);
  const uint64_t size = a.value[2];
  const object::Ref<object::ConsoleObject> console =
      TRY(c.handles.get_as<object::ConsoleObject>(handle_arg(a.value[0]), Rights::kWrite));
  if (size > VIPER_CONSOLE_IO_MAX) return Error::kOutOfRange;
  if (!arch::user_range_ok(source, size)) return Error::kFault;
  KernelBuffer bytes;
  TRY(bytes.reserve(size));
  TRY(arch::copy_from_user(bytes.data(), source, size));
  console->write(bytes.bytes());
  return size;
}

}  // namespace

void install_console_calls() {
  install_call(VIPER_SYS_CONSOLE_READ, {"console_read", &console_read});
  install_call(VIPER_SYS_CONSOLE_WRITE, {"console_write", &console_write});
}

}  // namespace viper::syscall
