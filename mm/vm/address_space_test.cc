#include "mm/vm/address_space.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/lockdep.h"
#include "mm/kheap/global.h"
#include "testing/host/expect_ok.h"
#include "testing/host/heap_environment.h"
#include "testing/host/sanitizers.h"

namespace viper::mm {
namespace {

VIPER_HOST_KERNEL_HEAP();

constexpr uint32_t kRw = kProtRead | kProtWrite;
const VirtAddr kBase(0x10000000);

uint64_t free_pages() {
  physical_memory().drain_this_cpu();
  return physical_memory().stats().free_pages;
}

// The byte at `va` in `space`, through the translation and the direct map
// (what a user load would see); -1 if unmapped.
int read_byte(AddressSpace& space, VirtAddr va) {
  Result<Translation> t = space.tables().lookup(va);
  if (!t.ok()) return -1;
  return arch::phys_to_virt(t.value().frame + va.page_offset()).as<uint8_t>()[0];
}

// A user store: fault first if the page is absent or read-only.
FaultResult write_byte(AddressSpace& space, VirtAddr va, uint8_t value) {
  Result<Translation> t = space.tables().lookup(va);
  if (!t.ok() || !(t.value().prot & kProtWrite)) {
    const FaultResult r = space.handle_fault(va, Access::kWrite);
    if (r != FaultResult::kResolved) return r;
    t = space.tables().lookup(va);
  }
  arch::phys_to_virt(t.value().frame + va.page_offset()).as<uint8_t>()[0] = value;
  return FaultResult::kResolved;
}

struct Space {
  AsidAllocator asids{256};
  AddressSpace* space = AddressSpace::create(physical_memory()).value();
  ~Space() {
    if (space) space->destroy(asids);
  }
  AddressSpace* operator->() { return space; }
  AddressSpace& operator*() { return *space; }
};

TEST(AddressSpace, FirstTouchMapsAZeroedPage) {
  const uint64_t before = free_pages();
  {
    Space s;
    ASSERT_OK(s->map_anonymous(kBase, 16 * kPageSize, kRw));
    EXPECT_EQ(read_byte(*s, kBase), -1) << "nothing until touched";
    EXPECT_EQ(s->handle_fault(kBase + 5, Access::kRead), FaultResult::kResolved);
    EXPECT_EQ(read_byte(*s, kBase + 5), 0);
    EXPECT_EQ(write_byte(*s, kBase + 4 * kPageSize, 0x5a), FaultResult::kResolved);
    EXPECT_EQ(read_byte(*s, kBase + 4 * kPageSize), 0x5a);
    EXPECT_EQ(s->resident_pages(), 2u);
  }
  EXPECT_EQ(free_pages(), before) << "pages and tables all returned";
}

// Invalid -> valid needs no TLB invalidation: no TLB may cache an invalid
// entry. Only valid -> valid changes break before make (issue 16: a
// broadcast TLBI costs every vCPU under QEMU).
TEST(AddressSpace, FirstTouchFaultsInvalidateNoTlbEntry) {
  Space s;
  ASSERT_OK(s->map_anonymous(kBase, 16 * kPageSize, kRw));
  auto& log = arch::host::g_tlb_log;
  const uint64_t pages = log.page_flushes.load(MemoryOrder::kRelaxed);
  const uint64_t asids = log.asid_flushes.load(MemoryOrder::kRelaxed);
  const uint64_t locals = log.local_flushes.load(MemoryOrder::kRelaxed);
  for (uint64_t page = 0; page < 16; ++page) {
    ASSERT_EQ(write_byte(*s, kBase + page * kPageSize, 1), FaultResult::kResolved);
  }
  EXPECT_EQ(log.page_flushes.load(MemoryOrder::kRelaxed), pages);
  EXPECT_EQ(log.asid_flushes.load(MemoryOrder::kRelaxed), asids);
  EXPECT_EQ(log.local_flushes.load(MemoryOrder::kRelaxed), locals);
}

// The loader's path: a page filled through the direct map, mapped with its
// VMA's final permissions at once — no fault, no TLB maintenance.
TEST(AddressSpace, PopulateMapsAFilledPageWithTheVmaPermissions) {
  const uint64_t before = free_pages();
  {
    Space s;
    const uint32_t rx = kProtRead | kProtExec;
    ASSERT_OK(s->map_anonymous(kBase, 4 * kPageSize, rx));
    auto& log = arch::host::g_tlb_log;
    const uint64_t pages = log.page_flushes.load(MemoryOrder::kRelaxed);
    const uint64_t asids = log.asid_flushes.load(MemoryOrder::kRelaxed);
    ASSERT_OK(s->populate(kBase + kPageSize, [](uint8_t* bytes) {
      EXPECT_EQ(bytes[0], 0) << "starts zeroed";
      EXPECT_EQ(bytes[kPageSize - 1], 0);
      bytes[7] = 0x42;
    }));
    EXPECT_EQ(read_byte(*s, kBase + kPageSize + 7), 0x42);
    EXPECT_EQ(read_byte(*s, kBase + kPageSize + 8), 0);
    Result<Translation> t = s->tables().lookup(kBase + kPageSize);
    ASSERT_OK(t);
    EXPECT_EQ(t->prot, rx);
    EXPECT_FALSE(t->cow);
    EXPECT_EQ(read_byte(*s, kBase), -1) << "only that page";
    EXPECT_EQ(s->resident_pages(), 1u);
    EXPECT_EQ(log.page_flushes.load(MemoryOrder::kRelaxed), pages);
    EXPECT_EQ(log.asid_flushes.load(MemoryOrder::kRelaxed), asids);
  }
  EXPECT_EQ(free_pages(), before) << "the page and its tables all returned";
}

TEST(AddressSpace, PopulateRefusesWhatIsNotAReservedAnonymousPage) {
  const uint64_t before = free_pages();
  {
    Space s;
    auto nothing = [](uint8_t*) {};
    ASSERT_OK(s->map_anonymous(kBase, 2 * kPageSize, kRw));
    EXPECT_EQ(s->populate(kBase + 1, nothing).error(), Error::kInvalidArgument) << "unaligned";
    EXPECT_EQ(s->populate(VirtAddr(kUserTop), nothing).error(), Error::kInvalidArgument);
    EXPECT_EQ(s->populate(kBase + 2 * kPageSize, nothing).error(), Error::kNotFound) << "no VMA";
    ASSERT_OK(s->map_anonymous(kBase + 4 * kPageSize, kPageSize, kRw, VmaKind::kGuard));
    EXPECT_EQ(s->populate(kBase + 4 * kPageSize, nothing).error(), Error::kNotFound) << "guard";
    ASSERT_OK(s->populate(kBase, nothing));
    EXPECT_EQ(s->populate(kBase, nothing).error(), Error::kAlreadyExists);
    EXPECT_EQ(s->resident_pages(), 1u);
  }
  EXPECT_EQ(free_pages(), before) << "refused pages went back";
}

TEST(AddressSpace, FaultsOutsideWhatIsAllowedAreSegv) {
  Space s;
  ASSERT_OK(s->map_anonymous(kBase, kPageSize, kProtRead));
  ASSERT_OK(s->map_anonymous(kBase + kPageSize, kPageSize, kRw, VmaKind::kGuard));
  EXPECT_EQ(s->handle_fault(kBase, Access::kWrite), FaultResult::kSegv) << "read-only";
  EXPECT_EQ(s->handle_fault(kBase, Access::kExecute), FaultResult::kSegv) << "not executable";
  EXPECT_EQ(s->handle_fault(kBase + kPageSize, Access::kRead), FaultResult::kSegv) << "guard";
  EXPECT_EQ(s->handle_fault(kBase + 2 * kPageSize, Access::kRead), FaultResult::kSegv) << "no VMA";
  EXPECT_EQ(s->handle_fault(VirtAddr(uint64_t{8}), Access::kRead), FaultResult::kSegv) << "page 0";
  EXPECT_EQ(s->handle_fault(VirtAddr(kUserTop + 4096), Access::kRead), FaultResult::kSegv);
  EXPECT_EQ(s->map_anonymous(VirtAddr(uint64_t{0}), kPageSize, kRw).error(),
            Error::kInvalidArgument);
  EXPECT_EQ(s->map_anonymous(kBase + 100, kPageSize, kRw).error(), Error::kInvalidArgument);
  EXPECT_EQ(s->map_anonymous(kBase, kPageSize, 8).error(), Error::kInvalidArgument);
  EXPECT_EQ(s->map_anonymous(VirtAddr(kUserTop - kPageSize), 2 * kPageSize, kRw).error(),
            Error::kInvalidArgument);
}

TEST(AddressSpace, REL001_OverlappingReservationsAreRefused) {
  Space s;
  ASSERT_OK(s->map_anonymous(kBase + kPageSize, kPageSize, kRw));
  EXPECT_EQ(s->map_anonymous(kBase, 4 * kPageSize, kRw).error(), Error::kAlreadyExists)
      << "a range that covers an existing VMA entirely";
}

// REL-002: a stack grows down on faults, but never past its limit, and
// never into the guard gap above the VMA below it.
TEST(AddressSpace, REL002_StacksGrowDownToTheirLimitAndNoFurther) {
  Space s;
  const VirtAddr top(0x7000'0000'0000);
  constexpr uint64_t kLimit = 64 * 1024;
  ASSERT_OK(s->map_stack(top, kPageSize, kLimit));
  EXPECT_EQ(write_byte(*s, top - 8, 1), FaultResult::kResolved);
  EXPECT_EQ(write_byte(*s, top - 3 * kPageSize, 2), FaultResult::kResolved) << "grows";
  EXPECT_EQ(s->vma_at(top - 3 * kPageSize).value().start, top - 3 * kPageSize);
  EXPECT_EQ(write_byte(*s, top - kLimit, 3), FaultResult::kResolved) << "the last allowed page";
  EXPECT_EQ(write_byte(*s, top - kLimit - 8, 4), FaultResult::kSegv) << "beyond the limit";
  // A repeated attack at the limit gains nothing: still SIGSEGV, no pages.
  const uint64_t resident = s->resident_pages();
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(s->handle_fault(top - kLimit - (i + 1) * kPageSize, Access::kWrite),
              FaultResult::kSegv);
  }
  EXPECT_EQ(s->resident_pages(), resident);
  EXPECT_EQ(s->map_stack(VirtAddr(0x6000'0000'0000), 2 * kLimit, kLimit).error(),
            Error::kInvalidArgument)
      << "initial beyond the limit";
}

TEST(AddressSpace, StacksKeepAGuardGapFromTheVmaBelow) {
  Space s;
  const VirtAddr top(0x5000'0000'0000);
  ASSERT_OK(s->map_stack(top, kPageSize, kDefaultStackLimit));
  const VirtAddr below_end = top - 32 * kPageSize;
  ASSERT_OK(s->map_anonymous(below_end - kPageSize, kPageSize, kRw));
  EXPECT_EQ(write_byte(*s, below_end + kStackGuardGap, 1), FaultResult::kResolved);
  EXPECT_EQ(write_byte(*s, below_end + kStackGuardGap - kPageSize, 1), FaultResult::kSegv)
      << "inside the guard gap";
}

// Clone shares every page; a write copies the page in the writer, and the
// last sharer takes the page over without a copy.
TEST(AddressSpace, CloneSharesAndWritesCopy) {
  const uint64_t before = free_pages();
  {
    Space parent;
    ASSERT_OK(parent->map_anonymous(kBase, 8 * kPageSize, kRw));
    for (uint64_t i = 0; i < 8; ++i) {
      ASSERT_EQ(write_byte(*parent, kBase + i * kPageSize, uint8_t(10 + i)),
                FaultResult::kResolved);
    }
    AddressSpace* child = parent->clone().value();
    const PhysAddr shared = parent->tables().lookup(kBase).value().frame;
    EXPECT_EQ(child->tables().lookup(kBase).value().frame, shared) << "shared, not copied";
    EXPECT_TRUE(parent->tables().lookup(kBase).value().cow);
    EXPECT_EQ(physical_memory().frame(shared)->shares.load(MemoryOrder::kRelaxed), 2u);
    EXPECT_EQ(read_byte(*child, kBase + 3 * kPageSize), 13);
    // The child writes: it gets its own copy; the parent still sees 10.
    ASSERT_EQ(write_byte(*child, kBase, 99), FaultResult::kResolved);
    EXPECT_NE(child->tables().lookup(kBase).value().frame, shared);
    EXPECT_EQ(read_byte(*child, kBase), 99);
    EXPECT_EQ(read_byte(*parent, kBase), 10);
    EXPECT_EQ(read_byte(*child, kBase + 1), 0) << "the rest of the page was copied";
    // The parent is now the last sharer: its write takes the page over.
    ASSERT_EQ(write_byte(*parent, kBase, 77), FaultResult::kResolved);
    EXPECT_EQ(parent->tables().lookup(kBase).value().frame, shared) << "no copy";
    EXPECT_FALSE(parent->tables().lookup(kBase).value().cow);
    child->destroy(parent.asids);
  }
  EXPECT_EQ(free_pages(), before);
}

// REL-003: a share count that cannot grow makes clone fail with an
// error — the seed saturated silently and later freed a shared page.
// Shared memory objects' pages: mapped in two spaces (and twice in one),
// the same bytes everywhere, a clone keeps them shared, never COW, and
// each page is freed only when its last holder lets go.
TEST(AddressSpace, SharedPagesAreTheSameBytesInEverySpaceAndInAClone) {
  const uint64_t before = free_pages();
  PhysAddr frames[3];
  for (PhysAddr& frame : frames) {
    frame = physical_memory().alloc_page().value();
    std::memset(arch::phys_to_virt(frame).as<void>(), 0, kPageSize);
    physical_memory().frame(frame)->shares.store(1, MemoryOrder::kRelaxed);  // the owner's share
  }
  {
    Space a, b;
    ASSERT_OK(a->map_shared(kBase, Span<const PhysAddr>(frames, 3), kRw));
    ASSERT_OK(a->map_shared(kBase + 16 * kPageSize, Span<const PhysAddr>(frames, 3), kProtRead));
    ASSERT_OK(b->map_shared(kBase, Span<const PhysAddr>(frames, 3), kRw));
    EXPECT_EQ(a->resident_pages(), 6u);
    EXPECT_EQ(a->map_shared(kBase + kPageSize, Span<const PhysAddr>(frames, 1), kRw).error(),
              Error::kAlreadyExists);
    EXPECT_EQ(a->resident_pages(), 6u) << "a refused mapping leaves nothing behind";
    EXPECT_EQ(write_byte(*a, kBase + kPageSize + 7, 0x42), FaultResult::kResolved);
    EXPECT_EQ(read_byte(*b, kBase + kPageSize + 7), 0x42) << "another space sees the write";
    EXPECT_EQ(read_byte(*a, kBase + 17 * kPageSize + 7), 0x42) << "so does a second mapping";
    EXPECT_EQ(write_byte(*a, kBase + 16 * kPageSize, 1), FaultResult::kSegv) << "read-only there";
    AddressSpace* clone = a->clone().value();
    EXPECT_EQ(write_byte(*clone, kBase + 2 * kPageSize, 0x77), FaultResult::kResolved);
    EXPECT_EQ(read_byte(*a, kBase + 2 * kPageSize), 0x77) << "a clone shares, never copies";
    EXPECT_EQ(physical_memory().frame(frames[2])->shares.load(MemoryOrder::kRelaxed), 6u)
        << "the owner, two mappings in a, one in b, two in the clone";
    AsidAllocator asids{256};
    clone->destroy(asids);
    ASSERT_OK(a->unmap(kBase, 3 * kPageSize));
    EXPECT_EQ(physical_memory().frame(frames[0])->shares.load(MemoryOrder::kRelaxed), 3u);
  }
  for (PhysAddr frame : frames) {
    EXPECT_EQ(physical_memory().frame(frame)->shares.load(MemoryOrder::kRelaxed), 1u)
        << "only the owner's is left";
    EXPECT_EQ(unshare_frame(*physical_memory().frame(frame)), 0u);
    ASSERT_OK(physical_memory().free_page(frame));
  }
  EXPECT_EQ(free_pages(), before);
}

TEST(AddressSpace, REL003_AFullShareCountFailsTheClone) {
  Space parent;
  ASSERT_OK(parent->map_anonymous(kBase, 2 * kPageSize, kRw));
  ASSERT_EQ(write_byte(*parent, kBase, 1), FaultResult::kResolved);
  ASSERT_EQ(write_byte(*parent, kBase + kPageSize, 2), FaultResult::kResolved);
  PageFrame& frame =
      *physical_memory().frame(parent->tables().lookup(kBase + kPageSize).value().frame);
  frame.shares.store(UINT32_MAX, MemoryOrder::kRelaxed);  // as if 4 billion spaces shared it
  EXPECT_EQ(parent->clone().error(), Error::kOverflow);
  EXPECT_EQ(frame.shares.load(MemoryOrder::kRelaxed), UINT32_MAX) << "not wrapped";
  frame.shares.store(1, MemoryOrder::kRelaxed);
  EXPECT_EQ(read_byte(*parent, kBase), 1) << "the parent is intact";
  ASSERT_EQ(write_byte(*parent, kBase, 3), FaultResult::kResolved);
  EXPECT_EQ(read_byte(*parent, kBase), 3);
}

// MS-004/MS-005/MS-006: zeroing, copying and share counts go through the
// direct map and the typed frame descriptors. On the host the arena's
// physical addresses (0x40000000...) are not where its memory is, so any
// physical address used as a pointer would fault or corrupt here (ASan).
TEST(AddressSpace, MS004_MS005_MS006_PagesAreReachedThroughTheDirectMap) {
  static_assert(!__is_convertible(PhysAddr, void*));
  Space parent;
  ASSERT_OK(parent->map_anonymous(kBase, kPageSize, kRw));
  ASSERT_EQ(write_byte(*parent, kBase + 100, 42), FaultResult::kResolved);  // zero fill (MS-004)
  const PhysAddr frame = parent->tables().lookup(kBase).value().frame;
  EXPECT_NE(arch::phys_to_virt(frame).value(), frame.value()) << "not identity mapped";
  AddressSpace* child = parent->clone().value();                    // share counts (MS-005)
  ASSERT_EQ(write_byte(*child, kBase, 1), FaultResult::kResolved);  // copy (MS-006)
  EXPECT_EQ(read_byte(*child, kBase + 100), 42);
  child->destroy(parent.asids);
}

// RC-007/RC-008, the exact interleaving: a fault has found its VMA when an
// unmap of that VMA starts on another CPU. The seed dropped the VMA lock
// there and went on using the VMA (and mapping into a range that was
// gone). Here the unmap waits for the fault, then removes VMA and page.
TEST(AddressSpace, RC007_RC008_UnmapWaitsForAFaultThatFoundItsVma) {
  const uint64_t before = free_pages();
  {
    Space s;
    ASSERT_OK(s->map_anonymous(kBase, 4 * kPageSize, kRw));
    static std::atomic<int> stage{0};
    stage = 0;
    AddressSpace::fault_pause_for_tests = [](VirtAddr) {
      stage = 1;  // the VMA is found; hold here until told
      while (stage.load() != 2) std::this_thread::yield();
    };
    std::thread faulting([&] {
      EXPECT_EQ(s->handle_fault(kBase + kPageSize, Access::kWrite), FaultResult::kResolved);
    });
    while (stage.load() != 1) std::this_thread::yield();
    std::atomic<bool> unmapped{false};
    std::thread unmapping([&] {
      EXPECT_OK(s->unmap(kBase, 4 * kPageSize));
      unmapped = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(unmapped.load()) << "the unmap must wait for the fault that holds the VMA";
    stage = 2;
    faulting.join();
    unmapping.join();
    AddressSpace::fault_pause_for_tests = nullptr;
    EXPECT_EQ(s->vma_count(), 0u);
    EXPECT_EQ(s->resident_pages(), 0u) << "the page the fault mapped went with the unmap";
    EXPECT_FALSE(s->tables().lookup(kBase + kPageSize).ok());
  }
  EXPECT_EQ(free_pages(), before);
}

// RC-007/RC-008 under load: CPUs fault all over a region while another
// maps, protects and unmaps it. No use-after-free (ASan), no race (TSan),
// and every page is back afterwards.
TEST(AddressSpace, RC007_RC008_FaultsRacingUnmapAndProtect) {
  const uint64_t before = free_pages();
  {
    Space s;
    constexpr uint64_t kPages = 64;
    std::atomic<bool> stop{false};
    std::vector<std::thread> cpus;
    for (int c = 0; c < 3; ++c) {
      cpus.emplace_back([&, c] {
        std::mt19937 rng(c);
        while (!stop.load()) {
          const VirtAddr va = kBase + (rng() % kPages) * kPageSize;
          (void)s->handle_fault(va, rng() % 2 ? Access::kWrite : Access::kRead);
        }
      });
    }
    const int kRounds = viper::testing::kSlowSanitizer ? 300 : 3000;
    std::mt19937 rng(9);
    for (int round = 0; round < kRounds; ++round) {
      const uint64_t first = rng() % kPages, count = 1 + rng() % 8;
      switch (rng() % 3) {
        case 0:
          (void)s->map_anonymous(kBase + first * kPageSize, count * kPageSize, kRw);
          break;
        case 1:
          (void)s->protect(kBase + first * kPageSize, count * kPageSize,
                           rng() % 2 ? kProtRead : kRw);
          break;
        default:
          ASSERT_OK(s->unmap(kBase + first * kPageSize, count * kPageSize));
      }
    }
    stop = true;
    for (auto& t : cpus) t.join();
    ASSERT_OK(s->unmap(kBase, kPages * kPageSize));
    EXPECT_EQ(s->resident_pages(), 0u);
  }
  EXPECT_EQ(free_pages(), before);
}

TEST(AddressSpace, ConcurrentFaultsOnOnePageMapItOnce) {
  Space s;
  ASSERT_OK(s->map_anonymous(kBase, kPageSize, kRw));
  std::vector<std::thread> cpus;
  for (int c = 0; c < 4; ++c) {
    cpus.emplace_back(
        [&] { EXPECT_EQ(s->handle_fault(kBase, Access::kWrite), FaultResult::kResolved); });
  }
  for (auto& t : cpus) t.join();
  EXPECT_EQ(s->resident_pages(), 1u);
}

// RC-010/PERF-006: COW state is a per-page atomic in the frame descriptor,
// set up with the descriptors at boot — there is no COW table to
// initialise under a lock and no global COW lock. Spaces on different
// CPUs clone and write-fault shared pages concurrently; share counts stay
// exact (every page comes back when all spaces are gone).
TEST(AddressSpace, RC010_PERF006_CowNeedsNoGlobalLockOrInitialisation) {
  const uint64_t before = free_pages();
  {
    Space root;
    constexpr uint64_t kPages = 32;
    ASSERT_OK(root->map_anonymous(kBase, kPages * kPageSize, kRw));
    for (uint64_t i = 0; i < kPages; ++i) {
      ASSERT_EQ(write_byte(*root, kBase + i * kPageSize, uint8_t(i)), FaultResult::kResolved);
    }
    std::vector<std::thread> cpus;
    const int kRounds = viper::testing::kSlowSanitizer ? 20 : 100;
    for (int c = 0; c < 4; ++c) {
      cpus.emplace_back([&, c] {
        std::mt19937 rng(c);
        for (int round = 0; round < kRounds; ++round) {
          Result<AddressSpace*> clone = root->clone();
          ASSERT_OK(clone);
          for (int w = 0; w < 8; ++w) {
            const uint64_t page = rng() % kPages;
            ASSERT_EQ(write_byte(*clone.value(), kBase + page * kPageSize + 1, 0xee),
                      FaultResult::kResolved);
            EXPECT_EQ(read_byte(*clone.value(), kBase + page * kPageSize), int(page))
                << "the copy carries the page's contents";
          }
          clone.value()->destroy(root.asids);
        }
      });
    }
    for (auto& t : cpus) t.join();
    for (uint64_t i = 0; i < kPages; ++i) {
      const PhysAddr frame = root->tables().lookup(kBase + i * kPageSize).value().frame;
      EXPECT_EQ(physical_memory().frame(frame)->shares.load(MemoryOrder::kRelaxed), 1u);
    }
  }
  EXPECT_EQ(free_pages(), before);
}

// The lock classes `body` takes, and how often (lockdep counts every
// acquisition; only this thread may be taking locks meanwhile).
std::map<std::string, uint64_t> LocksTakenBy(const std::function<void()>& body) {
  std::map<std::string, uint64_t> before, taken;
  for (uint32_t i = 0; const LockClass* c = lockdep::seen_class(i); ++i) {
    before[c->name()] += c->acquisitions();
  }
  body();
  for (uint32_t i = 0; const LockClass* c = lockdep::seen_class(i); ++i) {
    taken[c->name()] += c->acquisitions();
  }
  for (auto it = taken.begin(); it != taken.end();) {
    it->second -= before[it->first];
    it = it->second == 0 ? taken.erase(it) : std::next(it);
  }
  return taken;
}

// RC-010 / PERF-006, the cost: a clone and its COW faults take only the
// locks of the two spaces involved and the page allocator's, never a lock
// shared by every COW operation, and no COW state needs initialising first
// (no lock class of its own at all).
TEST(AddressSpace, RC010_PERF006_CloneAndCowFaultsTakeNoGlobalLock) {
  ASSERT_TRUE(lockdep::kEnabled) << "lockdep counts the acquisitions";
  Space root;
  constexpr uint64_t kPages = 16;
  ASSERT_OK(root->map_anonymous(kBase, kPages * kPageSize, kRw));
  for (uint64_t i = 0; i < kPages; ++i) {
    ASSERT_EQ(write_byte(*root, kBase + i * kPageSize, uint8_t(i)), FaultResult::kResolved);
  }
  const std::map<std::string, uint64_t> taken = LocksTakenBy([&] {
    Result<AddressSpace*> clone = root->clone();
    ASSERT_OK(clone);
    for (uint64_t i = 0; i < kPages; ++i) {
      ASSERT_EQ(write_byte(*clone.value(), kBase + i * kPageSize, 0xee), FaultResult::kResolved);
      ASSERT_EQ(write_byte(*root, kBase + i * kPageSize, 0xdd), FaultResult::kResolved);
    }
    clone.value()->destroy(root.asids);
  });
  // Per space: its VMA lock and its page-table lock; the page allocator's
  // zones and slab caches, which have per-CPU fast paths of their own.
  const std::set<std::string> allowed = {"mm.vma",   "mm.page_table",   "mm.asid",
                                         "pmm.zone", "pmm.bitmap_zone", "slab.cache"};
  for (const auto& [name, count] : taken) {
    EXPECT_TRUE(allowed.count(name))
        << "a clone and its COW faults took '" << name << "' " << count << " times";
  }
  EXPECT_GE(taken.count("mm.vma"), 1u) << "the counts are real";
}

TEST(AddressSpace, ProtectAppliesToMappedPagesButKeepsSharedOnesReadOnly) {
  Space parent;
  ASSERT_OK(parent->map_anonymous(kBase, 2 * kPageSize, kRw));
  ASSERT_EQ(write_byte(*parent, kBase, 1), FaultResult::kResolved);
  ASSERT_OK(parent->protect(kBase, 2 * kPageSize, kProtRead));
  EXPECT_EQ(parent->tables().lookup(kBase).value().prot & kProtWrite, 0u);
  EXPECT_EQ(parent->handle_fault(kBase, Access::kWrite), FaultResult::kSegv);
  ASSERT_OK(parent->protect(kBase, 2 * kPageSize, kRw));
  AddressSpace* child = parent->clone().value();
  ASSERT_OK(parent->protect(kBase, 2 * kPageSize, kRw));
  EXPECT_EQ(parent->tables().lookup(kBase).value().prot & kProtWrite, 0u) << "still shared";
  EXPECT_EQ(parent->protect(kBase + 8 * kPageSize, kPageSize, kRw).error(), Error::kNotFound);
  child->destroy(parent.asids);
}

}  // namespace
}  // namespace viper::mm

namespace viper::mm {
namespace {

// Map, unmap, protect and touch at random against a page-by-page model of
// what each page should be (unreserved / permissions / contents): VMA
// splitting and merging, page release and the page-table state must all
// agree with the model after every step.
TEST(AddressSpace, RandomOperationsMatchAPageModel) {
  constexpr uint64_t kPages = 48;
  struct PageModel {
    bool reserved = false;
    uint32_t prot = 0;
    int value = -1;  // -1: never written (reads as 0 once touched)
  };
  const uint64_t before = free_pages();
  {
    Space s;
    PageModel model[kPages];
    std::mt19937 rng(2024);
    const int kSteps = viper::testing::kSlowSanitizer ? 1500 : 6000;
    for (int step = 0; step < kSteps; ++step) {
      const uint64_t first = rng() % kPages;
      const uint64_t count = 1 + rng() % std::min<uint64_t>(6, kPages - first);
      const VirtAddr start = kBase + first * kPageSize;
      switch (rng() % 4) {
        case 0: {  // reserve
          bool overlaps = false;
          for (uint64_t p = first; p < first + count; ++p) overlaps |= model[p].reserved;
          const uint32_t prot = rng() % 2 ? kRw : kProtRead;
          const Status st = s->map_anonymous(start, count * kPageSize, prot);
          ASSERT_EQ(st.ok(), !overlaps) << "step " << step;
          if (st.ok()) {
            for (uint64_t p = first; p < first + count; ++p) model[p] = {true, prot, -1};
          }
          break;
        }
        case 1:  // unmap
          ASSERT_OK(s->unmap(start, count * kPageSize));
          for (uint64_t p = first; p < first + count; ++p) model[p] = {};
          break;
        case 2: {  // protect
          bool all_reserved = true;
          for (uint64_t p = first; p < first + count; ++p) all_reserved &= model[p].reserved;
          const uint32_t prot = rng() % 2 ? kRw : kProtRead;
          const Status st = s->protect(start, count * kPageSize, prot);
          ASSERT_EQ(st.ok(), all_reserved) << "step " << step;
          if (st.ok()) {
            for (uint64_t p = first; p < first + count; ++p) model[p].prot = prot;
          }
          break;
        }
        default: {  // a store to one page
          const uint64_t p = first;
          const uint8_t value = static_cast<uint8_t>(rng());
          const FaultResult r = write_byte(*s, kBase + p * kPageSize, value);
          const bool allowed = model[p].reserved && (model[p].prot & kProtWrite);
          ASSERT_EQ(r == FaultResult::kResolved, allowed) << "step " << step;
          if (allowed) model[p].value = value;
        }
      }
      // The whole space agrees with the model.
      uint64_t resident = 0;
      for (uint64_t p = 0; p < kPages; ++p) {
        const VirtAddr va = kBase + p * kPageSize;
        Result<Vma> vma = s->vma_at(va);
        ASSERT_EQ(vma.ok(), model[p].reserved) << "page " << p << " step " << step;
        if (vma.ok()) ASSERT_EQ(vma.value().prot, model[p].prot);
        Result<Translation> t = s->tables().lookup(va);
        if (t.ok()) {
          ++resident;
          ASSERT_TRUE(model[p].reserved) << "a page survived its unmap";
          ASSERT_EQ((t.value().prot & kProtWrite) != 0, (model[p].prot & kProtWrite) != 0);
          ASSERT_EQ(read_byte(*s, va), model[p].value < 0 ? 0 : model[p].value);
        } else {
          ASSERT_LT(model[p].value, 0) << "written data was lost";
        }
      }
      ASSERT_EQ(s->resident_pages(), resident);
      // Adjacent equal VMAs are always merged.
      for (uint64_t p = 0; p + 1 < kPages; ++p) {
        Result<Vma> a = s->vma_at(kBase + p * kPageSize);
        Result<Vma> b = s->vma_at(kBase + (p + 1) * kPageSize);
        if (a.ok() && b.ok() && a.value().prot == b.value().prot) {
          ASSERT_EQ(a.value().start, b.value().start) << "unmerged neighbours at page " << p;
        }
      }
    }
  }
  EXPECT_EQ(free_pages(), before);
}

}  // namespace
}  // namespace viper::mm

namespace viper::mm {
namespace {

// A first touch allocates nothing under the VMA lock: the tables it needs
// and its zeroed page are allocated before the lock is taken. Measured from
// inside the fault, with the lock held.
TEST(AddressSpace, UnderTheVmaLockAFirstTouchAllocatesNothing) {
  Space s;
  const VirtAddr far_away(0x6000'0000'0000);  // no tables below the root yet
  ASSERT_OK(s->map_anonymous(far_away, kPageSize, kRw));
  static uint64_t free_inside = 0;
  AddressSpace::fault_pause_for_tests = [](VirtAddr) { free_inside = free_pages(); };
  const uint64_t tables_before = s->tables().table_pages();
  ASSERT_EQ(s->handle_fault(far_away, Access::kWrite), FaultResult::kResolved);
  AddressSpace::fault_pause_for_tests = nullptr;
  EXPECT_EQ(s->tables().table_pages(), tables_before + 3);
  EXPECT_EQ(free_inside, free_pages()) << "the page and its tables came before the lock";
}

// Fault-around: a first touch just after a run of k mapped pages (a
// sequential toucher) maps k pages from it, up to kFaultAroundPages,
// zeroed: the window doubles as the run grows. A touch with nothing mapped
// just before it maps its own page only.
TEST(AddressSpace, ASequentialFirstTouchMapsAWindowThatDoubles) {
  const uint64_t before = free_pages();
  {
    Space s;
    ASSERT_OK(s->map_anonymous(kBase, 64 * kPageSize, kRw));
    // Resident pages after each fault of a sequential pass over 48 pages.
    const struct {
      uint64_t page, resident;
    } faults[] = {{0, 1}, {1, 2}, {2, 4}, {4, 8}, {8, 16}, {16, 32}, {32, 48}};
    for (const auto& f : faults) {
      ASSERT_EQ(write_byte(*s, kBase + f.page * kPageSize, 1), FaultResult::kResolved);
      EXPECT_EQ(s->resident_pages(), f.resident) << "after the fault at page " << f.page;
    }
    for (uint64_t page = 0; page < 48; ++page) {
      const bool touched =
          page == 0 || page == 1 || page == 2 || page == 4 || page == 8 || page == 16 || page == 32;
      EXPECT_EQ(read_byte(*s, kBase + page * kPageSize), touched ? 1 : 0) << page;
    }
    EXPECT_EQ(s->resident_pages(), 48u) << "reads of the mapped-around pages fault no more";
    ASSERT_EQ(write_byte(*s, kBase + 60 * kPageSize, 3), FaultResult::kResolved);
    EXPECT_EQ(s->resident_pages(), 49u) << "a random touch: its page";
  }
  EXPECT_EQ(free_pages(), before) << "every page and table returned";
}

TEST(AddressSpace, FaultAroundStopsAtTheVmaEndAndAtMappedPages) {
  Space s;
  ASSERT_OK(s->map_anonymous(kBase, 3 * kPageSize, kRw));
  // Other permissions, so the two VMAs stay two.
  ASSERT_OK(s->map_anonymous(kBase + 3 * kPageSize, 32 * kPageSize, kRw | kProtExec));
  ASSERT_EQ(s->vma_count(), 2u);
  for (uint64_t page = 0; page < 3; ++page) {
    ASSERT_EQ(write_byte(*s, kBase + page * kPageSize, 1), FaultResult::kResolved);
  }
  EXPECT_EQ(s->resident_pages(), 3u) << "page 2's window of 2 ends with its VMA";
  EXPECT_FALSE(s->tables().lookup(kBase + 3 * kPageSize).ok());

  ASSERT_EQ(write_byte(*s, kBase + 10 * kPageSize, 7), FaultResult::kResolved);
  ASSERT_EQ(write_byte(*s, kBase + 3 * kPageSize, 1), FaultResult::kResolved);
  EXPECT_EQ(s->resident_pages(), 4u + 3) << "pages 3-5: a run of 3 before it";
  ASSERT_EQ(write_byte(*s, kBase + 6 * kPageSize, 1), FaultResult::kResolved);
  EXPECT_EQ(s->resident_pages(), 7u + 4) << "pages 6-9: up to the mapped page 10";
  EXPECT_EQ(read_byte(*s, kBase + 10 * kPageSize), 7) << "the mapped page kept";
  EXPECT_FALSE(s->tables().lookup(kBase + 11 * kPageSize).ok());
}

TEST(AddressSpace, StacksAndTheSwitchedOffFaultAroundMapOnePagePerFault) {
  Space s;
  ASSERT_OK(s->map_stack(kBase + 64 * kPageSize, 32 * kPageSize));
  for (uint64_t page = 40; page < 44; ++page) {
    ASSERT_EQ(write_byte(*s, kBase + page * kPageSize, 1), FaultResult::kResolved);
  }
  EXPECT_EQ(s->resident_pages(), 4u) << "a stack: one page per fault";

  ASSERT_OK(s->map_anonymous(kBase, 16 * kPageSize, kRw));
  AddressSpace::fault_around_pages = 1;
  for (uint64_t page = 0; page < 4; ++page) {
    ASSERT_EQ(write_byte(*s, kBase + page * kPageSize, 1), FaultResult::kResolved);
  }
  AddressSpace::fault_around_pages = kFaultAroundPages;
  EXPECT_EQ(s->resident_pages(), 8u) << "fault-around off: one page per fault";
}

}  // namespace
}  // namespace viper::mm
