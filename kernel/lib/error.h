// The one error-code enum of ViperDOS, shared by the kernel and the syscall
// ABI: a syscall returns 0 or the negative value of one of these.
#pragma once

#include <stdint.h>

namespace viper {

enum class Error : int32_t {
  kOk = 0,
  kNoMemory = -1,         // an allocation failed
  kInvalidArgument = -2,  // malformed input
  kNotFound = -3,         // no such object, file or entry
  kBadHandle = -4,        // a handle that is not (or no longer) valid
  kAccessDenied = -5,     // the handle lacks a right
  kWouldBlock = -6,       // non-blocking operation cannot proceed now
  kTimedOut = -7,         // a deadline passed
  kPeerClosed = -8,       // the other end of a channel is gone
  kBusy = -9,             // resource in use
  kAlreadyExists = -10,   // name or mapping already present
  kOutOfRange = -11,      // index, address or size outside the valid range
  kNotSupported = -12,    // valid request this kernel does not implement
  kFault = -13,           // bad user pointer
  kInterrupted = -14,     // a blocking call was interrupted (kill, signal)
  kNoSpace = -15,         // a table or queue is full
  kBadState = -16,        // operation not valid in the object's current state
  kOverflow = -17,        // a counter or size would overflow
  kCorrupt = -18,         // malformed data (DTB, ELF, disk image)
  kDoubleFree = -19,      // freeing what is not allocated
};

// Stable name for logs and tests ("NO_MEMORY", ...).
const char* error_name(Error error);

}  // namespace viper
