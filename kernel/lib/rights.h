// Rights a handle carries. The values are the ABI's (<viperdos/handles.h>),
// defined once for C and C++. Rights only shrink (duplicate() takes a subset).
#pragma once

#include <stdint.h>
#include <viperdos/handles.h>

#include "kernel/lib/bitmask.h"

namespace viper {

enum class Rights : uint32_t {
  kNone = 0,
  kRead = VIPER_RIGHT_READ,            // receive, read state
  kWrite = VIPER_RIGHT_WRITE,          // send, change state
  kTransfer = VIPER_RIGHT_TRANSFER,    // may be sent in a message
  kDuplicate = VIPER_RIGHT_DUPLICATE,  // may be duplicated
  kWait = VIPER_RIGHT_WAIT,            // may be waited on (pollsets)
  kSignal = VIPER_RIGHT_SIGNAL,        // may raise user signals
  kAll = VIPER_RIGHTS_ALL,
};

template <>
inline constexpr bool kIsBitmask<Rights> = true;

}  // namespace viper
