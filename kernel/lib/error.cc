#include "kernel/lib/error.h"

namespace viper {

const char* error_name(Error error) {
  switch (error) {
    case Error::kOk:
      return "OK";
    case Error::kNoMemory:
      return "NO_MEMORY";
    case Error::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case Error::kNotFound:
      return "NOT_FOUND";
    case Error::kBadHandle:
      return "BAD_HANDLE";
    case Error::kAccessDenied:
      return "ACCESS_DENIED";
    case Error::kWouldBlock:
      return "WOULD_BLOCK";
    case Error::kTimedOut:
      return "TIMED_OUT";
    case Error::kPeerClosed:
      return "PEER_CLOSED";
    case Error::kBusy:
      return "BUSY";
    case Error::kAlreadyExists:
      return "ALREADY_EXISTS";
    case Error::kOutOfRange:
      return "OUT_OF_RANGE";
    case Error::kNotSupported:
      return "NOT_SUPPORTED";
    case Error::kFault:
      return "FAULT";
    case Error::kInterrupted:
      return "INTERRUPTED";
    case Error::kNoSpace:
      return "NO_SPACE";
    case Error::kBadState:
      return "BAD_STATE";
    case Error::kOverflow:
      return "OVERFLOW";
    case Error::kCorrupt:
      return "CORRUPT";
    case Error::kDoubleFree:
      return "DOUBLE_FREE";
    case Error::kUnknownCall:
      return "UNKNOWN_CALL";
    case Error::kIoError:
      return "IO_ERROR";
  }
  return "UNKNOWN_ERROR";
}

}  // namespace viper
