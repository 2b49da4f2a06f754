// Capabilities' lock classes: one definition of each name and level
// (docs/lock-order.md, layer 7). //testing/lock_order fails when this
// list and the doc's table disagree.
#pragma once

#include "kernel/lib/lock_class.h"

namespace viper::cap {

inline constexpr LockClassId kHandleTableLock{"cap.handle_table", lock_level(7, 0)};

inline constexpr LockClassId kCapLockClasses[] = {
    kHandleTableLock,
};

}  // namespace viper::cap
