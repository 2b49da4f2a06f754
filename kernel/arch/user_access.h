// Kernel access to user memory (TTBR0 addresses), for system calls and
// the IPC of user programs. A bad user address — outside user space, not
// user-accessible, or unmapped and not resolvable by the address space —
// makes the call fail with kFault; it never panics the kernel. Faults the
// address space can resolve (first touch, stack growth, copy-on-write)
// are resolved on the way.
//
// On AArch64 the accesses are unprivileged loads/stores (LDTR/STTR: the
// MMU checks them as EL0 accesses) listed in an exception fix-up table:
// a fault the address space cannot resolve resumes at the fix-up, which
// returns the error. The host backend resolves user addresses through a
// resolver the tests install (mm:vm's software walk of an address space).
#pragma once

#include <stddef.h>

#include "kernel/lib/addr.h"
#include "kernel/lib/result.h"

namespace viper::arch {

// The end of the user half of the address space (TTBR0, 48-bit VAs).
inline constexpr uint64_t kUserSpaceTop = 1ull << 48;

Status copy_from_user(void* to, VirtAddr from, size_t bytes);
Status copy_to_user(VirtAddr to, const void* from, size_t bytes);
// A NUL-terminated string of at most capacity - 1 characters; returns its
// length. kFault, or kOutOfRange when no NUL comes within `capacity`.
Result<size_t> copy_string_from_user(char* to, VirtAddr from, size_t capacity);

// After code was written into user memory through copy_to_user, before
// it runs: makes it visible to instruction fetch on every CPU (the running
// address space's mapping of [address, address + bytes)). No-op on the host.
void sync_user_code(VirtAddr address, size_t bytes);

// The same for code written through another mapping of the same memory
// (the direct map, before the page is mapped for the user): cleans
// [alias, alias + bytes) to the point of unification and invalidates every
// CPU's instruction cache. No-op on the host.
void sync_code_alias(const void* alias, size_t bytes);

// Whether [address, address + bytes) lies inside user space.
inline bool user_range_ok(VirtAddr address, size_t bytes) {
  return address.value() < kUserSpaceTop && bytes <= kUserSpaceTop - address.value();
}

// Resolves a kernel-mode fault on a user address: true if it is mapped
// now (the access is retried), false to take the fix-up (or panic if the
// faulting code has none). Installed by the layer that owns address spaces.
using UserFaultResolver = bool (*)(VirtAddr address, bool write);
void set_user_fault_resolver(UserFaultResolver resolver);

}  // namespace viper::arch
