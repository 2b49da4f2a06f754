#include "mm/vmm/page_table.h"

#include <atomic>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "kernel/arch/host/phys_arena.h"
#include "testing/host/expect_ok.h"
#include "testing/host/sanitizers.h"

namespace viper::mm {
namespace {

// An independent walker: the AArch64 4 KiB-granule stage-1 format written
// out from the architecture manual's bit positions, not from descriptor.h,
// so a wrong constant there cannot hide here.
struct Walked {
  bool mapped = false;
  uint64_t frame = 0;
  uint64_t entry = 0;
};

Walked hardware_walk(PhysAddr root, uint64_t va) {
  uint64_t table = root.value();
  for (int level = 0; level < 4; ++level) {
    const uint64_t index = (va >> (39 - 9 * level)) & 511;
    const uint64_t entry = arch::phys_to_virt(PhysAddr(table)).as<uint64_t>()[index];
    if ((entry & 1) == 0) return {};
    // Levels 0-2 must be table descriptors (bits[1:0] = 0b11) in a 4-level
    // walk of 4 KiB pages; level 3 page descriptors are 0b11 too.
    if ((entry & 3) != 3) return {};
    table = entry & 0x0000fffffffff000ull;
    if (level == 3) return {true, table, entry};
  }
  return {};
}

// Every attribute a user page must carry, by bit.
void expect_user_page_bits(uint64_t entry, bool writable, bool executable) {
  EXPECT_EQ((entry >> 2) & 7, 1u) << "AttrIndx: normal memory (MAIR index 1)";
  EXPECT_EQ((entry >> 6) & 1, 1u) << "AP[1]: EL0 access";
  EXPECT_EQ((entry >> 7) & 1, writable ? 0u : 1u) << "AP[2]: read-only";
  EXPECT_EQ((entry >> 8) & 3, 3u) << "SH: inner shareable";
  EXPECT_EQ((entry >> 10) & 1, 1u) << "AF";
  EXPECT_EQ((entry >> 11) & 1, 1u) << "nG: tagged with the ASID";
  EXPECT_EQ((entry >> 53) & 1, 1u) << "PXN: never executable in the kernel";
  EXPECT_EQ((entry >> 54) & 1, executable ? 0u : 1u) << "UXN";
}

class PageTableTest : public ::testing::Test {
 protected:
  PageTableTest() : arena_(32 << 20) { EXPECT_OK(memory_.add_range(arena_.base(), arena_.size())); }
  PhysAddr frame() { return memory_.alloc_page().value(); }
  uint64_t free_pages() { return memory_.stats().free_pages; }

