// Diagnostics: writing to the kernel console. Until consoled exists this
// is how programs' output reaches the serial port (docs/userspace.md).
#include <viperdos/syscalls.h>

#include "kernel/arch/user_access.h"
#include "kernel/lib/printk.h"
#include "kernel/syscall/calls.h"

namespace viper::syscall {
namespace {

// (bytes, size) -> size. At most VIPER_DEBUG_WRITE_MAX bytes (kOutOfRange
// beyond); one console write, so concurrent writers never interleave
// within a call.
Result<uint64_t> debug_write(CallContext&, const Arguments& args) {
  const VirtAddr bytes(args.value[0]);
  const uint64_t size = args.value[1];
  if (size > VIPER_DEBUG_WRITE_MAX) return Error::kOutOfRange;
  if (!arch::user_range_ok(bytes, size)) return Error::kFault;
  char buffer[VIPER_DEBUG_WRITE_MAX];
  TRY(arch::copy_from_user(buffer, bytes, size));
  console_write(buffer, size);
  return size;
}

}  // namespace

void install_debug_calls() { install_call(VIPER_SYS_DEBUG_WRITE, {"debug_write", &debug_write}); }

}  // namespace viper::syscall
