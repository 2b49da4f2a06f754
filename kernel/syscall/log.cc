// Diagnostics: reading the kernel log (printk's ring, kernel/lib/printk.h),
// what dmesg prints.
#include <viperdos/syscalls.h>

#include "kernel/arch/user_access.h"
#include "kernel/lib/printk.h"
#include "kernel/syscall/calls.h"
#include "kernel/syscall/kernel_buffer.h"

namespace viper::syscall {
namespace {

// (offset, buffer, size) -> bytes copied from `offset` (0 = the oldest byte
// the log still keeps), 0 at the end. At most the whole log (kLogBytes)
// per call: it is copied under the console lock into a kernel buffer, then
// out with no lock held (the copy may fault).
Result<uint64_t> log_read(CallContext&, const Arguments& args) {
  const uint64_t offset = args.value[0];
  const VirtAddr buffer(args.value[1]);
  uint64_t size = args.value[2];
  // The whole buffer the caller names must be user memory (an absurd size
  // wraps or reaches the kernel: kFault), even if the log fills less.
  if (!arch::user_range_ok(buffer, size)) return Error::kFault;
  if (size > kLogBytes) size = kLogBytes;
  if (size == 0) return 0;
  KernelBuffer copy;
  TRY(copy.reserve(size));
  const size_t n = viper::log_read(offset, reinterpret_cast<char*>(copy.data()), size);
  TRY(arch::copy_to_user(buffer, copy.data(), n));
  return n;
}

}  // namespace

void install_log_calls() { install_call(VIPER_SYS_LOG_READ, {"log_read", &log_read}); }

}  // namespace viper::syscall
