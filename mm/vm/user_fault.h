// What the kernel does with a fault on a user address that it did not
// cause itself (mm:vm, layer 5): resolve it through the address space, or
// turn it into a fault signal for the task, or end the task. Every path
// ends: a fault never loops (REL-007).
#pragma once

#include <stdint.h>

#include "mm/vm/address_space.h"
#include "sched/signals.h"
#include "sched/task.h"

namespace viper::mm {

enum class FaultOutcome : uint8_t {
  kRetry,          // resolved: run the instruction again
  kDeliverSignal,  // SIGSEGV/SIGBUS is pending for the task's handler
  kTerminate,      // no handler can take it (or it keeps coming back): end the task
};

// Per task (sched::Task::fault_history): the same fault resolved again
// and again means the resolution does not stick (a bug); past kMaxRepeats
// the task ends with a diagnostic.
using sched::FaultHistory;

// `space` may be null (a task without user memory: every fault is SIGSEGV).
// `why` receives a static description for the diagnostic.
FaultOutcome resolve_user_fault(AddressSpace* space, VirtAddr va, Access access,
                                sched::SignalState& signals, FaultHistory& history,
                                const char*& why);

}  // namespace viper::mm
