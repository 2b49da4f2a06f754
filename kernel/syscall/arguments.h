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
