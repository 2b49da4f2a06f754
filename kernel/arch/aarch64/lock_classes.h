// The AArch64 backend's lock classes: one definition of each name and level
// (docs/lock-order.md, layer 3). //testing/lock_order fails when this
// list and the doc's table disagree.
#pragma once

#include "kernel/lib/lock_class.h"

namespace viper::arch::mmu {

// At the page-table layer although the code is in the arch backend: the
// scheduler (layer 4) maps thread stacks through it.
inline constexpr LockClassId kKernelTablesLock{"mmu.kernel_tables", lock_level(3, 0)};

inline constexpr LockClassId kMmuLockClasses[] = {
    kKernelTablesLock,
};

}  // namespace viper::arch::mmu
