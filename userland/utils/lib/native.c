/* The ViperDOS-only utilities' shared helpers (native.h). */
#include "userland/utils/lib/native.h"

#include <viperdos/errors.h>

#include "userland/utils/lib/util.h"

const char* util_viper_error(int64_t error) {
  static const char* const kNames[] = {
      [-VIPER_ERR_NO_MEMORY] = "out of memory",
      [-VIPER_ERR_INVALID_ARGUMENT] = "invalid argument",
      [-VIPER_ERR_NOT_FOUND] = "not found",
      [-VIPER_ERR_BAD_HANDLE] = "bad handle",
      [-VIPER_ERR_ACCESS_DENIED] = "access denied",
      [-VIPER_ERR_WOULD_BLOCK] = "would block",
      [-VIPER_ERR_TIMED_OUT] = "timed out",
      [-VIPER_ERR_PEER_CLOSED] = "peer closed",
      [-VIPER_ERR_BUSY] = "busy",
      [-VIPER_ERR_ALREADY_EXISTS] = "already exists",
      [-VIPER_ERR_OUT_OF_RANGE] = "out of range",
      [-VIPER_ERR_NOT_SUPPORTED] = "not supported",
      [-VIPER_ERR_FAULT] = "bad address",
      [-VIPER_ERR_INTERRUPTED] = "interrupted",
      [-VIPER_ERR_NO_SPACE] = "no space",
      [-VIPER_ERR_BAD_STATE] = "bad state",
      [-VIPER_ERR_OVERFLOW] = "overflow",
      [-VIPER_ERR_CORRUPT] = "corrupt",
      [-VIPER_ERR_DOUBLE_FREE] = "double free",
      [-VIPER_ERR_UNKNOWN_CALL] = "unknown system call",
  };
  const int64_t index = -error;
  if (index <= 0 || index >= (int64_t)(sizeof(kNames) / sizeof(kNames[0])) || !kNames[index]) {
    return "unknown error";
  }
  return kNames[index];
}

int util_system_info(struct viper_system_info* info) {
  const int64_t result = viper_system_info(info);
  if (result == 0) return 0;
  util_error("cannot read the system's facts: %s", util_viper_error(result));
  return -1;
}
