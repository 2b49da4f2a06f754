// Waking a futex from kernel code (a thread's exit word at thread_exit).
#pragma once

#include <stdint.h>

#include "kernel/syscall/syscall.h"

namespace viper::syscall {

// Wakes at most `count` waiters on the 32-bit word at `address` of the
// caller's process (every one by default); returns how many. More only when
// waiters had to share an overflow queue (futex.cc): those are all woken.
size_t wake_futex(const CallContext& context, uint64_t address, uint64_t count = ~uint64_t{0});

// Which of the hash buckets the word falls in, and how many words of one
// bucket get a queue of their own (the rest share its overflow queue): for
// tests that crowd one bucket.
size_t futex_bucket_index(const CallContext& context, uint64_t address);
inline constexpr size_t kFutexSlotsPerBucket = 8;

}  // namespace viper::syscall
