#include "mm/vm/user_memory.h"

#include "kernel/arch/arch.h"

namespace viper::mm {
namespace {
constinit AsidAllocator g_asids;
PhysAddr g_empty_root;  // written once on the boot CPU before others read it
}  // namespace

AsidAllocator& asid_allocator() { return g_asids; }

Status init_user_memory(PhysicalMemory& memory) {
  const PhysAddr root = TRY(memory.alloc_page());
  arch::zero_page(arch::phys_to_virt(root));
  g_empty_root = root;
  g_asids.limit_to(arch::asid_count());
  return ok_status();
}

void enable_user_memory_on_this_cpu() { arch::enable_user_translation(g_empty_root); }

void switch_address_space(AddressSpace* next) {
  const uint32_t cpu = arch::cpu_id();
  if (!next) {
    g_asids.deactivate(cpu);
    arch::set_user_translation(g_empty_root, 0);
    return;
  }
  const uint16_t asid = g_asids.activate(next->asid_tag(), cpu);
  next->tables().set_asid(asid);
  next->tables().note_cpu(cpu);  // before TTBR0: from now on this TLB may hold it
  arch::set_user_translation(next->tables().root(), asid);
}

void destroy_address_space(AddressSpace* space) { space->destroy(g_asids); }

}  // namespace viper::mm
