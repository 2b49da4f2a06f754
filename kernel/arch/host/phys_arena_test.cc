// The host's simulated physical memory: physical addresses are not the
// virtual addresses of their direct map, so code that confuses them fails
// here (ARCH-001).
#include "kernel/arch/host/phys_arena.h"

#include "gtest/gtest.h"
#include "kernel/arch/arch.h"

namespace viper::arch::host {
namespace {

TEST(PhysArena, ARCH001_DirectMapIsNotIdentity) {
  PhysArena arena(1 << 20);
  EXPECT_EQ(arena.base(), PhysAddr(0x40000000));
  EXPECT_EQ(arena.size(), size_t{1} << 20);
  const PhysAddr page = arena.base() + PageCount(3);
  const VirtAddr mapped = phys_to_virt(page);
  EXPECT_NE(mapped.value(), page.value());
  EXPECT_EQ(virt_to_phys(mapped), page);
  // Memory is really there and reachable only through the direct map.
  mapped.as<uint64_t>()[0] = 0x1234;
  EXPECT_EQ(phys_to_virt(page).as<uint64_t>()[0], 0x1234u);
}

TEST(PhysArenaDeathTest, AddressesOutsideTheArenaAreRejected) {
  PhysArena arena(1 << 20);
  EXPECT_DEATH(phys_to_virt(arena.end()), "outside the physical arena");
  EXPECT_DEATH(phys_to_virt(PhysAddr(0x1000)), "outside the physical arena");
  int not_in_arena = 0;
  EXPECT_DEATH(virt_to_phys(VirtAddr(&not_in_arena)), "outside the physical arena");
}

}  // namespace
}  // namespace viper::arch::host
