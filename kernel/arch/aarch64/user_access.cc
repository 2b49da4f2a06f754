#include "kernel/arch/user_access.h"

extern "C" uint64_t arch_copy_from_user(void* to, const void* user_from, uint64_t bytes);
extern "C" uint64_t arch_copy_to_user(void* user_to, const void* from, uint64_t bytes);
extern "C" int64_t arch_copy_string_from_user(char* to, const char* user_from, uint64_t capacity);
extern "C" void arch_sync_instruction_cache(uint64_t start, uint64_t end);

namespace viper::arch {

Status copy_from_user(void* to, VirtAddr from, size_t bytes) {
  if (!user_range_ok(from, bytes)) return Error::kFault;
  return arch_copy_from_user(to, from.as<void>(), bytes) == 0 ? ok_status() : Error::kFault;
}

Status copy_to_user(VirtAddr to, const void* from, size_t bytes) {
  if (!user_range_ok(to, bytes)) return Error::kFault;
  return arch_copy_to_user(to.as<void>(), from, bytes) == 0 ? ok_status() : Error::kFault;
}

void sync_user_code(VirtAddr address, size_t bytes) {
  if (bytes == 0 || !user_range_ok(address, bytes)) return;
  arch_sync_instruction_cache(address.value(), address.value() + bytes);
}

void sync_code_alias(const void* alias, size_t bytes) {
  if (bytes == 0) return;
  const uint64_t start = reinterpret_cast<uint64_t>(alias);
  arch_sync_instruction_cache(start, start + bytes);
}

Result<size_t> copy_string_from_user(char* to, VirtAddr from, size_t capacity) {
  if (capacity == 0) return Error::kOutOfRange;
  // Only the part inside user space may be read; a string running past
  // its end faults like any other bad address.
  const size_t readable =
      from.value() < kUserSpaceTop ? static_cast<size_t>(kUserSpaceTop - from.value()) : 0;
  if (readable == 0) return Error::kFault;
  const size_t limit = capacity < readable ? capacity : readable;
  const int64_t length = arch_copy_string_from_user(to, from.as<char>(), limit);
  if (length == -1) return Error::kFault;
  if (length == -2) return limit < capacity ? Error::kFault : Error::kOutOfRange;
  return static_cast<size_t>(length);
}

}  // namespace viper::arch
