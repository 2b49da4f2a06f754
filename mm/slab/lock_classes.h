// The slab allocator's lock classes: one definition of each name and level
// (docs/lock-order.md, layer 2). //testing/lock_order fails when this
// list and the doc's table disagree.
#pragma once

#include "kernel/lib/lock_class.h"

namespace viper::mm {

inline constexpr LockClassId kSlabCacheLock{"slab.cache", lock_level(2, 1)};

inline constexpr LockClassId kSlabLockClasses[] = {
    kSlabCacheLock,
};

}  // namespace viper::mm
