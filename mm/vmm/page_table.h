// A user address space's translation tables (mm:vmm, layer 3): four
// levels, 4 KiB pages, 48-bit VAs under TTBR0, built from page-allocator
// pages and reached only through the direct map (typed PhysAddr -> VirtAddr;
// no physical address is ever a pointer: MS-004..006, ARCH-001).
//
// * One lock (`mm.page_table`) guards the tables: map, unmap, protect and
//   lookup all walk under it, so a translation is never read from a
//   half-changed table (RC-006).
// * A table page whose last entry goes is freed at once.
// * Changing a live entry's frame is break-before-make: invalid, TLB
//   invalidation by VA and ASID, then the new entry. Single-page changes
//   invalidate by VA + ASID, never the whole TLB: broadcast if another CPU
//   ever ran the space, on this CPU only if only it did, not at all if
//   none did (note_cpu; a broadcast stops every vCPU under QEMU).
// * The leaf frames belong to the caller (mm:vm): unmap hands them back.
#pragma once

#include <stdint.h>

#include "kernel/lib/addr.h"
#include "kernel/lib/atomic.h"
#include "kernel/lib/result.h"
#include "kernel/lib/spinlock.h"
#include "mm/pmm/physical_memory.h"
#include "mm/vmm/descriptor.h"

namespace viper::mm {

// User virtual addresses: [kUserBase, kUserTop). Page 0 is never mapped.
inline constexpr uint64_t kUserBase = kPageSize;
inline constexpr uint64_t kUserTop = 1ull << 48;

// Zeroed pages for the tables a mapping may need, allocated before a
// caller takes a lock it does not want to allocate under (the fault path's
// VMA lock). map() uses them first; the caller frees what is left.
struct TableReserve {
  static constexpr uint32_t kMax = 3;  // levels 1-3 below the root
  PhysAddr pages[kMax];
  uint32_t count = 0;
};

struct Translation {
  PhysAddr frame;
  uint32_t prot;  // Prot bits the entry grants
  bool cow;       // shared copy-on-write (mapped read-only)
};

class PageTable {
 public:
  explicit PageTable(PhysicalMemory& memory);
  ~PageTable();  // frees every table page; the caller must have unmapped its frames
  PageTable(const PageTable&) = delete;
  PageTable& operator=(const PageTable&) = delete;

  // Allocates the root table. kNoMemory.
  Status init() EXCLUDES(lock_);
  PhysAddr root() const { return root_; }

  // The ASID the TLB tags this space's entries with (0: none yet).
  // Invalidations use it; mm:vm's ASID allocator sets it.
  void set_asid(uint16_t asid) { asid_.store(asid, MemoryOrder::kRelease); }
  uint16_t asid() const { return asid_.load(MemoryOrder::kAcquire); }
  // `cpu` is about to run this space (mm:vm's switch, before TTBR0): its
  // TLB may cache it from now on. Never cleared (a superset only costs
  // broadcasts); a full barrier orders it before the walks, as the ASID.
  void note_cpu(uint32_t cpu);
  // CPUs that ever ran the space, one bit each (tests, reports).
  uint64_t cpus() const { return cpus_.load(MemoryOrder::kAcquire); }

