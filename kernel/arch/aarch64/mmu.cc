#include "kernel/arch/aarch64/mmu.h"

#include "kernel/arch/aarch64/descriptor_bits.h"
#include "kernel/arch/aarch64/lock_classes.h"
#include "kernel/arch/arch.h"

namespace viper::arch::mmu {
namespace {

namespace desc = aarch64::desc;

constexpr uint64_t kBlockSize = 2ull << 20;  // a level-2 block

uint64_t attributes(Memory memory) {
  switch (memory) {
    case Memory::kText:
      return desc::kAttrNormal | desc::kShInner | desc::kAccessFlag | desc::kApReadOnly |
             desc::kUxn;
    case Memory::kRodata:
      return desc::kAttrNormal | desc::kShInner | desc::kAccessFlag | desc::kApReadOnly |
             desc::kPxn | desc::kUxn;
    case Memory::kData:
      return desc::kAttrNormal | desc::kShInner | desc::kAccessFlag | desc::kPxn | desc::kUxn;
    case Memory::kDevice:
      return desc::kAttrDevice | desc::kAccessFlag | desc::kPxn | desc::kUxn;
  }
  return 0;
}

uint64_t index_at(VirtAddr va, uint32_t level) { return desc::index(va.value(), level); }

uint64_t* table_at(PhysAddr table) { return phys_to_virt(table).as<uint64_t>(); }

}  // namespace

Status KernelTables::create_root() {
  root_ = TRY(allocate_());
  return ok_status();
}

Result<uint64_t*> KernelTables::next_table(uint64_t* table, uint64_t index) {
  const uint64_t entry = table[index];
  if ((entry & desc::kTypeMask) == desc::kTable)
    return table_at(PhysAddr(entry & desc::kAddressMask));
  if (entry & desc::kValid) return Error::kAlreadyExists;  // a block is in the way
  const PhysAddr page = TRY(allocate_());
  table[index] = page.value() | desc::kTable;
  return table_at(page);
}

Status KernelTables::map(VirtAddr va, PhysAddr pa, uint64_t size, Memory memory) {
  if (!va.is_page_aligned() || !pa.is_page_aligned() || (size & (kPageSize - 1)) != 0) {
    return Error::kInvalidArgument;
  }
  const uint64_t attrs = attributes(memory);
  uint64_t done = 0;
  while (done < size) {
    const VirtAddr v = va + done;
    const PhysAddr p = pa + done;
    uint64_t* l1 = TRY(next_table(table_at(root_), index_at(v, 0)));
    uint64_t* l2 = TRY(next_table(l1, index_at(v, 1)));
    const bool block = v.is_aligned(kBlockSize) && p.is_aligned(kBlockSize) &&
                       size - done >= kBlockSize && l2[index_at(v, 2)] == 0;
    if (block) {
      l2[index_at(v, 2)] = p.value() | attrs | desc::kBlock;
      done += kBlockSize;
      continue;
    }
    uint64_t* l3 = TRY(next_table(l2, index_at(v, 2)));
    uint64_t& entry = l3[index_at(v, 3)];
    if (entry & desc::kValid) return Error::kAlreadyExists;
    entry = p.value() | attrs | desc::kPage;
    done += kPageSize;
  }
  asm volatile("dsb ishst" : : : "memory");
  return ok_status();
}

void KernelTables::activate() const {
  asm volatile(
      "msr ttbr1_el1, %0\n"
      "isb\n"
      "mrs x9, tcr_el1\n"
      "orr x9, x9, #(1 << 7)\n"  // TCR_EL1.EPD0: no TTBR0 walks until user space
      "msr tcr_el1, x9\n"
      "isb\n"
      "tlbi vmalle1\n"
      "dsb nsh\n"
      "isb\n"
      :
      : "r"(root_.value())
      : "x9", "memory");
}

Status KernelTables::unmap(VirtAddr va, uint64_t size) {
  if (!va.is_page_aligned() || (size & (kPageSize - 1)) != 0) return Error::kInvalidArgument;
  for (uint64_t done = 0; done < size; done += kPageSize) {
    const VirtAddr v = va + done;
    uint64_t* table = table_at(root_);
    for (uint32_t level = 0; level < desc::kLevels - 1; ++level) {
      const uint64_t entry = table[index_at(v, level)];
      if ((entry & desc::kTypeMask) != desc::kTable) return Error::kNotFound;
      table = table_at(PhysAddr(entry & desc::kAddressMask));
    }
    uint64_t& pte = table[index_at(v, 3)];
    if (!(pte & desc::kValid)) return Error::kNotFound;
    pte = 0;
    // Break before make: the entry is gone, then every CPU forgets it.
    asm volatile(
        "dsb ishst\n"
        "tlbi vaae1is, %0\n"
        "dsb ish\n"
        "isb\n"
        :
        : "r"(v.value() >> kPageShift)
        : "memory");
  }
  return ok_status();
}

namespace {
LockClass g_kernel_tables_class{kKernelTablesLock};
IrqSpinlock g_kernel_tables_lock{g_kernel_tables_class};
KernelTables* g_kernel_tables = nullptr;
}  // namespace

void set_kernel_tables(KernelTables* tables) { g_kernel_tables = tables; }

Status map_kernel(VirtAddr va, PhysAddr pa, uint64_t size, Memory memory) {
  IrqSpinlockGuard guard(g_kernel_tables_lock);
  if (!g_kernel_tables) return Error::kBadState;
  return g_kernel_tables->map(va, pa, size, memory);
}

Status unmap_kernel(VirtAddr va, uint64_t size) {
  IrqSpinlockGuard guard(g_kernel_tables_lock);
  if (!g_kernel_tables) return Error::kBadState;
  return g_kernel_tables->unmap(va, size);
}

bool kernel_can_read(VirtAddr va) {
  uint64_t par;
  asm volatile("at s1e1r, %1\n isb\n mrs %0, par_el1" : "=r"(par) : "r"(va.value()) : "memory");
  return (par & 1) == 0;
}

bool KernelTables::translate(VirtAddr va, PhysAddr& pa) const {
  const uint64_t* table = table_at(root_);
  for (uint32_t level = 0; level < desc::kLevels; ++level) {
    const uint64_t entry = table[index_at(va, level)];
    if (!(entry & desc::kValid)) return false;
    const bool leaf = level == desc::kLevels - 1 || (entry & desc::kTypeMask) == desc::kBlock;
    if (leaf) {
      const uint64_t span = uint64_t{1} << (39 - 9 * level);
      pa = PhysAddr((entry & desc::kAddressMask & ~(span - 1)) | (va.value() & (span - 1)));
      return true;
    }
    table = table_at(PhysAddr(entry & desc::kAddressMask));
  }
  return false;
}

}  // namespace viper::arch::mmu
