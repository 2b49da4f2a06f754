// The one error-code enum of ViperDOS, shared by the kernel and the syscall
// ABI: a syscall returns 0 or the negative value of one of these. The values
// are the ABI's (<viperdos/errors.h>), defined once for C and C++.
#pragma once

#include <stdint.h>
#include <viperdos/errors.h>

namespace viper {

enum class Error : int32_t {
  kOk = 0,
  kNoMemory = VIPER_ERR_NO_MEMORY,                // an allocation failed
  kInvalidArgument = VIPER_ERR_INVALID_ARGUMENT,  // malformed input
  kNotFound = VIPER_ERR_NOT_FOUND,                // no such object, file or entry
  kBadHandle = VIPER_ERR_BAD_HANDLE,              // a handle that is not (or no longer) valid
  kAccessDenied = VIPER_ERR_ACCESS_DENIED,        // the handle lacks a right
  kWouldBlock = VIPER_ERR_WOULD_BLOCK,            // non-blocking operation cannot proceed now
  kTimedOut = VIPER_ERR_TIMED_OUT,                // a deadline passed
  kPeerClosed = VIPER_ERR_PEER_CLOSED,            // the other end of a channel is gone
  kBusy = VIPER_ERR_BUSY,                         // resource in use
  kAlreadyExists = VIPER_ERR_ALREADY_EXISTS,      // name or mapping already present
  kOutOfRange = VIPER_ERR_OUT_OF_RANGE,           // index, address or size outside the valid range
  kNotSupported = VIPER_ERR_NOT_SUPPORTED,        // valid request this kernel does not implement
  kFault = VIPER_ERR_FAULT,                       // bad user pointer
  kInterrupted = VIPER_ERR_INTERRUPTED,           // a blocking call was interrupted (kill, signal)
  kNoSpace = VIPER_ERR_NO_SPACE,                  // a table or queue is full
  kBadState = VIPER_ERR_BAD_STATE,        // operation not valid in the object's current state
  kOverflow = VIPER_ERR_OVERFLOW,         // a counter or size would overflow
  kCorrupt = VIPER_ERR_CORRUPT,           // malformed data (DTB, ELF, disk image)
  kDoubleFree = VIPER_ERR_DOUBLE_FREE,    // freeing what is not allocated
  kUnknownCall = VIPER_ERR_UNKNOWN_CALL,  // no system call has this number
  kIoError = VIPER_ERR_IO,                // a device failed a request or answered nonsense
};

// Stable name for logs and tests ("NO_MEMORY", ...).
const char* error_name(Error error);

}  // namespace viper
