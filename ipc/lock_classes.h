// IPC's lock classes: one definition of each name and level
// (docs/lock-order.md, layer 6). //testing/lock_order fails when this
// list and the doc's table disagree.
#pragma once

#include "kernel/lib/lock_class.h"

namespace viper::ipc {

inline constexpr LockClassId kEndpointTransferLock{"ipc.endpoint_transfer", lock_level(6, 9)};
inline constexpr LockClassId kPollsetTeardownLock{"ipc.pollset_teardown", lock_level(6, 8)};
inline constexpr LockClassId kTimerConfigLock{"ipc.timer_config", lock_level(6, 7)};
inline constexpr LockClassId kChannelLock{"ipc.channel", lock_level(6, 6)};
inline constexpr LockClassId kTimerLock{"ipc.timer", lock_level(6, 6)};
inline constexpr LockClassId kWaitableLock{"ipc.waitable", lock_level(6, 4)};
inline constexpr LockClassId kPollsetLock{"ipc.pollset", lock_level(6, 2)};
inline constexpr LockClassId kRetiredChannelsLock{"ipc.retired_channels", lock_level(6, 1)};

inline constexpr LockClassId kIpcLockClasses[] = {
    kEndpointTransferLock, kPollsetTeardownLock, kTimerConfigLock,     kChannelLock, kTimerLock,
    kWaitableLock,         kPollsetLock,         kRetiredChannelsLock,
};

}  // namespace viper::ipc
