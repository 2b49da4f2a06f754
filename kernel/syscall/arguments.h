// Reading system-call arguments: the checks every call makes the same way.
#pragma once

#include <viperdos/syscalls.h>

#include "kernel/arch/user_access.h"
#include "kernel/cap/handle_table.h"
#include "kernel/lib/bitmask.h"
#include "kernel/lib/deadline.h"
#include "kernel/lib/result.h"
#include "kernel/lib/rights.h"
#include "kernel/lib/signals.h"
#include "mm/vmm/prot.h"

namespace viper::syscall {

inline cap::HandleValue handle_arg(uint64_t raw) { return cap::HandleValue{raw}; }

// Rights and signals must be known bits, nothing else (kInvalidArgument).
inline Result<Rights> rights_arg(uint64_t raw) {
  if (raw > VIPER_RIGHTS_ALL) return Error::kInvalidArgument;
  return from_raw<Rights>(static_cast<uint32_t>(raw));
}
inline Result<Signals> signals_arg(uint64_t raw) {
  if (raw > 0xffffffffu || any(from_raw<Signals>(static_cast<uint32_t>(raw)) & ~Signals::kAll)) {
    return Error::kInvalidArgument;
  }
  return from_raw<Signals>(static_cast<uint32_t>(raw));
}
inline Deadline deadline_arg(uint64_t raw) {
  return raw == VIPER_DEADLINE_NEVER ? Deadline::never() : Deadline::at(raw);
}

// VIPER_PROT_* to mm's protections; writable and executable at once is
// refused (W^X), as are unknown bits (kInvalidArgument).
inline Result<uint32_t> prot_arg(uint64_t raw) {
  if (raw & ~uint64_t{VIPER_PROT_READ | VIPER_PROT_WRITE | VIPER_PROT_EXEC}) {
    return Error::kInvalidArgument;
  }
  if ((raw & VIPER_PROT_WRITE) && (raw & VIPER_PROT_EXEC)) return Error::kInvalidArgument;
  return ((raw & VIPER_PROT_READ) ? mm::kProtRead : 0u) |
         ((raw & VIPER_PROT_WRITE) ? mm::kProtWrite : 0u) |
         ((raw & VIPER_PROT_EXEC) ? mm::kProtExec : 0u);
}

// A user structure, copied in whole (kFault).
template <class T>
Result<T> copy_in(uint64_t address) {
  T value;
  TRY(arch::copy_from_user(&value, VirtAddr(address), sizeof(T)));
  return value;
}
template <class T>
Status copy_out(uint64_t address, const T& value) {
  return arch::copy_to_user(VirtAddr(address), &value, sizeof(T));
}

}  // namespace viper::syscall
