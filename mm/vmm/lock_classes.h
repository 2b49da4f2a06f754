// The user page tables' lock classes: one definition of each name and level
// (docs/lock-order.md, layer 3). //testing/lock_order fails when this
// list and the doc's table disagree.
#pragma once

#include "kernel/lib/lock_class.h"

namespace viper::mm {

inline constexpr LockClassId kPageTableLock{"mm.page_table", lock_level(3, 0)};
inline constexpr LockClassId kAsidLock{"mm.asid", lock_level(3, 1)};

inline constexpr LockClassId kVmmLockClasses[] = {
    kPageTableLock,
    kAsidLock,
};

}  // namespace viper::mm
