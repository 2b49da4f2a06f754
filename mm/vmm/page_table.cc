#include "mm/vmm/page_table.h"

#include "kernel/arch/arch.h"
#include "mm/vmm/lock_classes.h"

namespace viper::mm {
namespace {
LockClass g_page_table_class{kPageTableLock};

void zero_page(PhysAddr page) {
  // Through the direct map: a physical address is never a pointer (MS-004).
  arch::zero_page(arch::phys_to_virt(page));
}

bool table_empty(const uint64_t* table) {
  for (uint32_t i = 0; i < desc::kEntries; ++i) {
    if (table[i] != 0) return false;
  }
  return true;
}

Translation translation_of(uint64_t entry) {
  return Translation{desc::address(entry), desc::prot(entry), desc::cow(entry)};
}

// Entries are read by other CPUs' table walkers: whole-word stores.
void write_entry(uint64_t* entry, uint64_t value) {
  __atomic_store_n(entry, value, __ATOMIC_RELAXED);
}
}  // namespace

PageTable::PageTable(PhysicalMemory& memory) : memory_(memory), lock_(g_page_table_class) {}

PageTable::~PageTable() {
  if (!root_.is_null()) free_tree(root_, 0);
}

void PageTable::free_tree(PhysAddr table, uint32_t level) {
  if (level < desc::kLevels - 1) {
    const uint64_t* entries = table_at(table);
    for (uint32_t i = 0; i < desc::kEntries; ++i) {
      if (desc::valid(entries[i])) free_tree(desc::address(entries[i]), level + 1);
    }
  }
  (void)memory_.free_page(table);
}

Status PageTable::init() {
  const PhysAddr root = TRY(memory_.alloc_page());
  zero_page(root);
  IrqSpinlockGuard guard(lock_);
  root_ = root;
  table_pages_ = 1;
  return ok_status();
}

uint64_t* PageTable::table_at(PhysAddr table) const {
  return arch::phys_to_virt(table).as<uint64_t>();
}

uint64_t* PageTable::find_leaf(VirtAddr va, VirtAddr* next_table) const {
  uint64_t* table = table_at(root_);
  for (uint32_t level = 0; level < desc::kLevels - 1; ++level) {
    const uint64_t entry = table[desc::index(va, level)];
    if (!desc::valid(entry)) {
      // Nothing is mapped up to the end of what this entry would cover.
      if (next_table) {
        const uint64_t span = 1ull << (39 - 9 * level);
        *next_table = VirtAddr((va.value() | (span - 1)) + 1);
      }
      return nullptr;
    }
    table = table_at(desc::address(entry));
  }
  return &table[desc::index(va, desc::kLevels - 1)];
}

uint64_t* PageTable::next_mapped(VirtAddr& va, VirtAddr end) const {
  while (va < end) {
    VirtAddr next_table;
    uint64_t* entry = find_leaf(va, &next_table);
    if (!entry) {
      va = next_table;  // the whole unmapped subtree
      continue;
    }
    // The rest of this leaf table without walking again: a walk per empty
    // entry was most of a fork (clone and teardown scan whole VMAs).
    for (uint32_t index = desc::index(va, desc::kLevels - 1);;) {
      if (desc::valid(*entry)) return entry;
      va = va + kPageSize;
      ++entry;
      if (++index == desc::kEntries || !(va < end)) break;
    }
  }
  return nullptr;
}

Result<uint64_t*> PageTable::leaf(VirtAddr va, bool create, TableReserve* reserve) {
  uint64_t* table = table_at(root_);
  for (uint32_t level = 0; level < desc::kLevels - 1; ++level) {
    uint64_t* entry = &table[desc::index(va, level)];
    if (!desc::valid(*entry)) {
      if (!create) return Error::kNotFound;
      PhysAddr next;
      if (reserve && reserve->count > 0) {
        next = reserve->pages[--reserve->count];  // zeroed when reserved
      } else {
        next = TRY(memory_.alloc_page());
        zero_page(next);
      }
      // The zeroed table is visible before the entry that points to it.
      arch::table_entries_written();
      write_entry(entry, desc::table(next));
      ++table_pages_;
    }
    table = table_at(desc::address(*entry));
  }
  return &table[desc::index(va, desc::kLevels - 1)];
}

void PageTable::note_cpu(uint32_t cpu) {
  const uint64_t bit = 1ull << cpu;
  if ((cpus_.load(MemoryOrder::kRelaxed) & bit) == 0) cpus_.fetch_or(bit, MemoryOrder::kAcqRel);
  arch::memory_barrier();
}

// The space may be taking a new ASID (after a rollover), or starting to
// run on one more CPU, on another CPU right now. That CPU stores the ASID
// and its bit in cpus_, then (barrier) walks the tables; this one has
// changed an entry and then (full barrier) reads both. One of the two
// sees the other's store: either the walk sees the new entry, or the
// invalidation reaches that CPU with the new ASID. Without the barrier
// both could miss. Callers hold lock_ (interrupts off): cpu_id() stays
// the CPU the local invalidation runs on.
PageTable::Reach PageTable::reach() const {
  arch::memory_barrier();
  const uint64_t cpus = cpus_.load(MemoryOrder::kAcquire);
  if (cpus == 0) return Reach::kNone;  // never ran: no TLB holds any of it
  return cpus == (1ull << arch::cpu_id()) ? Reach::kThisCpu : Reach::kAll;
}
void PageTable::flush(VirtAddr va) const {
  switch (reach()) {
    case Reach::kNone:
      return;
    case Reach::kThisCpu:
      return arch::tlb_flush_user_page_local(asid(), va);
    case Reach::kAll:
      return arch::tlb_flush_user_page(asid(), va);
  }
}
void PageTable::arch_flush_asid() const {
  switch (reach()) {
    case Reach::kNone:
      return;
    case Reach::kThisCpu:
      return arch::tlb_flush_asid_local(asid());
    case Reach::kAll:
      return arch::tlb_flush_asid(asid());
  }
}

uint32_t PageTable::unlink_empty_tables(VirtAddr va, PhysAddr* freed) {
  uint64_t* path[desc::kLevels - 1];
  uint64_t* table = table_at(root_);
  for (uint32_t level = 0; level < desc::kLevels - 1; ++level) {
    path[level] = &table[desc::index(va, level)];
    if (!desc::valid(*path[level])) return 0;
    table = table_at(desc::address(*path[level]));
  }
  uint32_t count = 0;
  for (uint32_t level = desc::kLevels - 1; level > 0; --level) {
    const PhysAddr this_table = desc::address(*path[level - 1]);
    if (!table_empty(table_at(this_table))) break;
    write_entry(path[level - 1], 0);
    freed[count++] = this_table;
    --table_pages_;
  }
  return count;
}

uint32_t PageTable::unmap_batch(VirtAddr start, VirtAddr end, VirtAddr* vas, Translation* out,
                                uint32_t capacity, VirtAddr& resume, bool invalidate) {
  // A few pages are invalidated one by one; beyond this, one ASID flush
  // is cheaper than the broadcasts.
  constexpr uint32_t kPerPageFlushes = 16;
  constexpr uint32_t kMaxFreedTables = 64;
  PhysAddr freed[kMaxFreedTables + desc::kLevels];
  uint32_t freed_count = 0;
  uint32_t count = 0;
  resume = end;
  {
    IrqSpinlockGuard guard(lock_);
    VirtAddr va = start;
    while (uint64_t* entry = next_mapped(va, end)) {
      if (count == capacity || freed_count >= kMaxFreedTables) {
        resume = va;
        break;
      }
      vas[count] = va;
      out[count++] = translation_of(*entry);
      write_entry(entry, 0);
      // Leaving a leaf table (or the range): free what emptied behind us.
      const VirtAddr next = va + kPageSize;
      if (next >= end || desc::index(next, desc::kLevels - 1) == 0) {
        freed_count += unlink_empty_tables(va, &freed[freed_count]);
      }
      va = next;
    }
    if (!invalidate) {
      // destroy: nothing can use them (see the declaration).
    } else if (count > 0 && count <= kPerPageFlushes && freed_count == 0) {
      for (uint32_t i = 0; i < count; ++i) flush(vas[i]);
    } else if (count > 0 || freed_count > 0) {
      arch_flush_asid();
    }
  }
  for (uint32_t i = 0; i < freed_count; ++i) (void)memory_.free_page(freed[i]);
  return count;
}

uint64_t PageTable::protect_range(VirtAddr start, VirtAddr end, uint32_t prot) {
  constexpr uint32_t kPerPageFlushes = 16;
  VirtAddr changed[kPerPageFlushes];
  uint64_t count = 0;
  IrqSpinlockGuard guard(lock_);
  for (VirtAddr va = start; uint64_t* entry = next_mapped(va, end); va = va + kPageSize) {
    const uint64_t updated = desc::page(desc::address(*entry), prot, desc::cow(*entry));
    if (updated == *entry) continue;
    write_entry(entry, updated);
    if (count < kPerPageFlushes) changed[count] = va;
    ++count;
  }
  if (count > kPerPageFlushes) {
    arch_flush_asid();
  } else {
    for (uint64_t i = 0; i < count; ++i) flush(changed[i]);
  }
  return count;
}

uint32_t PageTable::make_cow_batch(VirtAddr start, VirtAddr end, VirtAddr* vas, Translation* out,
                                   uint32_t capacity, VirtAddr& resume) {
  IrqSpinlockGuard guard(lock_);
  uint32_t count = 0;
  resume = end;
  for (VirtAddr va = start; uint64_t* entry = next_mapped(va, end); va = va + kPageSize) {
    if (count == capacity) {
      resume = va;
      break;
    }
    const Translation t{desc::address(*entry), desc::prot(*entry), desc::cow(*entry)};
    vas[count] = va;
    out[count++] = t;
    write_entry(entry, desc::page(t.frame, t.prot, /*cow=*/true));
  }
  return count;
}

uint32_t PageTable::missing_tables(VirtAddr va) const {
  IrqSpinlockGuard guard(lock_);
  const uint64_t* table = table_at(root_);
  for (uint32_t level = 0; level < desc::kLevels - 1; ++level) {
    const uint64_t entry = table[desc::index(va, level)];
    if (!desc::valid(entry)) return desc::kLevels - 1 - level;
    table = table_at(desc::address(entry));
  }
  return 0;
}

PageTable::Probe PageTable::probe(VirtAddr va, uint32_t count_before) const {
  Probe probe;
  const uint32_t index = desc::index(va, desc::kLevels - 1);
  probe.pages_to_table_end = desc::kEntries - index;
  IrqSpinlockGuard guard(lock_);
  const uint64_t* table = table_at(root_);
  for (uint32_t level = 0; level < desc::kLevels - 1; ++level) {
    const uint64_t entry = table[desc::index(va, level)];
    if (!desc::valid(entry)) {
      probe.missing_tables = desc::kLevels - 1 - level;
      return probe;
    }
    table = table_at(desc::address(entry));
  }
  while (probe.mapped_before < count_before && probe.mapped_before < index &&
         desc::valid(table[index - 1 - probe.mapped_before])) {
    ++probe.mapped_before;
  }
  if (desc::valid(table[index])) {
    probe.mapped = true;
    probe.translation = translation_of(table[index]);
  }
  return probe;
}

Result<uint32_t> PageTable::map_run(VirtAddr va, const PhysAddr* frames, uint32_t count,
                                    uint32_t prot, TableReserve* reserve) {
  if (!valid_user_page(va) || count == 0 ||
      count > desc::kEntries - desc::index(va, desc::kLevels - 1)) {
    return Error::kInvalidArgument;
  }
  for (uint32_t i = 0; i < count; ++i) {
    if (!frames[i].is_page_aligned()) return Error::kInvalidArgument;
  }
  IrqSpinlockGuard guard(lock_);
  uint64_t* entry = TRY(leaf(va, /*create=*/true, reserve));
  uint32_t mapped = 0;
  for (; mapped < count && !desc::valid(entry[mapped]); ++mapped) {
    write_entry(&entry[mapped], desc::page(frames[mapped], prot, /*cow=*/false));
  }
  if (mapped > 0) arch::table_entries_written();  // invalid -> valid needs no invalidation
  return mapped;
}

Status PageTable::fill_reserve(TableReserve& reserve, uint32_t count) {
  while (reserve.count < count && reserve.count < TableReserve::kMax) {
    const PhysAddr page = TRY(memory_.alloc_page());
    zero_page(page);
    reserve.pages[reserve.count++] = page;
  }
  return ok_status();
}

void PageTable::drain_reserve(TableReserve& reserve) {
  while (reserve.count > 0) (void)memory_.free_page(reserve.pages[--reserve.count]);
}

Status PageTable::map(VirtAddr va, PhysAddr frame, uint32_t prot, bool cow, TableReserve* reserve) {
  if (!valid_user_page(va) || !frame.is_page_aligned()) return Error::kInvalidArgument;
  IrqSpinlockGuard guard(lock_);
  uint64_t* entry = TRY(leaf(va, /*create=*/true, reserve));
  if (desc::valid(*entry)) return Error::kAlreadyExists;
  write_entry(entry, desc::page(frame, prot, cow));
  arch::table_entries_written();  // invalid -> valid needs no invalidation
  return ok_status();
}

uint32_t PageTable::map_batch(const VirtAddr* vas, const Translation* pages, uint32_t count,
                              uint32_t prot, bool cow, Error& error) {
  error = Error::kOk;
  IrqSpinlockGuard guard(lock_);
  uint32_t mapped = 0;
  for (; mapped < count; ++mapped) {
    if (!valid_user_page(vas[mapped]) || !pages[mapped].frame.is_page_aligned()) {
      error = Error::kInvalidArgument;
      break;
    }
    Result<uint64_t*> entry = leaf(vas[mapped], /*create=*/true);
    if (!entry.ok()) {
      error = entry.error();
      break;
    }
    if (desc::valid(*entry.value())) {
      error = Error::kAlreadyExists;
      break;
    }
    write_entry(entry.value(), desc::page(pages[mapped].frame, prot, cow));
  }
  if (mapped > 0) arch::table_entries_written();  // invalid -> valid needs no invalidation
  return mapped;
}

Result<PhysAddr> PageTable::replace(VirtAddr va, PhysAddr frame, uint32_t prot, bool cow) {
  if (!valid_user_page(va) || !frame.is_page_aligned()) return Error::kInvalidArgument;
  IrqSpinlockGuard guard(lock_);
  uint64_t* entry = find_leaf(va);
  if (!entry || !desc::valid(*entry)) return Error::kNotFound;
  const PhysAddr old = desc::address(*entry);
  // Break-before-make: no CPU may hold the old and the new translation at
  // once, so the entry is invalid and invalidated before the new one.
  write_entry(entry, 0);
  flush(va);
  write_entry(entry, desc::page(frame, prot, cow));
  arch::table_entries_written();
  return old;
}

Status PageTable::protect(VirtAddr va, uint32_t prot, bool cow) {
  if (!valid_user_page(va)) return Error::kInvalidArgument;
  IrqSpinlockGuard guard(lock_);
  uint64_t* entry = find_leaf(va);
  if (!entry || !desc::valid(*entry)) return Error::kNotFound;
  const uint64_t updated = desc::page(desc::address(*entry), prot, cow);
  if (updated == *entry) return ok_status();
  // Same frame and attributes, other permissions: no break needed, but
  // the old permissions must leave every TLB.
  write_entry(entry, updated);
  flush(va);
  return ok_status();
}

Result<Translation> PageTable::unmap(VirtAddr va) {
  if (!valid_user_page(va)) return Error::kInvalidArgument;
  Translation old;
  PhysAddr freed[desc::kLevels - 1];
  uint32_t freed_count;
  {
    IrqSpinlockGuard guard(lock_);
    uint64_t* entry = find_leaf(va);
    if (!entry || !desc::valid(*entry)) return Error::kNotFound;
    old = translation_of(*entry);
    write_entry(entry, 0);
    freed_count = unlink_empty_tables(va, freed);
    // One invalidation by VA drops the leaf and the cached walk through
    // the freed tables; only then may the tables be reused.
    flush(va);
  }
  for (uint32_t i = 0; i < freed_count; ++i) (void)memory_.free_page(freed[i]);
  return old;
}

Result<Translation> PageTable::lookup(VirtAddr va) const {
  if (va.value() >= kUserTop) return Error::kInvalidArgument;
  IrqSpinlockGuard guard(lock_);
  const uint64_t* entry = find_leaf(va.page_base());
  if (!entry || !desc::valid(*entry)) return Error::kNotFound;
  return translation_of(*entry);
}

void PageTable::for_each(VirtAddr start, VirtAddr end,
                         void (*visit)(VirtAddr, const Translation&, void*), void* context) const {
  IrqSpinlockGuard guard(lock_);
  // Walks only present tables: cost follows what is mapped, not the range.
  struct Walker {
    const PageTable* self;
    uint64_t start, end;
    void (*visit)(VirtAddr, const Translation&, void*);
    void* context;
    void walk(PhysAddr table, uint32_t level, uint64_t base) const {
      const uint64_t span = 1ull << (39 - 9 * level);
      const uint64_t* entries = self->table_at(table);
      for (uint32_t i = 0; i < desc::kEntries; ++i) {
        const uint64_t lo = base + i * span;
        if (lo + span <= start || lo >= end || !desc::valid(entries[i])) continue;
        if (level == desc::kLevels - 1) {
          const Translation t{desc::address(entries[i]), desc::prot(entries[i]),
                              desc::cow(entries[i])};
          visit(VirtAddr(lo), t, context);
        } else {
          walk(desc::address(entries[i]), level + 1, lo);
        }
      }
    }
  };
  Walker{this, start.value(), end.value(), visit, context}.walk(root_, 0, 0);
}

uint64_t PageTable::table_pages() const {
  IrqSpinlockGuard guard(lock_);
  return table_pages_;
}

}  // namespace viper::mm
