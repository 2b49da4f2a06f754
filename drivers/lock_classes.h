// The drivers layer's lock classes: one definition of each name and level
// (docs/lock-order.md, layer 8). //testing/lock_order fails when this list
// and the doc's table disagree.
#pragma once

#include "kernel/lib/lock_class.h"

namespace viper::drivers {

inline constexpr LockClassId kVirtioBlkLock{"drivers.virtio_blk", lock_level(8, 1)};
inline constexpr LockClassId kVirtioRngLock{"drivers.virtio_rng", lock_level(8, 2)};
inline constexpr LockClassId kVirtioNetLock{"drivers.virtio_net", lock_level(8, 3)};

inline constexpr LockClassId kDriverLockClasses[] = {
    kVirtioBlkLock,
    kVirtioRngLock,
    kVirtioNetLock,
};

}  // namespace viper::drivers
