// Rights a handle carries. The values are ABI: system calls will pass them
// as they are. Rights only shrink (duplicate() takes a subset).
#pragma once

#include <stdint.h>

#include "kernel/lib/bitmask.h"

namespace viper {

enum class Rights : uint32_t {
  kNone = 0,
  kRead = 1u << 0,       // receive, read state
  kWrite = 1u << 1,      // send, change state
  kTransfer = 1u << 2,   // may be sent in a message
  kDuplicate = 1u << 3,  // may be duplicated
  kWait = 1u << 4,       // may be waited on (pollsets)
  kSignal = 1u << 5,     // may raise user signals
  kAll = (1u << 6) - 1,
};

template <>
inline constexpr bool kIsBitmask<Rights> = true;

}  // namespace viper
