// The physical memory manager's lock classes: one definition of each name and level
// (docs/lock-order.md, layer 1). //testing/lock_order fails when this
// list and the doc's table disagree.
#pragma once

#include "kernel/lib/lock_class.h"

namespace viper::mm {

inline constexpr LockClassId kZoneLock{"pmm.zone", lock_level(1)};
inline constexpr LockClassId kBitmapZoneLock{"pmm.bitmap_zone", lock_level(1)};

inline constexpr LockClassId kPmmLockClasses[] = {
    kZoneLock,
    kBitmapZoneLock,
};

}  // namespace viper::mm
