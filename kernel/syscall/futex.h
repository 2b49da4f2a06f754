// Waking a futex from kernel code (a thread's exit word at thread_exit).
#pragma once

#include <stdint.h>

#include "kernel/syscall/syscall.h"

namespace viper::syscall {

// Wakes at most `count` waiters on the 32-bit word at `address` of the
// caller's process (every one by default); returns how many. More only when
// waiters had to share an overflow queue (futex.cc): those are all woken.
size_t wake_futex(const CallContext& context, uint64_t address, uint64_t count = ~uint64_t{0});

}  // namespace viper::syscall
