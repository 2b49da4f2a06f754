#include "kernel/arch/host/phys_arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "kernel/arch/backend/arch_inline.h"

namespace viper::arch {
namespace {

// The current arena; read by phys_to_virt from any thread, written only
// while no kernel code runs (test setup and teardown).
struct DirectMap {
  uintptr_t virt_base = 0;
  size_t size = 0;
};
DirectMap g_direct_map;

[[noreturn]] void bad_address(const char* what, uint64_t value) {
  fprintf(stderr, "host direct map: %s 0x%llx is outside the physical arena\n", what,
          static_cast<unsigned long long>(value));
  abort();
}

}  // namespace

VirtAddr phys_to_virt(PhysAddr phys) {
  const uint64_t offset = phys.value() - host::kArenaPhysBase.value();
  if (phys < host::kArenaPhysBase || offset >= g_direct_map.size) {
    bad_address("physical address", phys.value());
  }
  return VirtAddr(g_direct_map.virt_base + offset);
}

bool is_direct_map(VirtAddr virt) {
  return virt.value() >= g_direct_map.virt_base &&
         virt.value() - g_direct_map.virt_base < g_direct_map.size;
}

PhysAddr virt_to_phys(VirtAddr virt) {
  const uint64_t offset = virt.value() - g_direct_map.virt_base;
  if (virt.value() < g_direct_map.virt_base || offset >= g_direct_map.size) {
    bad_address("virtual address", virt.value());
  }
  return host::kArenaPhysBase + offset;
}

namespace host {

PhysArena::PhysArena(size_t bytes) : size_(align_up(bytes, kPageSize)) {
  if (g_direct_map.size != 0) {
    fprintf(stderr, "host: only one PhysArena may exist at a time\n");
    abort();
  }
  mapping_ = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping_ == MAP_FAILED) {
    perror("host: mmap of the physical arena");
    abort();
  }
  // Identity would hide ARCH-001 bugs; mmap never returns 0x4000_0000 for
  // us in practice, but make sure.
  if (reinterpret_cast<uintptr_t>(mapping_) == kArenaPhysBase.value()) abort();
  g_direct_map = {reinterpret_cast<uintptr_t>(mapping_), size_};
}

PhysArena::~PhysArena() {
  g_direct_map = {};
  munmap(mapping_, size_);
}

}  // namespace host
}  // namespace viper::arch