  arch::host::PhysArena arena_;
  PhysicalMemory memory_;
};

TEST_F(PageTableTest, MapsWithEveryBitTheWalkerExpects) {
  PageTable table(memory_);
  ASSERT_OK(table.init());
  const PhysAddr a = frame(), b = frame(), c = frame();
  const VirtAddr va(0x400000), vb(0x7fff'ffff'f000), vc(0x1234'5678'9000);
  ASSERT_OK(table.map(va, a, kProtRead | kProtWrite));
  ASSERT_OK(table.map(vb, b, kProtRead));
  ASSERT_OK(table.map(vc, c, kProtRead | kProtExec));
  Walked w = hardware_walk(table.root(), va.value());
  ASSERT_TRUE(w.mapped);
  EXPECT_EQ(w.frame, a.value());
  expect_user_page_bits(w.entry, true, false);
  w = hardware_walk(table.root(), vb.value());
  ASSERT_TRUE(w.mapped);
  EXPECT_EQ(w.frame, b.value());
  expect_user_page_bits(w.entry, false, false);
  w = hardware_walk(table.root(), vc.value());
  ASSERT_TRUE(w.mapped);
  expect_user_page_bits(w.entry, false, true);
  EXPECT_FALSE(hardware_walk(table.root(), va.value() + kPageSize).mapped);
  EXPECT_EQ(table.lookup(va + 123).value().frame, a) << "lookup of any byte of the page";
  EXPECT_EQ(table.lookup(vb).value().prot, kProtRead);
  EXPECT_EQ(table.lookup(VirtAddr(0x5000)).error(), Error::kNotFound);
  for (const VirtAddr v : {va, vb, vc}) ASSERT_OK(table.unmap(v));
}

// ARCH-001/MS-004: the tables live in pages whose physical addresses are
// not where the kernel sees them (the host arena is mapped elsewhere, like
// the target's direct map). Building, walking and freeing them works only
// because every table access goes through arch::phys_to_virt; a physical
// address used as a pointer would fault here (and under ASan).
template <class A>
concept Dereferenceable = requires(A a) { a.template as<uint64_t>(); };
static_assert(!Dereferenceable<PhysAddr>, "a physical address never becomes a pointer");
static_assert(Dereferenceable<VirtAddr>);

TEST_F(PageTableTest, ARCH001_MS004_TablesAreReachedOnlyThroughTheDirectMap) {
  PageTable table(memory_);
  ASSERT_OK(table.init());
  EXPECT_NE(arch::phys_to_virt(table.root()).value(), table.root().value()) << "not identity";
  const PhysAddr a = frame();
  for (uint64_t i = 0; i < 600; ++i) {  // more than one leaf table
    ASSERT_OK(table.map(VirtAddr(0x1000000 + i * kPageSize), a, kProtRead));
  }
  EXPECT_EQ(hardware_walk(table.root(), 0x1000000 + 599 * kPageSize).frame, a.value());
  for (uint64_t i = 0; i < 600; ++i) ASSERT_OK(table.unmap(VirtAddr(0x1000000 + i * kPageSize)));
  EXPECT_EQ(table.table_pages(), 1u);
}

TEST_F(PageTableTest, BadRequestsAreNamedErrors) {
  PageTable table(memory_);
  ASSERT_OK(table.init());
  const PhysAddr a = frame();
  EXPECT_EQ(table.map(VirtAddr(uint64_t{0}), a, kProtRead).error(), Error::kInvalidArgument)
      << "page 0";
  EXPECT_EQ(table.map(VirtAddr(0x1001000 + 8), a, kProtRead).error(), Error::kInvalidArgument);
  EXPECT_EQ(table.map(VirtAddr(kUserTop), a, kProtRead).error(), Error::kInvalidArgument);
  EXPECT_EQ(table.map(VirtAddr(0x1000), PhysAddr(a.value() + 8), kProtRead).error(),
            Error::kInvalidArgument);
  ASSERT_OK(table.map(VirtAddr(0x1000), a, kProtRead));
  EXPECT_EQ(table.map(VirtAddr(0x1000), a, kProtRead).error(), Error::kAlreadyExists);
  EXPECT_EQ(table.unmap(VirtAddr(0x2000)).error(), Error::kNotFound);
  EXPECT_EQ(table.protect(VirtAddr(0x2000), kProtRead, false).error(), Error::kNotFound);
  EXPECT_EQ(table.replace(VirtAddr(0x2000), a, kProtRead, false).error(), Error::kNotFound);
  EXPECT_EQ(table.lookup(VirtAddr(kUserTop)).error(), Error::kInvalidArgument);
  ASSERT_OK(table.unmap(VirtAddr(0x1000)));
}

// Tables are allocated as needed and freed as soon as they empty, so an
// address space that maps and unmaps leaves no table pages behind.
TEST_F(PageTableTest, EmptyTablesAreFreedAtOnce) {
  const uint64_t before = free_pages();
  {
    PageTable table(memory_);
    ASSERT_OK(table.init());
    const PhysAddr a = frame();
    ASSERT_OK(table.map(VirtAddr(0x7000'0000'0000), a, kProtRead));
    EXPECT_EQ(table.table_pages(), 4u) << "root + three levels";
    ASSERT_OK(table.map(VirtAddr(0x7000'0000'1000), a, kProtRead));
    EXPECT_EQ(table.table_pages(), 4u) << "same leaf table";
    ASSERT_OK(table.unmap(VirtAddr(0x7000'0000'0000)));
    EXPECT_EQ(table.table_pages(), 4u) << "the leaf table still has an entry";
    ASSERT_OK(table.unmap(VirtAddr(0x7000'0000'1000)));
    EXPECT_EQ(table.table_pages(), 1u) << "only the root is left";
    ASSERT_OK(memory_.free_page(a));
  }
  EXPECT_EQ(free_pages(), before);
}

// Changing a live mapping's frame is break-before-make with a TLB
// invalidation by VA; a permission change invalidates too; a new mapping
// needs none. The space ran on two CPUs: every invalidation is broadcast.
TEST_F(PageTableTest, ChangesInvalidateByVirtualAddress) {
  PageTable table(memory_);
  ASSERT_OK(table.init());
  table.set_asid(7);
  table.note_cpu(arch::cpu_id());
  table.note_cpu(arch::cpu_id() + 1);
  const PhysAddr a = frame(), b = frame();
  const VirtAddr va(0x10000);
  auto& log = arch::host::g_tlb_log;
  const uint64_t page_flushes = log.page_flushes.load(MemoryOrder::kRelaxed);
  ASSERT_OK(table.map(va, a, kProtRead | kProtWrite));
  EXPECT_EQ(log.page_flushes.load(MemoryOrder::kRelaxed), page_flushes);
  ASSERT_OK(table.protect(va, kProtRead, true));
  EXPECT_EQ(log.page_flushes.load(MemoryOrder::kRelaxed), page_flushes + 1);
  EXPECT_TRUE(table.lookup(va).value().cow);
  EXPECT_EQ(table.replace(va, b, kProtRead | kProtWrite, false).value(), a);
  EXPECT_EQ(log.page_flushes.load(MemoryOrder::kRelaxed), page_flushes + 2);
  EXPECT_EQ(hardware_walk(table.root(), va.value()).frame, b.value());
  ASSERT_OK(table.unmap(va));
  EXPECT_EQ(log.page_flushes.load(MemoryOrder::kRelaxed), page_flushes + 3);
  EXPECT_EQ(log.asid_flushes.load(MemoryOrder::kRelaxed), 0u) << "never a whole-ASID flush";
}

// Only TLBs of CPUs that ran the space can hold its entries: a space that
// ran on this CPU alone is invalidated here only (a broadcast stops every
// vCPU under QEMU), one that never ran needs no invalidation at all.
TEST_F(PageTableTest, InvalidationsReachOnlyTheCpusThatRanTheSpace) {
  PageTable table(memory_);
  ASSERT_OK(table.init());
  table.set_asid(9);
  const PhysAddr a = frame(), b = frame(), c = frame();
  const VirtAddr va(0x10000);
  auto& log = arch::host::g_tlb_log;
  const uint64_t pages = log.page_flushes.load(MemoryOrder::kRelaxed);
  const uint64_t local_pages = log.local_page_flushes.load(MemoryOrder::kRelaxed);
  ASSERT_OK(table.map(va, a, kProtRead | kProtWrite));
  EXPECT_EQ(table.replace(va, b, kProtRead | kProtWrite, false).value(), a);
  EXPECT_EQ(log.page_flushes.load(MemoryOrder::kRelaxed), pages) << "never ran: nothing";
  EXPECT_EQ(log.local_page_flushes.load(MemoryOrder::kRelaxed), local_pages);

  table.note_cpu(arch::cpu_id());
  EXPECT_EQ(table.cpus(), 1ull << arch::cpu_id());
  EXPECT_EQ(table.replace(va, c, kProtRead | kProtWrite, false).value(), b);
  EXPECT_EQ(log.page_flushes.load(MemoryOrder::kRelaxed), pages) << "this CPU only";
  EXPECT_EQ(log.local_page_flushes.load(MemoryOrder::kRelaxed), local_pages + 1);

  table.note_cpu(arch::cpu_id() + 1);
  ASSERT_OK(table.protect(va, kProtRead, false));
  EXPECT_EQ(log.page_flushes.load(MemoryOrder::kRelaxed), pages + 1) << "two CPUs: broadcast";
  EXPECT_EQ(log.local_page_flushes.load(MemoryOrder::kRelaxed), local_pages + 1);
  EXPECT_EQ(table.unmap(va).value().frame, c);
  (void)memory_.free_page(a);
  (void)memory_.free_page(b);
  (void)memory_.free_page(c);
}

// The fault path's walk and run mapping: probe says what is there and what
// a mapping needs; map_run maps consecutive absent pages of one leaf table,
// stops at a mapped one, and refuses a run past the table or bad input.
TEST_F(PageTableTest, ProbeAndMapRunServeTheFaultPath) {
  PageTable table(memory_);
  ASSERT_OK(table.init());
  const VirtAddr va(0x200000);  // the first page of a leaf table
  PageTable::Probe p = table.probe(va);
  EXPECT_FALSE(p.mapped);
  EXPECT_EQ(p.missing_tables, 3u);
  EXPECT_EQ(p.pages_to_table_end, 512u);
  PhysAddr frames[4] = {frame(), frame(), frame(), frame()};
  ASSERT_OK(table.map(va + 2 * kPageSize, frames[3], kProtRead));
  Result<uint32_t> mapped = table.map_run(va, frames, 3, kProtRead | kProtWrite);
  ASSERT_OK(mapped);
  EXPECT_EQ(mapped.value(), 2u) << "stops at the mapped third page";
  EXPECT_EQ(table.lookup(va + kPageSize).value().frame, frames[1]);
  EXPECT_EQ(table.lookup(va + 2 * kPageSize).value().frame, frames[3]);
  EXPECT_EQ(table.map_run(va, frames, 1, kProtRead).value(), 0u) << "mapped: nothing";

  p = table.probe(va + 3 * kPageSize, 16);
  EXPECT_FALSE(p.mapped);
  EXPECT_EQ(p.mapped_before, 3u) << "pages 0-2";
  EXPECT_EQ(table.probe(va + 3 * kPageSize, 2).mapped_before, 2u) << "counted up to 2";
  EXPECT_EQ(table.probe(va, 16).mapped_before, 0u) << "nothing before a table's first page";
  EXPECT_EQ(p.missing_tables, 0u);
  EXPECT_EQ(p.pages_to_table_end, 509u);
  p = table.probe(va + kPageSize);
  EXPECT_TRUE(p.mapped);
  EXPECT_EQ(p.translation.frame, frames[1]);

  const VirtAddr last = va + 511 * kPageSize;
  EXPECT_EQ(table.map_run(last, frames, 2, kProtRead).error(), Error::kInvalidArgument)
      << "past the leaf table";
  EXPECT_EQ(table.map_run(VirtAddr(0x1001), frames, 1, kProtRead).error(), Error::kInvalidArgument);
  EXPECT_EQ(table.map_run(va, frames, 0, kProtRead).error(), Error::kInvalidArgument);
  for (uint32_t i = 0; i < 3; ++i) (void)table.unmap(va + i * kPageSize);
  for (PhysAddr f : frames) (void)memory_.free_page(f);
}

// clone's batch: every page mapped under one lock, stopping at the first
// that cannot be (mapped already, or bad input) and saying why.
TEST_F(PageTableTest, MapBatchMapsInOrderAndStopsAtTheFirstFailure) {
  PageTable table(memory_);
  ASSERT_OK(table.init());
  const VirtAddr vas[4] = {VirtAddr(0x10000), VirtAddr(0x7f0000000000), VirtAddr(0x11000),
                           VirtAddr(0x10000)};
  Translation pages[4];
  for (Translation& t : pages) t = Translation{frame(), kProtRead, true};
  Error error = Error::kOk;
  EXPECT_EQ(table.map_batch(vas, pages, 4, kProtRead | kProtWrite, true, error), 3u);
  EXPECT_EQ(error, Error::kAlreadyExists) << "the fourth is the first again";
  const Translation t = table.lookup(vas[1]).value();
  EXPECT_EQ(t.frame, pages[1].frame);
  EXPECT_TRUE(t.cow);
  EXPECT_EQ(t.prot, kProtRead) << "a COW entry is read-only";
  const VirtAddr bad[1] = {VirtAddr(0x12001)};
  EXPECT_EQ(table.map_batch(bad, pages, 1, kProtRead, false, error), 0u);
  EXPECT_EQ(error, Error::kInvalidArgument);
  EXPECT_EQ(table.map_batch(vas, pages, 0, kProtRead, false, error), 0u);
  EXPECT_EQ(error, Error::kOk);
  for (uint32_t i = 0; i < 3; ++i) (void)table.unmap(vas[i]);
  for (const Translation& p : pages) (void)memory_.free_page(p.frame);
}

// RC-006: translations are read under the same lock that changes the
// tables. Readers look up while writers map, replace and unmap the same
// pages: every answer is a frame that was really mapped there (never a
// torn or freed table), and TSan sees no race.
TEST_F(PageTableTest, RC006_LookupIsConsistentWithConcurrentChanges) {
  PageTable table(memory_);
  ASSERT_OK(table.init());
  constexpr int kPages = 64;
  // Frame i is only ever mapped at page i, so any frame a reader sees
  // tells it whether the translation is right.
  std::vector<PhysAddr> frames[kPages];
  for (int i = 0; i < kPages; ++i) {
    for (int k = 0; k < 3; ++k) frames[i].push_back(frame());
  }
  auto page = [](int i) { return VirtAddr(0x40000000 + uint64_t(i) * 0x200000); };  // own tables
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> wrong{0};
  // Relaxed: counts how much the readers overlap the changes without
  // ordering their lookups against them (which would hide a race from TSan).
  std::atomic<uint64_t> lookups{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        for (int i = 0; i < kPages; ++i) {
          Result<Translation> t = table.lookup(page(i) + 8);
          lookups.fetch_add(1, std::memory_order_relaxed);
          if (!t.ok()) continue;
          bool known = false;
          for (PhysAddr f : frames[i]) known |= f == t.value().frame;
          if (!known) wrong.fetch_add(1);
        }
      }
    });
  }
  const int kRounds = viper::testing::kSlowSanitizer ? 200 : 2000;
  // The readers look up while the tables change, however the host
  // schedules the threads: the changes go on until they did, many times.
  while (lookups.load(std::memory_order_relaxed) == 0) std::this_thread::yield();
  const uint64_t lookups_before = lookups.load(std::memory_order_relaxed);
  constexpr uint64_t kOverlappingLookups = 20 * kPages;
  std::mt19937 rng(6);
  for (int round = 0; round < kRounds || lookups.load(std::memory_order_relaxed) - lookups_before <
                                             kOverlappingLookups;
       ++round) {
    const int i = rng() % kPages;
    const PhysAddr f = frames[i][rng() % 3];
    if (!table.lookup(page(i)).ok()) {
      ASSERT_OK(table.map(page(i), f, kProtRead));
    } else if (rng() % 2) {
      ASSERT_OK(table.replace(page(i), f, kProtRead | kProtWrite, false));
    } else {
      ASSERT_OK(table.unmap(page(i)));  // may free three table pages
    }
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(wrong.load(), 0u);
  for (int i = 0; i < kPages; ++i) (void)table.unmap(page(i));
  EXPECT_EQ(table.table_pages(), 1u);
}

TEST_F(PageTableTest, ForEachVisitsMappedPagesInOrder) {
  PageTable table(memory_);
  ASSERT_OK(table.init());
  const PhysAddr a = frame();
  std::vector<uint64_t> mapped = {0x1000, 0x2000, 0x200000, 0x7fff'0000'0000};
  for (uint64_t v : mapped) ASSERT_OK(table.map(VirtAddr(v), a, kProtRead));
  std::vector<uint64_t> seen;
  table.for_each(
      VirtAddr(0x2000), VirtAddr(kUserTop),
      [](VirtAddr va, const Translation&, void* out) {
        static_cast<std::vector<uint64_t>*>(out)->push_back(va.value());
      },
      &seen);
  EXPECT_EQ(seen, (std::vector<uint64_t>{0x2000, 0x200000, 0x7fff'0000'0000}));
  for (uint64_t v : mapped) ASSERT_OK(table.unmap(VirtAddr(v)));
}

}  // namespace
}  // namespace viper::mm
