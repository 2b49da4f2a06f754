// Host backend of kernel/arch/user_access.h: there is no MMU, so each user
// byte is found through a resolver the tests install (a software walk of
// an mm:vm address space that faults pages in like the kernel does). A
// byte the resolver cannot produce is a fault: kFault, as on the target.
#include "kernel/arch/host/user_access.h"

#include "kernel/lib/atomic.h"

namespace viper::arch {
namespace {
Atomic<host::UserByteResolver> g_resolver{nullptr};
Atomic<UserFaultResolver> g_fault_resolver{nullptr};

uint8_t* user_byte(VirtAddr address, bool write) {
  host::UserByteResolver resolver = g_resolver.load(MemoryOrder::kAcquire);
  return resolver ? resolver(address, write) : nullptr;
}
}  // namespace

void host::set_user_byte_resolver(UserByteResolver resolver) {
  g_resolver.store(resolver, MemoryOrder::kRelease);
}

void set_user_fault_resolver(UserFaultResolver resolver) {
  g_fault_resolver.store(resolver, MemoryOrder::kRelease);
}

// The host has no instruction cache to keep coherent with user memory.
void sync_user_code(VirtAddr, size_t) {}
void sync_code_alias(const void*, size_t) {}

Status copy_from_user(void* to, VirtAddr from, size_t bytes) {
  if (!user_range_ok(from, bytes)) return Error::kFault;
  auto* out = static_cast<uint8_t*>(to);
  for (size_t i = 0; i < bytes; ++i) {
    const uint8_t* byte = user_byte(from + i, false);
    if (!byte) return Error::kFault;
    out[i] = __atomic_load_n(byte, __ATOMIC_RELAXED);  // other threads may write user memory
  }
  return ok_status();
}

Status copy_to_user(VirtAddr to, const void* from, size_t bytes) {
  if (!user_range_ok(to, bytes)) return Error::kFault;
  const auto* in = static_cast<const uint8_t*>(from);
  for (size_t i = 0; i < bytes; ++i) {
    uint8_t* byte = user_byte(to + i, true);
    if (!byte) return Error::kFault;
    __atomic_store_n(byte, in[i], __ATOMIC_RELAXED);
  }
  return ok_status();
}

Result<size_t> copy_string_from_user(char* to, VirtAddr from, size_t capacity) {
  if (capacity == 0) return Error::kOutOfRange;
  for (size_t i = 0; i < capacity; ++i) {
    if (!user_range_ok(from + i, 1)) return Error::kFault;
    const uint8_t* byte = user_byte(from + i, false);
    if (!byte) return Error::kFault;
    to[i] = static_cast<char>(*byte);
    if (*byte == 0) return i;
  }
  return Error::kOutOfRange;
}

}  // namespace viper::arch
