// Address spaces' lock classes: one definition of each name and level
// (docs/lock-order.md, layer 5). //testing/lock_order fails when this
// list and the doc's table disagree.
#pragma once

#include "kernel/lib/lock_class.h"

namespace viper::mm {

inline constexpr LockClassId kVmaLock{"mm.vma", lock_level(5, 0)};

inline constexpr LockClassId kVmLockClasses[] = {
    kVmaLock,
};

}  // namespace viper::mm
