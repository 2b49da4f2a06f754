// A user address space (mm:vm, layer 5): translation tables (mm:vmm), the
// VMAs that say what may be mapped, and the fault handler that maps it —
// zero-filled pages on first touch, stacks that grow down to a limit,
// copy-on-write after clone().
//
// * One lock (`mm.vma`) guards the VMAs; a fault looks up and uses its VMA
//   entirely under it, so an unmap on another CPU can never pull the VMA
//   from under a fault (RC-007, RC-008). The only allocation under it on
//   the fault path is a copy-on-write copy: table pages the mapping needs
//   (TableReserve) and a first touch's zeroed pages are allocated before
//   the lock is taken, after one walk of the tables (PageTable::probe).
// * Fault-around: a first touch just after a run of k mapped pages of an
//   anonymous VMA (a sequential toucher) maps k pages from it (up to
//   kFaultAroundPages), within the VMA and the leaf table, and only pages
//   nothing maps yet. The window doubles as the run grows (1, 1, 2, 4, 8,
//   16, 16, ...): a long sequential pass takes one fault per 16 pages, a
//   short one maps at most about twice what it touched, a random toucher
//   one page per fault (and a fork copies no more than that).
// * Page contents are reached through the direct map only (MS-004..006).
// * Shared pages carry a per-page share count (PageFrame::shares): a write
//   fault copies a shared page, or takes it over when this space is the
//   last sharer; no global COW lock exists (PERF-006, RC-010), and a count
//   that would overflow fails the clone (REL-003).
#pragma once

#include <stdint.h>

#include "kernel/lib/addr.h"
#include "kernel/lib/function_ref.h"
#include "kernel/lib/result.h"
#include "kernel/lib/span.h"
#include "kernel/lib/spinlock.h"
#include "mm/pmm/physical_memory.h"
#include "mm/vm/vma.h"
#include "mm/vmm/asid.h"
#include "mm/vmm/page_table.h"

namespace viper::mm {

inline constexpr uint64_t kDefaultStackLimit = 8ull << 20;  // 8 MiB (REL-002)
// Unmapped space a growing stack keeps from the VMA below it.
inline constexpr uint64_t kStackGuardGap = 64 * 1024;
// Pages a sequential first touch maps at once (64 KiB, the faulting page
// included).
inline constexpr uint32_t kFaultAroundPages = 16;

enum class Access : uint8_t { kRead, kWrite, kExecute };

enum class FaultResult : uint8_t {
  kResolved,  // mapped now (or already, by a fault on another CPU)
  kSegv,      // no VMA, a guard, beyond the stack limit, or not permitted
  kNoMemory,  // no page for it: the task gets SIGBUS
};

const char* fault_result_name(FaultResult result);

struct HeapAccess;

class AddressSpace {
 public:
  // A new, empty address space. kNoMemory.
  static Result<AddressSpace*> create(PhysicalMemory& memory);
  // Unmaps and frees everything (pages, tables, the ASID). It must run
  // nowhere.
  void destroy(AsidAllocator& asids);

  // Reserves [start, start + bytes) for `kind`: kAlreadyExists on any
  // overlap (REL-001), kInvalidArgument (unaligned, empty, outside user
  // space), kNoSpace.
  Status map_anonymous(VirtAddr start, uint64_t bytes, uint32_t prot,
                       VmaKind kind = VmaKind::kAnonymous) EXCLUDES(lock_);
  // A stack whose top is `top`, `initial` bytes reserved, growing down on
  // faults to at most `limit` bytes (kDefaultStackLimit).
  Status map_stack(VirtAddr top, uint64_t initial, uint64_t limit = kDefaultStackLimit)
      EXCLUDES(lock_);
  // Maps `frames` (pages a shared memory object owns) at `start`, one
  // after the other, writable or not as `prot` says, as a kShared VMA:
  // each page gains a sharer (share_frame) while it is mapped here, so
  // unmap and destroy release them as any page. A clone maps them shared
  // too, never copy-on-write. kAlreadyExists on overlap, kInvalidArgument,
  // kNoSpace, kNoMemory (tables), kOverflow (a share count is full);
  // nothing stays mapped after a failure.
  Status map_shared(VirtAddr start, Span<const PhysAddr> frames, uint32_t prot) EXCLUDES(lock_);
  // The same frames, but as a private anonymous VMA whose pages are
  // copy-on-write: read and executed in place, copied on the first write
  // (after a protect that allows one), so the owner of the frames — the
  // loader's cache of program text (kernel/loader/program_cache.h), which
  // keeps its own share so no space ever takes a frame over — never sees
  // a change. Errors as map_shared.
  Status map_copy_on_write(VirtAddr start, Span<const PhysAddr> frames, uint32_t prot)
      EXCLUDES(lock_);
  // Maps a fresh page at `page` inside a reserved anonymous or stack VMA,
  // with the VMA's permissions, after `fill` wrote its contents through
  // the direct map (it starts zeroed). The loader's way to put a program
  // in place without faults, an address-space switch or a permission
  // change (each a TLB flush under QEMU, docs/performance.md): the entry
  // goes from invalid to valid, so no TLB maintenance. kInvalidArgument
  // (unaligned, outside user space), kNotFound (no such VMA, or a guard,
  // shared or file VMA), kAlreadyExists (mapped), kNoMemory.
  Status populate(VirtAddr page, FunctionRef<void(uint8_t* bytes)> fill) EXCLUDES(lock_);
  // Removes the range from the VMAs and unmaps and releases its pages.
  Status unmap(VirtAddr start, uint64_t bytes) EXCLUDES(lock_);
  // Changes the permissions of a reserved range (pages follow at once).
  Status protect(VirtAddr start, uint64_t bytes, uint32_t prot) EXCLUDES(lock_);

