// Kernel objects' lock classes: one definition of each name and level
// (docs/lock-order.md, layer 7). //testing/lock_order fails when this
// list and the doc's table disagree.
#pragma once

#include "kernel/lib/lock_class.h"

namespace viper::object {

inline constexpr LockClassId kProcessRegistryLock{"object.process_registry", lock_level(7, 4)};
inline constexpr LockClassId kProcessLock{"object.process", lock_level(7, 2)};
inline constexpr LockClassId kConsoleObjectLock{"object.console", lock_level(7, 1)};

inline constexpr LockClassId kObjectLockClasses[] = {
    kProcessRegistryLock,
    kProcessLock,
    kConsoleObjectLock,
};

}  // namespace viper::object