  // Maps one page. kAlreadyExists if mapped, kInvalidArgument (unaligned or
  // outside user space), kNoMemory (a table page).
  Status map(VirtAddr va, PhysAddr frame, uint32_t prot, bool cow = false,
             TableReserve* reserve = nullptr) EXCLUDES(lock_);
  // Maps pages[i].frame at vas[i] for i in [0, count), all with `prot` and
  // `cow`, under one lock (clone: a lock and walk per page was most of
  // its cost). Stops at the first failure. Returns how many it mapped;
  // `error` says why it stopped early (kAlreadyExists, kInvalidArgument,
  // kNoMemory), kOk if it did not.
  uint32_t map_batch(const VirtAddr* vas, const Translation* pages, uint32_t count, uint32_t prot,
                     bool cow, Error& error) EXCLUDES(lock_);
  // How many table pages mapping `va` would need now (0-3).
  uint32_t missing_tables(VirtAddr va) const EXCLUDES(lock_);
  // What a fault needs to know about `va`'s page, in one walk under the
  // lock: its mapping if any, the table pages mapping it would need, how
  // many pages from it to the end of its leaf table, and how many pages
  // just before it in that table are mapped, counted up to `count_before`
  // (a sequential toucher's run).
  struct Probe {
    bool mapped = false;
    Translation translation{};
    uint32_t missing_tables = 0;
    uint32_t pages_to_table_end = 1;
    uint32_t mapped_before = 0;
  };
  Probe probe(VirtAddr va, uint32_t count_before = 0) const EXCLUDES(lock_);
  // Maps frames[i] at va + i pages, for i from 0 while the entries are
  // absent, stopping at the first mapped one or at `count` (which must
  // stay inside va's leaf table). Returns how many it mapped: 0 if `va`
  // itself is mapped. kInvalidArgument (unaligned, outside user space, or
  // past the leaf table), kNoMemory (a table page). Invalid -> valid: no
  // TLB maintenance.
  Result<uint32_t> map_run(VirtAddr va, const PhysAddr* frames, uint32_t count, uint32_t prot,
                           TableReserve* reserve = nullptr) EXCLUDES(lock_);
  // Fills `reserve` with `count` zeroed pages. kNoMemory (what was
  // allocated stays in it).
  Status fill_reserve(TableReserve& reserve, uint32_t count);
  void drain_reserve(TableReserve& reserve);
  // Points a mapped page at another frame and permissions, break-before-
  // make. Returns the old frame. kNotFound if not mapped.
  Result<PhysAddr> replace(VirtAddr va, PhysAddr frame, uint32_t prot, bool cow) EXCLUDES(lock_);
  // Changes permissions / the COW mark of a mapped page. kNotFound.
  Status protect(VirtAddr va, uint32_t prot, bool cow) EXCLUDES(lock_);
  // Removes a mapping and returns its frame. kNotFound.
  Result<Translation> unmap(VirtAddr va) EXCLUDES(lock_);
  // Unmaps up to `capacity` mapped pages of [start, end), in order, and
  // stores them in `vas`/`out` for the caller to release. Their TLB
  // entries are gone when it returns — by VA for a few, by ASID for many —
  // and so are tables that emptied. Returns how many; `resume` is where to
  // continue (end when done).
  // `invalidate` false: the space runs nowhere and its ASID is retired
  // until a rollover flushes every TLB (destroy), so no TLB can use these
  // entries.
  uint32_t unmap_batch(VirtAddr start, VirtAddr end, VirtAddr* vas, Translation* out,
                       uint32_t capacity, VirtAddr& resume, bool invalidate = true) EXCLUDES(lock_);
  // Gives every mapped page of [start, end) the permissions `prot`
  // (shared COW pages stay read-only until their write fault). Returns
  // how many pages changed.
  uint64_t protect_range(VirtAddr start, VirtAddr end, uint32_t prot) EXCLUDES(lock_);
  // Marks up to `capacity` mapped pages of [start, end) shared copy-on-
  // write (read-only), in order, and stores them in `vas`/`out` (with the
  // permissions they had). No invalidation: the caller flushes the ASID
  // once when done (flush_asid). Returns how many; `resume` as above.
  uint32_t make_cow_batch(VirtAddr start, VirtAddr end, VirtAddr* vas, Translation* out,
                          uint32_t capacity, VirtAddr& resume) EXCLUDES(lock_);
  void flush_asid() const { arch_flush_asid(); }

  // virt_to_phys for user space: the mapping of `va`'s page (RC-006).
  Result<Translation> lookup(VirtAddr va) const EXCLUDES(lock_);

  // Calls `visit(va, translation, context)` for every mapped page in
  // [start, end) in address order, under the lock (it must not call back).
  void for_each(VirtAddr start, VirtAddr end, void (*visit)(VirtAddr, const Translation&, void*),
                void* context) const EXCLUDES(lock_);

  // Table pages in use (root included), for leak checks and tests.
  uint64_t table_pages() const EXCLUDES(lock_);

 private:
  static bool valid_user_page(VirtAddr va) {
    return va.is_page_aligned() && va.value() >= kUserBase && va.value() < kUserTop;
  }
  uint64_t* table_at(PhysAddr table) const;
  // The level-3 entry for `va`, or nullptr; creates tables if `create`.
  Result<uint64_t*> leaf(VirtAddr va, bool create, TableReserve* reserve = nullptr) REQUIRES(lock_);
  // The level-3 entry for `va`, or nullptr with `next_table` (if given)
  // set to the first address past the missing table's reach.
  uint64_t* find_leaf(VirtAddr va, VirtAddr* next_table = nullptr) const REQUIRES(lock_);
  // The entry of the first mapped page at or after `va` and before `end`
  // (moving `va` there), skipping whole unmapped subtrees; nullptr if none.
  uint64_t* next_mapped(VirtAddr& va, VirtAddr end) const REQUIRES(lock_);
  void free_empty_tables(VirtAddr va) REQUIRES(lock_);
  void free_tree(PhysAddr table, uint32_t level);
  // Which TLBs may hold this space's entries: none, this CPU's, any.
  enum class Reach : uint8_t { kNone, kThisCpu, kAll };
  Reach reach() const;
  void flush(VirtAddr va) const;
  void arch_flush_asid() const;
  // Frees the tables on `va`'s path that are empty; returns them in
  // `freed` (the caller frees them after the TLB flush).
  uint32_t unlink_empty_tables(VirtAddr va, PhysAddr* freed) REQUIRES(lock_);

  PhysicalMemory& memory_;
  mutable IrqSpinlock lock_;
  PhysAddr root_;
  Atomic<uint16_t> asid_{0};
  Atomic<uint64_t> cpus_{0};
  uint64_t table_pages_ GUARDED_BY(lock_) = 0;
};

}  // namespace viper::mm