  // Resolves a fault at `va` for `access`.
  FaultResult handle_fault(VirtAddr va, Access access) EXCLUDES(lock_);

  // A copy that shares every page copy-on-write. kNoMemory, kOverflow (a
  // page's share count is full: REL-003).
  Result<AddressSpace*> clone() EXCLUDES(lock_);

  // Tests only: called inside a fault, with the VMA lock held, right
  // after the VMA was found — where the seed dropped its lock.
  static inline void (*fault_pause_for_tests)(VirtAddr) = nullptr;
  // Tests and benchmarks: pages a sequential first touch maps (1: no
  // fault-around; at most kFaultAroundPages).
  static inline uint32_t fault_around_pages = kFaultAroundPages;

  PageTable& tables() { return tables_; }
  PhysicalMemory& memory() { return memory_; }
  AsidTag& asid_tag() { return asid_tag_; }
  uint64_t resident_pages() const EXCLUDES(lock_);
  uint32_t vma_count() const EXCLUDES(lock_);
  // A copy of the VMA containing `va` (kNotFound), for tests and reports.
  Result<Vma> vma_at(VirtAddr va) const EXCLUDES(lock_);

 private:
  friend struct HeapAccess;  // make<AddressSpace>, kdelete
  explicit AddressSpace(PhysicalMemory& memory);
  ~AddressSpace() = default;

  // A first touch's zeroed pages, made before the VMA lock: the faulting
  // page and, for a sequential toucher, the ones after it.
  struct FreshPages {
    PhysAddr frames[kFaultAroundPages];
    uint32_t count = 0;
    uint32_t used = 0;
  };
  void prepare_fresh(FreshPages& fresh, const PageTable::Probe& probe);
  FaultResult fault_locked(VirtAddr page, Access access, TableReserve& reserve, FreshPages& fresh)
      REQUIRES(lock_);
  // Maps what prepare_fresh made (as much as the VMA allows); false if a
  // racing fault mapped `page` first.
  bool map_fresh_locked(VirtAddr page, const Vma& vma, TableReserve& reserve, FreshPages& fresh)
      REQUIRES(lock_);
  Vma* grow_stack_locked(VirtAddr page) REQUIRES(lock_);
  Status map_frames(VirtAddr start, Span<const PhysAddr> frames, uint32_t prot, VmaKind kind,
                    bool cow) EXCLUDES(lock_);
  // clone() of one kShared VMA: the same frames, shared, in `child`.
  Status clone_shared_locked(const Vma& vma, AddressSpace& child) REQUIRES(lock_, child.lock_);
  FaultResult map_zero_page_locked(VirtAddr page, const Vma& vma, TableReserve& reserve)
      REQUIRES(lock_);
  FaultResult write_shared_locked(VirtAddr page, const Vma& vma, const Translation& t)
      REQUIRES(lock_);
  void unmap_pages_locked(VirtAddr start, VirtAddr end, bool invalidate = true) REQUIRES(lock_);
  void release_frame(PhysAddr frame);
  // destroy() for a space that never had an ASID.
  void destroy_unused();

  PhysicalMemory& memory_;
  mutable IrqSpinlock lock_;
  VmaSet vmas_ GUARDED_BY(lock_);
  uint64_t resident_ GUARDED_BY(lock_) = 0;
  PageTable tables_;
  AsidTag asid_tag_{0};
};

// Share counts of page frames (copy-on-write).
// Adds a sharer; kOverflow instead of wrapping (REL-003).
Status share_frame(PageFrame& frame);
// Drops a sharer; returns how many are left (0: the page may be freed).
uint32_t unshare_frame(PageFrame& frame);

}  // namespace viper::mm
