// Waking a futex from kernel code (a thread's exit word at thread_exit).
#pragma once

#include <stdint.h>

#include "kernel/syscall/syscall.h"

namespace viper::syscall {

// Wakes every waiter on the 32-bit word at `address` of the caller's
// process; returns how many.
size_t wake_futex(const CallContext& context, uint64_t address);

}  // namespace viper::syscall
