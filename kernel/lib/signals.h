// Signals: the readiness bits of a waitable object (ipc/waitable.h). The
// values are the ABI's (<viperdos/handles.h>): waits and pollsets report
// them to user space as they are.
#pragma once

#include <stdint.h>
#include <viperdos/handles.h>

#include "kernel/lib/bitmask.h"

namespace viper {

enum class Signals : uint32_t {
  kNone = 0,
  kReadable = VIPER_SIGNAL_READABLE,       // a channel has a message
  kWritable = VIPER_SIGNAL_WRITABLE,       // a channel's peer queue has room
  kPeerClosed = VIPER_SIGNAL_PEER_CLOSED,  // the other end is gone
  kTimerFired = VIPER_SIGNAL_TIMER_FIRED,  // a timer's deadline passed
  kTerminated = VIPER_SIGNAL_TERMINATED,   // a process ended
  // Eight bits any holder with the signal right may set and clear (events,
  // console input and other pseudo-handles use them).
  kUser0 = VIPER_SIGNAL_USER0,
  kUserMask = VIPER_SIGNAL_USER_MASK,
  kAll = kReadable | kWritable | kPeerClosed | kTimerFired | kTerminated | kUserMask,
};

template <>
inline constexpr bool kIsBitmask<Signals> = true;

// User signal `n` (0..7).
constexpr Signals user_signal(uint32_t n) { return static_cast<Signals>(1u << (8 + n)); }

}  // namespace viper
