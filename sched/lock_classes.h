// The scheduler's lock classes: one definition of each name and level
// (docs/lock-order.md, layer 4). //testing/lock_order fails when this
// list and the doc's table disagree.
#pragma once

#include "kernel/lib/lock_class.h"

namespace viper::sched {

inline constexpr LockClassId kTaskTableLock{"sched.task_table", lock_level(4, 6)};
inline constexpr LockClassId kWaitQueueLock{"sched.wait_queue", lock_level(4, 4)};
inline constexpr LockClassId kRunQueueLock{"sched.run_queue", lock_level(4, 2)};
inline constexpr LockClassId kTimerQueueLock{"sched.timer_queue", lock_level(4, 1)};
inline constexpr LockClassId kStackSlotsLock{"sched.stack_slots", lock_level(4, 0)};

inline constexpr LockClassId kSchedLockClasses[] = {
    kTaskTableLock, kWaitQueueLock, kRunQueueLock, kTimerQueueLock, kStackSlotsLock,
};

}  // namespace viper::sched
