#include "kernel/arch/host/phys_arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "kernel/arch/backend/arch_inline.h"

namespace viper::arch::host {

DirectMap g_direct_map = {0, 0};

void bad_address(const char* what, uint64_t value) {
  fprintf(stderr, "host direct map: %s 0x%llx is outside the physical arena\n", what,
          static_cast<unsigned long long>(value));
  abort();
}

static_assert(kArenaPhysBase.value() == arch::kArenaPhysBase);

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
  g_direct_map = {0, 0};
  munmap(mapping_, size_);
}

}  // namespace viper::arch::host
