// Signals: the readiness bits of a waitable object (ipc/waitable.h). The
// values are ABI: waits and pollsets will report them to user space as
// they are.
#pragma once

#include <stdint.h>

#include "kernel/lib/bitmask.h"

namespace viper {

enum class Signals : uint32_t {
  kNone = 0,
  kReadable = 1u << 0,    // a channel has a message
  kWritable = 1u << 1,    // a channel's peer queue has room
  kPeerClosed = 1u << 2,  // the other end is gone
  kTimerFired = 1u << 3,  // a timer's deadline passed
  // Eight bits any holder with the signal right may set and clear (events,
  // console input and other pseudo-handles use them).
  kUser0 = 1u << 8,
  kUserMask = 0xffu << 8,
  kAll = kReadable | kWritable | kPeerClosed | kTimerFired | kUserMask,
};

template <>
inline constexpr bool kIsBitmask<Signals> = true;

// User signal `n` (0..7).
constexpr Signals user_signal(uint32_t n) { return static_cast<Signals>(1u << (8 + n)); }

}  // namespace viper
