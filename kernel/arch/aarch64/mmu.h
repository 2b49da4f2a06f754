// Kernel translation tables (TTBR1): the direct map of all RAM, the kernel
// image with per-section permissions, and device windows. User address
// spaces (TTBR0) come with the VM work.
#pragma once

#include <stdint.h>

#include "kernel/lib/addr.h"
#include "kernel/lib/result.h"
#include "kernel/lib/spinlock.h"

namespace viper::arch::mmu {

enum class Memory {
  kText,    // kernel code: read-only, executable
  kRodata,  // read-only, never executable
  kData,    // read-write, never executable (RAM, kernel data)
  kDevice,  // Device-nGnRnE, read-write, never executable
};

// Supplies zeroed pages for translation tables.
using TablePageAllocator = Result<PhysAddr> (*)();

class KernelTables {
 public:
  explicit KernelTables(TablePageAllocator allocate) : allocate_(allocate) {}

  Status create_root();
  // Maps [pa, pa + size) at va with 2 MiB blocks where alignment allows and
  // 4 KiB pages elsewhere. All three must be page aligned.
  Status map(VirtAddr va, PhysAddr pa, uint64_t size, Memory memory);

  // Removes page mappings (4 KiB pages only) and invalidates them in every
  // CPU's TLB. kNotFound if a page was not mapped.
  Status unmap(VirtAddr va, uint64_t size);

  // Where table pages come from from now on (the page allocator, once it
  // exists, instead of the boot allocator).
  void set_allocator(TablePageAllocator allocate) { allocate_ = allocate; }

  PhysAddr root() const { return root_; }

  // Switches this CPU's TTBR1 to these tables and stops TTBR0 walks (the
  // boot identity map is gone from then on).
  void activate() const;

  // Translates va by walking the tables (for tests and diagnostics);
  // returns false if unmapped.
  bool translate(VirtAddr va, PhysAddr& pa) const;

 private:
  Result<uint64_t*> next_table(uint64_t* table, uint64_t index);

  TablePageAllocator allocate_;
  PhysAddr root_;
};

// The kernel's tables, shared by all CPUs after boot. Changes after boot
// go through these two functions, which serialise on one lock.
void set_kernel_tables(KernelTables* tables);
Status map_kernel(VirtAddr va, PhysAddr pa, uint64_t size, Memory memory);
Status unmap_kernel(VirtAddr va, uint64_t size);
// Whether `va` translates for an EL1 read right now (AT S1E1R).
bool kernel_can_read(VirtAddr va);

}  // namespace viper::arch::mmu
