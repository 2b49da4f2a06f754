#include "mm/vm/address_space.h"

#include "kernel/arch/arch.h"
#include "mm/kheap/global.h"
#include "mm/kheap/make.h"
#include "mm/vm/lock_classes.h"

namespace viper::mm {
namespace {

LockClass g_vma_class{kVmaLock};

bool user_range(VirtAddr start, uint64_t bytes) {
  return bytes > 0 && start.is_page_aligned() && (bytes & (kPageSize - 1)) == 0 &&
         start.value() >= kUserBase && start.value() < kUserTop &&
         bytes <= kUserTop - start.value();
}

bool permits(uint32_t prot, Access access) {
  switch (access) {
    case Access::kRead:
      return prot & kProtRead;
    case Access::kWrite:
      return prot & kProtWrite;
    case Access::kExecute:
      return prot & kProtExec;
  }
  return false;
}

// Page contents through the direct map: a physical address is never used
// as a pointer (MS-004, MS-005, MS-006).
void zero_frame(PhysAddr frame) { arch::zero_page(arch::phys_to_virt(frame)); }
void copy_frame(PhysAddr to, PhysAddr from) {
  __builtin_memcpy(arch::phys_to_virt(to).as<void>(), arch::phys_to_virt(from).as<void>(),
                   kPageSize);
}

}  // namespace

const char* fault_result_name(FaultResult result) {
  switch (result) {
    case FaultResult::kResolved:
      return "resolved";
    case FaultResult::kSegv:
      return "SIGSEGV";
    case FaultResult::kNoMemory:
      return "no memory";
  }
  return "?";
}

Status share_frame(PageFrame& frame) {
  uint32_t shares = frame.shares.load(MemoryOrder::kRelaxed);
  do {
    if (shares == UINT32_MAX) return Error::kOverflow;  // never wraps, never stalls silently
  } while (!frame.shares.compare_exchange(shares, shares + 1, MemoryOrder::kAcqRel,
                                          MemoryOrder::kRelaxed));
  return ok_status();
}

uint32_t unshare_frame(PageFrame& frame) {
  return frame.shares.fetch_sub(1, MemoryOrder::kAcqRel) - 1;
}

AddressSpace::AddressSpace(PhysicalMemory& memory)
    : memory_(memory), lock_(g_vma_class), tables_(memory) {}

Result<AddressSpace*> AddressSpace::create(PhysicalMemory& memory) {
  Own<AddressSpace> space = TRY(make<AddressSpace>(memory));
  TRY(space->tables_.init());
  return space.leak();
}

void AddressSpace::release_frame(PhysAddr frame) {
  PageFrame* descriptor = memory_.frame(frame);
  if (unshare_frame(*descriptor) == 0) (void)memory_.free_page(frame);
}

void AddressSpace::unmap_pages_locked(VirtAddr start, VirtAddr end, bool invalidate) {
  constexpr uint32_t kBatch = 64;
  VirtAddr vas[kBatch];
  Translation gone[kBatch];
  while (start < end) {
    VirtAddr resume;
    const uint32_t n = tables_.unmap_batch(start, end, vas, gone, kBatch, resume, invalidate);
    // The TLBs no longer hold these: the frames may go.
    for (uint32_t i = 0; i < n; ++i) release_frame(gone[i].frame);
    resident_ -= n;
    start = resume;
  }
}

void AddressSpace::destroy_unused() {
  {
    IrqSpinlockGuard guard(lock_);
    // It runs nowhere and its ASID is retired until the next rollover
    // flushes every TLB (destroy): no TLB can use these entries, so no
    // invalidation per batch.
    for (uint32_t i = 0; i < vmas_.size(); ++i) {
      unmap_pages_locked(vmas_.at(i).start, vmas_.at(i).end, /*invalidate=*/false);
    }
  }
  kdelete(this);  // frees the (now empty) tables
}

void AddressSpace::destroy(AsidAllocator& asids) {
  asids.release(asid_tag_);
  destroy_unused();
}

Status AddressSpace::map_anonymous(VirtAddr start, uint64_t bytes, uint32_t prot, VmaKind kind) {
  if (!user_range(start, bytes) || kind == VmaKind::kStack || (prot & ~kProtAll)) {
    return Error::kInvalidArgument;
  }
  Vma vma;
  vma.start = start;
  vma.end = start + bytes;
  vma.prot = kind == VmaKind::kGuard ? kProtNone : prot;
  vma.kind = kind;
  IrqSpinlockGuard guard(lock_);
  return vmas_.insert(vma);
}

Status AddressSpace::map_stack(VirtAddr top, uint64_t initial, uint64_t limit) {
  if (initial == 0 || initial > limit || !user_range(top - limit, limit)) {
    return Error::kInvalidArgument;
  }
  Vma vma;
  vma.start = top - initial;
  vma.end = top;
  vma.prot = kProtRead | kProtWrite;
  vma.kind = VmaKind::kStack;
  vma.grow_floor = top - limit;
  IrqSpinlockGuard guard(lock_);
  return vmas_.insert(vma);
}

Status AddressSpace::map_shared(VirtAddr start, Span<const PhysAddr> frames, uint32_t prot) {
  return map_frames(start, frames, prot, VmaKind::kShared, /*cow=*/false);
}

Status AddressSpace::map_copy_on_write(VirtAddr start, Span<const PhysAddr> frames, uint32_t prot) {
  return map_frames(start, frames, prot, VmaKind::kAnonymous, /*cow=*/true);
}

Status AddressSpace::map_frames(VirtAddr start, Span<const PhysAddr> frames, uint32_t prot,
                                VmaKind kind, bool cow) {
  const uint64_t bytes = frames.size() * kPageSize;
  if (frames.size() == 0 || !user_range(start, bytes) || (prot & ~kProtAll)) {
    return Error::kInvalidArgument;
  }
  Vma vma;
  vma.start = start;
  vma.end = start + bytes;
  vma.prot = prot;
  vma.kind = kind;
  IrqSpinlockGuard guard(lock_);
  TRY(vmas_.insert(vma));
  Status result = ok_status();
  uint64_t mapped = 0;
  for (; mapped < frames.size(); ++mapped) {
    PageFrame& frame = *memory_.frame(frames[mapped]);
    result = share_frame(frame);  // REL-003
    if (!result.ok()) break;
    result = tables_.map(start + mapped * kPageSize, frames[mapped], prot, cow);
    if (!result.ok()) {
      (void)unshare_frame(frame);  // never the last: the owner holds one
      break;
    }
    ++resident_;
  }
  if (!result.ok()) {
    unmap_pages_locked(start, start + mapped * kPageSize);
    (void)vmas_.remove(start, start + bytes);
  }
  return result;
}

Status AddressSpace::clone_shared_locked(const Vma& vma, AddressSpace& child) {
  for (VirtAddr at = vma.start; at < vma.end; at = at + kPageSize) {
    Result<Translation> t = tables_.lookup(at);
    if (!t.ok()) continue;  // map_shared maps every page; protect may not have
    PageFrame& frame = *memory_.frame(t.value().frame);
    TRY(share_frame(frame));
    if (Status s = child.tables_.map(at, t.value().frame, vma.prot, /*cow=*/false); !s.ok()) {
      (void)unshare_frame(frame);
      return s;
    }
    ++child.resident_;
  }
  return ok_status();
}

Status AddressSpace::populate(VirtAddr page, FunctionRef<void(uint8_t* bytes)> fill) {
  if (page.page_offset() != 0 || !user_range(page, kPageSize)) return Error::kInvalidArgument;
  PhysAddr frame = TRY(memory_.alloc_page());
  // Filled before it is mapped: nobody can see the page yet.
  zero_frame(frame);
  fill(arch::phys_to_virt(frame).as<uint8_t>());
  memory_.frame(frame)->shares.store(1, MemoryOrder::kRelaxed);
  // Table pages before the VMA lock, as on the fault path.
  TableReserve reserve;
  if (const uint32_t missing = tables_.missing_tables(page)) {
    (void)tables_.fill_reserve(reserve, missing);
  }
  Status result = ok_status();
  {
    IrqSpinlockGuard guard(lock_);
    const Vma* vma = vmas_.find(page);
    if (!vma || (vma->kind != VmaKind::kAnonymous && vma->kind != VmaKind::kStack)) {
      result = Error::kNotFound;
    } else {
      result = tables_.map(page, frame, vma->prot, /*cow=*/false, &reserve);
      if (result.ok()) ++resident_;
    }
  }
  tables_.drain_reserve(reserve);
  if (!result.ok()) (void)memory_.free_page(frame);
  return result;
}

Status AddressSpace::unmap(VirtAddr start, uint64_t bytes) {
  if (!user_range(start, bytes)) return Error::kInvalidArgument;
  IrqSpinlockGuard guard(lock_);
  TRY(vmas_.remove(start, start + bytes));
  unmap_pages_locked(start, start + bytes);
  return ok_status();
}

Status AddressSpace::protect(VirtAddr start, uint64_t bytes, uint32_t prot) {
  if (!user_range(start, bytes) || (prot & ~kProtAll)) return Error::kInvalidArgument;
  IrqSpinlockGuard guard(lock_);
  TRY(vmas_.protect(start, start + bytes, prot));
  // Mapped pages follow at once; shared (COW) pages stay read-only.
  (void)tables_.protect_range(start, start + bytes, prot);
  return ok_status();
}

Vma* AddressSpace::grow_stack_locked(VirtAddr page) {
  // The stack is the VMA just above the fault, if it is one.
  Vma* stack = vmas_.next_above(page);
  if (!stack || stack->kind != VmaKind::kStack) return nullptr;
  // REL-002: never below its floor (the per-process limit)...
  if (page < stack->grow_floor) return nullptr;
  // ...and never closer than the guard gap to the VMA below.
  const Vma* below = vmas_.last_below(page);
  if (below && page.value() < below->end.value() + kStackGuardGap) return nullptr;
  stack->start = page;
  return stack;
}

FaultResult AddressSpace::map_zero_page_locked(VirtAddr page, const Vma& vma,
                                               TableReserve& reserve) {
  Result<PhysAddr> frame = memory_.alloc_page();
  if (!frame.ok()) return FaultResult::kNoMemory;
  zero_frame(frame.value());
  memory_.frame(frame.value())->shares.store(1, MemoryOrder::kRelaxed);
  if (!tables_.map(page, frame.value(), vma.prot, /*cow=*/false, &reserve).ok()) {
    (void)memory_.free_page(frame.value());
    return FaultResult::kNoMemory;  // a table page was missing
  }
  ++resident_;
  return FaultResult::kResolved;
}

FaultResult AddressSpace::write_shared_locked(VirtAddr page, const Vma& vma, const Translation& t) {
  PageFrame* shared = memory_.frame(t.frame);
  if (shared->shares.load(MemoryOrder::kAcquire) == 1) {
    // The last sharer takes the page over: no copy.
    (void)tables_.protect(page, vma.prot, /*cow=*/false);
    return FaultResult::kResolved;
  }
  Result<PhysAddr> copy = memory_.alloc_page();
  if (!copy.ok()) return FaultResult::kNoMemory;
  copy_frame(copy.value(), t.frame);
  memory_.frame(copy.value())->shares.store(1, MemoryOrder::kRelaxed);
  // Break-before-make inside replace(); the old frame loses a sharer only
  // after no TLB maps it here any more.
  (void)tables_.replace(page, copy.value(), vma.prot, /*cow=*/false);
  release_frame(t.frame);
  return FaultResult::kResolved;
}

void AddressSpace::prepare_fresh(FreshPages& fresh, const PageTable::Probe& probe) {
  // As many as the run of mapped pages just before (probe counted up to
  // the window), at least the page itself.
  uint32_t want = probe.mapped_before > 1 ? probe.mapped_before : 1;
  if (want > probe.pages_to_table_end) want = probe.pages_to_table_end;
  for (; fresh.count < want; ++fresh.count) {
    Result<PhysAddr> frame = memory_.alloc_page();
    if (!frame.ok()) break;  // fewer then; none: the locked path says kNoMemory
    zero_frame(frame.value());
    memory_.frame(frame.value())->shares.store(1, MemoryOrder::kRelaxed);
    fresh.frames[fresh.count] = frame.value();
  }
}

bool AddressSpace::map_fresh_locked(VirtAddr page, const Vma& vma, TableReserve& reserve,
                                    FreshPages& fresh) {
  // Fault-around only for anonymous VMAs (stacks grow down), inside it.
  uint32_t count = vma.kind == VmaKind::kAnonymous ? fresh.count : 1;
  const uint64_t room = (vma.end.value() - page.value()) >> kPageShift;
  if (count > room) count = static_cast<uint32_t>(room);
  Result<uint32_t> mapped = tables_.map_run(page, fresh.frames, count, vma.prot, &reserve);
  if (!mapped.ok() || mapped.value() == 0) return false;  // raced (or no table: the slow path)
  fresh.used = mapped.value();
  resident_ += fresh.used;
  return true;
}

FaultResult AddressSpace::fault_locked(VirtAddr page, Access access, TableReserve& reserve,
                                       FreshPages& fresh) {
  // RC-007/RC-008: the VMA is found and used under lock_, which unmap and
  // protect also take; nothing of it is used after the lock is dropped.
  Vma* vma = vmas_.find(page);
  if (!vma) vma = grow_stack_locked(page);
  if (fault_pause_for_tests) fault_pause_for_tests(page);
  if (!vma || vma->kind == VmaKind::kGuard || !permits(vma->prot, access)) {
    return FaultResult::kSegv;
  }
  if (vma->kind == VmaKind::kFile) return FaultResult::kSegv;  // no VFS yet
  // Unmapped at the probe: the prepared pages, unless a racing fault (or
  // an unmap and a new mapping) came first; then as below.
  if (fresh.count > 0 && vma->kind != VmaKind::kShared &&
      map_fresh_locked(page, *vma, reserve, fresh)) {
    return FaultResult::kResolved;
  }
  Result<Translation> t = tables_.lookup(page);
  if (!t.ok()) return map_zero_page_locked(page, *vma, reserve);
  if (access == Access::kWrite && t.value().cow) return write_shared_locked(page, *vma, t.value());
  // Already mapped as needed: another CPU resolved it first.
  return permits(t.value().prot, access) ? FaultResult::kResolved : FaultResult::kSegv;
}

FaultResult AddressSpace::handle_fault(VirtAddr va, Access access) {
  if (va.value() < kUserBase || va.value() >= kUserTop) return FaultResult::kSegv;
  const VirtAddr page = va.page_base();
  // One walk before the VMA lock says what the fault will need. Table
  // pages the mapping will need are allocated before the VMA lock
  // (a racing fault may use them first: the reserve is only a hint, and
  // map() allocates whatever is still missing).
  const uint32_t window =
      fault_around_pages < kFaultAroundPages ? fault_around_pages : kFaultAroundPages;
  const PageTable::Probe probe = tables_.probe(page, window);
  TableReserve reserve;
  if (probe.missing_tables > 0) {
    (void)tables_.fill_reserve(reserve, probe.missing_tables);  // short: map() makes up the rest
  }
  // So are a first touch's zeroed pages: the lock is held for the mapping only.
  FreshPages fresh;
  if (!probe.mapped) prepare_fresh(fresh, probe);
  FaultResult result;
  {
    IrqSpinlockGuard guard(lock_);
    result = fault_locked(page, access, reserve, fresh);
  }
  for (uint32_t i = fresh.used; i < fresh.count; ++i) (void)memory_.free_page(fresh.frames[i]);
  tables_.drain_reserve(reserve);
  return result;
}

Result<AddressSpace*> AddressSpace::clone() {
  AddressSpace* child = TRY(create(memory_));
  Status result = ok_status();
  {
    // Same-class nesting: the space being cloned (key 1) before its clone
    // (key 2), which nobody else can reach yet.
    IrqSpinlockGuard guard(lock_, 1);
    IrqSpinlockGuard child_guard(child->lock_, 2);
    for (uint32_t i = 0; i < vmas_.size() && result.ok(); ++i) {
      result = child->vmas_.insert(vmas_.at(i));
    }
    constexpr uint32_t kBatch = 64;
    VirtAddr vas[kBatch];
    Translation pages[kBatch];
    for (uint32_t i = 0; i < vmas_.size() && result.ok(); ++i) {
      const Vma& vma = vmas_.at(i);
      if (vma.kind == VmaKind::kShared) {
        result = clone_shared_locked(vma, *child);
        continue;
      }
      for (VirtAddr at = vma.start; at < vma.end && result.ok();) {
        // Read-only here (parent faults wait for lock_, held), then one
        // more sharer each, mapped read-only there.
        const uint32_t n = tables_.make_cow_batch(at, vma.end, vas, pages, kBatch, at);
        uint32_t shared = 0;
        for (; shared < n; ++shared) {
          // REL-003: kOverflow, never a silent stall.
          result = share_frame(*memory_.frame(pages[shared].frame));
          if (!result.ok()) break;
        }
        // The child's entries in one go (one table lock for the batch).
        Error error = Error::kOk;
        const uint32_t mapped =
            child->tables_.map_batch(vas, pages, shared, vma.prot, /*cow=*/true, error);
        child->resident_ += mapped;
        for (uint32_t k = mapped; k < shared; ++k) {
          (void)unshare_frame(*memory_.frame(pages[k].frame));  // never the last: we map it
        }
        if (result.ok() && error != Error::kOk) result = error;
      }
    }
    // Many entries went read-only: one invalidation of this ASID.
    tables_.flush_asid();
  }
  if (!result.ok()) {
    child->destroy_unused();
    return result.error();
  }
  return child;
}

uint64_t AddressSpace::resident_pages() const {
  IrqSpinlockGuard guard(lock_);
  return resident_;
}

uint32_t AddressSpace::vma_count() const {
  IrqSpinlockGuard guard(lock_);
  return vmas_.size();
}

Result<Vma> AddressSpace::vma_at(VirtAddr va) const {
  IrqSpinlockGuard guard(lock_);
  const Vma* vma = vmas_.find(va);
  if (!vma) return Error::kNotFound;
  return *vma;
}

}  // namespace viper::mm
