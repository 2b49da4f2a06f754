#include "mm/kheap/global.h"

namespace viper::mm {

PhysicalMemory& physical_memory() {
  static PhysicalMemory instance;
  return instance;
}

KernelHeap& kernel_heap() {
  static KernelHeap instance;
  return instance;
}

}  // namespace viper::mm
