// The kernel's one physical memory manager and heap, set up by the boot
// code (kernel/boot/main.cc) from the device tree's RAM. Host tests build
// their own instances instead.
#pragma once

#include "mm/kheap/kernel_heap.h"
#include "mm/pmm/physical_memory.h"

namespace viper::mm {

PhysicalMemory& physical_memory();
KernelHeap& kernel_heap();

}  // namespace viper::mm
