// The kernel's user-memory state (mm:vm): the ASID allocator, the empty
// table that tasks without user memory run with, and switching TTBR0 +
// ASID when the scheduler switches address spaces.
#pragma once

#include "kernel/lib/result.h"
#include "mm/pmm/physical_memory.h"
#include "mm/vm/address_space.h"
#include "mm/vmm/asid.h"

namespace viper::mm {

// Once, on the boot CPU, before any CPU enables user memory.
Status init_user_memory(PhysicalMemory& memory);
// On every CPU: TTBR0 walks on, the empty table, ASID 0.
void enable_user_memory_on_this_cpu();
// sched::Hooks::switch_address_space: `next` (or nothing) on this CPU.
// Interrupts are masked.
void switch_address_space(AddressSpace* next);
// Frees a space that runs nowhere any more (and its ASID).
void destroy_address_space(AddressSpace* space);

AsidAllocator& asid_allocator();

}  // namespace viper::mm
