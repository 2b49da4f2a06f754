// copy_from_user and friends on the host: the host backend asks a
// resolver for each user byte; here the resolver does what the MMU and
// the kernel's fault path do — walk the address space's tables, fault the
// page in through the address space on a miss, refuse what it cannot
// resolve. So the same VM code decides kFault on the host and on target.
#include "kernel/arch/host/user_access.h"

#include <cstring>

#include "gtest/gtest.h"
#include "kernel/arch/arch.h"
#include "mm/kheap/global.h"
#include "mm/vm/address_space.h"
#include "testing/host/expect_ok.h"
#include "testing/host/heap_environment.h"

namespace viper::mm {
namespace {

VIPER_HOST_KERNEL_HEAP();

AddressSpace* g_current = nullptr;  // the "running" address space

uint8_t* resolve(VirtAddr va, bool write) {
  if (!g_current) return nullptr;
  for (int attempt = 0; attempt < 2; ++attempt) {
    Result<Translation> t = g_current->tables().lookup(va);
    if (t.ok() && (!write || (t.value().prot & kProtWrite))) {
      return arch::phys_to_virt(t.value().frame + va.page_offset()).as<uint8_t>();
    }
    if (g_current->handle_fault(va, write ? Access::kWrite : Access::kRead) !=
        FaultResult::kResolved) {
      return nullptr;
    }
  }
  return nullptr;
}

const VirtAddr kBase(0x30000000);

TEST(UserAccess, CopiesResolveFaultsAndRefuseBadPointers) {
  AsidAllocator asids(16);
  AddressSpace* space = AddressSpace::create(physical_memory()).value();
  ASSERT_OK(space->map_anonymous(kBase, 2 * kPageSize, kProtRead | kProtWrite));
  ASSERT_OK(space->map_anonymous(kBase + 4 * kPageSize, kPageSize, kProtRead));
  g_current = space;
  arch::host::set_user_byte_resolver(&resolve);

  const char text[] = "across a page boundary";
  const VirtAddr straddle = kBase + kPageSize - 5;
  ASSERT_OK(arch::copy_to_user(straddle, text, sizeof(text)));
  EXPECT_EQ(space->resident_pages(), 2u) << "both pages faulted in on the way";
  char back[64] = {};
  ASSERT_OK(arch::copy_from_user(back, straddle, sizeof(text)));
  EXPECT_STREQ(back, text);
  EXPECT_EQ(arch::copy_string_from_user(back, straddle, sizeof(back)).value(), sizeof(text) - 1);
  EXPECT_EQ(arch::copy_string_from_user(back, straddle, 3).error(), Error::kOutOfRange);
  EXPECT_EQ(arch::copy_string_from_user(back, straddle, 0).error(), Error::kOutOfRange);

  EXPECT_EQ(arch::copy_to_user(kBase + 2 * kPageSize - 2, text, 4).error(), Error::kFault)
      << "runs into the hole";
  EXPECT_EQ(arch::copy_to_user(kBase + 4 * kPageSize, text, 1).error(), Error::kFault)
      << "read-only";
  EXPECT_EQ(arch::copy_from_user(back, VirtAddr(uint64_t{16}), 1).error(), Error::kFault);
  EXPECT_EQ(arch::copy_from_user(back, VirtAddr(arch::kUserSpaceTop - 2), 4).error(), Error::kFault)
      << "past the end of user space";
  EXPECT_EQ(arch::copy_from_user(back, VirtAddr(~uint64_t{0} - 1), 4).error(), Error::kFault)
      << "wraps around";

  arch::host::set_user_byte_resolver(nullptr);
  g_current = nullptr;
  space->destroy(asids);
}

}  // namespace
}  // namespace viper::mm
