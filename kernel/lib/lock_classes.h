// kernel/lib's lock classes: one definition of each name and level
// (docs/lock-order.md, layer 0). //testing/lock_order fails when this
// list and the doc's table disagree.
#pragma once

#include "kernel/lib/lock_class.h"

namespace viper {

inline constexpr LockClassId kConsoleLock{"console", lock_level(0)};

inline constexpr LockClassId kLibLockClasses[] = {
    kConsoleLock,
};

}  // namespace viper
