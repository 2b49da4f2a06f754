#include "mm/slab/slab_cache.h"

#include "kernel/lib/printk.h"
#include "mm/slab/lock_classes.h"

namespace viper::mm {
namespace {

LockClass g_cache_lock_class{kSlabCacheLock};

constexpr uint8_t kPoison = 0x6b;   // free object bytes (debug)
constexpr uint8_t kRedzone = 0xbb;  // bytes after each object (debug)
constexpr size_t kRedzoneBytes = kSlabDebug ? 16 : 0;
constexpr uint32_t kMinObjectsPerSlab = 8;
constexpr uint32_t kMaxSlabOrder = 4;
static_assert((kPageSize << kMaxSlabOrder) <= SlabCache::kMaxSlabBytes);
constexpr uint32_t kEmptySlabsKept = 1;

size_t header_bytes(uint32_t capacity) {
  return sizeof(Slab) + capacity * sizeof(uint32_t) + capacity;
}

}  // namespace

SlabCache::SlabCache(const char* name, size_t object_size, size_t alignment)
    : name_(name), object_size_(object_size), alignment_(alignment), lock_(g_cache_lock_class) {}

Status SlabCache::init(PhysicalMemory& pmm) {
  if (object_size_ == 0 || object_size_ > kMaxObjectSize || !is_power_of_two(alignment_) ||
      alignment_ > kPageSize) {
    return Error::kInvalidArgument;
  }
  pmm_ = &pmm;
  const size_t align = alignment_ < 8 ? 8 : alignment_;
  stride_ = align_up(object_size_ + kRedzoneBytes, align);
  for (order_ = 0; order_ <= kMaxSlabOrder; ++order_) {
    const size_t bytes = kPageSize << order_;
    capacity_ = static_cast<uint32_t>(bytes / stride_);
    while (capacity_ > 0 &&
           align_up(header_bytes(capacity_), align) + capacity_ * stride_ > bytes) {
      --capacity_;
    }
    if (capacity_ >= kMinObjectsPerSlab || order_ == kMaxSlabOrder) break;
  }
  if (capacity_ == 0) return Error::kInvalidArgument;
  objects_offset_ = align_up(header_bytes(capacity_), align);
  stride_divisor_ = divisor(stride_);
  return ok_status();
}

Result<Slab*> SlabCache::grow() {
  const PhysAddr base = TRY(pmm_->alloc_pages(order_));
  auto* slab = arch::phys_to_virt(base).as<Slab>();
  new (slab) Slab();
  slab->cache = this;
  slab->owner = owner_;
  slab->base = base;
  slab->objects = reinterpret_cast<uint8_t*>(slab) + objects_offset_;
  slab->objects_bytes = capacity_ * stride_;
  slab->state = states(*slab);
  slab->divisor = stride_divisor_;
  slab->stride = static_cast<uint32_t>(stride_);
  slab->in_use = 0;
  slab->where = Slab::Where::kEmpty;
  Atomic<uint8_t>* state = states(*slab);
  for (uint32_t i = 0; i < capacity_; ++i) new (&state[i]) Atomic<uint8_t>(Slab::kFree);
  uint32_t* next = slab->next_free();
  for (uint32_t i = 0; i < capacity_; ++i) {
    next[i] = i + 1 < capacity_ ? i + 1 : Slab::kNone;
    uint8_t* object = slab->objects + i * stride_;
    poison(object);
    for (size_t r = 0; r < kRedzoneBytes; ++r) object[object_size_ + r] = kRedzone;
  }
  slab->free_head = 0;
  // Every page of the slab leads back to it in O(1) (PERF-001).
  for (uint64_t page = 0; page < (1ull << order_); ++page) {
    PageFrame* frame = pmm_->frame(base + PageCount(page));
    frame->owner.store(slab, MemoryOrder::kRelease);
    frame->owner_kind.store(static_cast<uint8_t>(FrameOwner::kSlab), MemoryOrder::kRelease);
  }
  empty_.push_back(*slab);
  return slab;
}

SlabCache::SlabList& SlabCache::list_for(Slab::Where where) {
  switch (where) {
    case Slab::Where::kFull:
      return full_;
    case Slab::Where::kPartial:
      return partial_;
    case Slab::Where::kEmpty:
      return empty_;
    case Slab::Where::kOwned:
      break;  // on no list; callers never ask
  }
  panic("slab %s: a CPU's current slab has no list", name_);
}

// Gives a CPU's current slab back to the lists.
void SlabCache::retire_current(Magazine& magazine) {
  Slab* slab = magazine.current;
  if (!slab) return;
  magazine.current = nullptr;
  slab->where = slab->in_use == capacity_ ? Slab::Where::kFull
                : slab->in_use == 0       ? Slab::Where::kEmpty
                                          : Slab::Where::kPartial;
  list_for(slab->where).push_front(*slab);
  if (slab->where == Slab::Where::kEmpty && empty_.size() > kEmptySlabsKept) release_slab(*slab);
}

// Moves a slab to the list its fill level says; all O(1). A CPU's current
// slab stays with its CPU until retired.
void SlabCache::place(Slab& slab) {
  if (slab.where == Slab::Where::kOwned) return;
  const Slab::Where want = slab.in_use == capacity_ ? Slab::Where::kFull
                           : slab.in_use == 0       ? Slab::Where::kEmpty
                                                    : Slab::Where::kPartial;
  if (want == slab.where) return;
  list_for(slab.where).remove(slab);
  slab.where = want;
  list_for(want).push_front(slab);
  if (want == Slab::Where::kEmpty && empty_.size() > kEmptySlabsKept) release_slab(slab);
}

void SlabCache::release_slab(Slab& slab) {
  list_for(slab.where).remove(slab);
  for (uint64_t page = 0; page < (1ull << order_); ++page) {
    PageFrame* frame = pmm_->frame(slab.base + PageCount(page));
    frame->owner_kind.store(static_cast<uint8_t>(FrameOwner::kNone), MemoryOrder::kRelease);
    frame->owner.store(nullptr, MemoryOrder::kRelease);
  }
  (void)pmm_->free_pages(slab.base, order_);
}

[[gnu::noinline]] uint32_t SlabCache::refill_locked(Magazine& magazine) {
  IrqSpinlockGuard guard(lock_);
  refill(magazine);
  return magazine.count.load(MemoryOrder::kRelaxed);
}

void SlabCache::refill(Magazine& magazine) {
  ++slow_path_entries_;
  uint32_t count = magazine.count.load(MemoryOrder::kRelaxed);
  const uint32_t before = count;
  while (count < kMagazineSize / 2) {
    Slab* slab = magazine.current;
    if (!slab || slab->free_head == Slab::kNone) {
      retire_current(magazine);
      slab = partial_.front();  // PERF-005: the head, never a search
      if (!slab) slab = empty_.front();
      if (!slab) {
        Result<Slab*> grown = grow();
        if (!grown.ok()) break;
        slab = grown.value();
      }
      list_for(slab->where).remove(*slab);
      slab->where = Slab::Where::kOwned;
      magazine.current = slab;
    }
    const uint32_t index = slab->free_head;
    slab->free_head = slab->next_free()[index];
    ++slab->in_use;
    magazine.entries[count++] = {slab->objects + index * stride_, &states(*slab)[index]};
  }
  magazine.count.store(count, MemoryOrder::kRelaxed);
  slab_in_use_.store(slab_in_use_.load(MemoryOrder::kRelaxed) + (count - before),
                     MemoryOrder::kRelaxed);
}

void SlabCache::return_to_slab(void* object) {
  Slab* slab = static_cast<Slab*>(pmm_->frame(arch::virt_to_phys(VirtAddr(object)).page_base())
                                      ->owner.load(MemoryOrder::kAcquire));
  const uint32_t index =
      index_of(static_cast<size_t>(static_cast<uint8_t*>(object) - slab->objects));
  slab->next_free()[index] = slab->free_head;
  slab->free_head = index;
  --slab->in_use;
  place(*slab);
}

// The fast path calls nothing but its (tail-called) slow path, so it
// saves no registers: an empty magazine goes to alloc_refilling() after
// interrupts are back on.
Result<void*> SlabCache::alloc() {
  Magazine::Entry entry;
  bool empty;
  {
    arch::InterruptsDisabled no_irqs;
    Magazine& magazine = magazines_[arch::cpu_id()];
    const uint32_t count = magazine.count.load(MemoryOrder::kRelaxed);
    empty = count == 0;
    if (!empty) [[likely]] {
      entry = magazine.entries[count - 1];
      magazine.count.store(count - 1, MemoryOrder::kRelaxed);
    }
  }
  if (empty) [[unlikely]] {
    return alloc_refilling();
  }
  return hand_out(entry);
}

[[gnu::noinline]] Result<void*> SlabCache::alloc_refilling() {
  Magazine::Entry entry;
  {
    arch::InterruptsDisabled no_irqs;
    Magazine& magazine = magazines_[arch::cpu_id()];
    uint32_t count = magazine.count.load(MemoryOrder::kRelaxed);
    if (count == 0) count = refill_locked(magazine);
    if (count == 0) return Error::kNoMemory;
    entry = magazine.entries[--count];
    magazine.count.store(count, MemoryOrder::kRelaxed);
  }
  return hand_out(entry);
}

// Magazines only ever hold this cache's objects, each with its state
// byte: no lookup, no validation. Only this CPU can reach the object now,
// so no other can change that byte: a plain load and store, no
// read-modify-write.
[[gnu::always_inline]] Result<void*> SlabCache::hand_out(Magazine::Entry entry) {
  if (entry.state->load(MemoryOrder::kRelaxed) != Slab::kFree) [[unlikely]] {
    handed_out_twice(entry.object);
  }
  entry.state->store(Slab::kHandedOut, MemoryOrder::kRelease);
  check_poison(entry.object);
  check_redzone(entry.object);
  return entry.object;
}

[[gnu::always_inline]] Result<SlabCache::Found> SlabCache::find(PhysicalMemory& pmm,
                                                                const void* object, const char* who,
                                                                const void* caller) {
  const char* problem = nullptr;
  Found found{};
  const VirtAddr va(object);
  if (!object) {
    problem = "null pointer";
  } else if (!arch::is_direct_map(va)) {
    problem = "not a kernel heap address";
  } else if (const PageFrame* frame = pmm.frame(arch::virt_to_phys(va).page_base());
             !frame || frame->owner_kind.load(MemoryOrder::kAcquire) !=
                           static_cast<uint8_t>(FrameOwner::kSlab)) {
    problem = "not inside any slab";
  } else {
    problem = check(*frame, object, found);
  }
  if (problem) {
    report(who, object, problem, caller);
    return Error::kInvalidArgument;
  }
  return found;
}

// Inlined into free(): the whole validation is a page-descriptor lookup,
// the slab header's first cache line and one multiply, with no branch to
// a report on the way (refuse() says afterwards what was wrong).
[[gnu::always_inline]] bool SlabCache::owns(const void* object, Found& found) const {
  const PageFrame* frame = pmm_->frame_of(object);
  if (!frame) [[unlikely]]
    return false;
  if (frame->owner_kind.load(MemoryOrder::kAcquire) != static_cast<uint8_t>(FrameOwner::kSlab)) {
    return false;
  }
  auto* slab = static_cast<Slab*>(frame->owner.load(MemoryOrder::kAcquire));
  if (slab->cache != this) return false;  // another cache's object (MS-002)
  if (!starts_object(*slab, object, found.index)) return false;
  found.slab = slab;
  return true;
}

[[gnu::noinline]] Status SlabCache::refuse(const void* object, const void* caller) const {
  const Found found = TRY(find(*pmm_, object, name_, caller));  // reports what find() refuses
  if (found.slab->cache != this) {
    report(object, "an object of another cache", caller);
  } else {
    report(object, "its slab changed while it was freed", caller);
  }
  return Error::kInvalidArgument;
}

[[gnu::noinline]] Status SlabCache::refuse_double_free(const void* object,
                                                       const void* caller) const {
  report(object, "double free (or never allocated)", caller);
  return Error::kDoubleFree;
}

[[gnu::noinline]] void SlabCache::handed_out_twice(const void* object) const {
  panic("slab %s: object %p handed out twice", name_, object);
}

// The one atomic step that decides who frees an object (MS-001): true for
// the one caller that found it handed out.
[[gnu::always_inline]] bool SlabCache::take(Found found) {
  return state_of(found)->exchange(Slab::kFree, MemoryOrder::kAcqRel) == Slab::kHandedOut;
}

[[gnu::always_inline]] Status SlabCache::claim(Found found, void* object, const void* caller) {
  if (!take(found)) [[unlikely]]
    return refuse_double_free(object, caller);
  return ok_status();
}

Status SlabCache::claim(void* object) {
  const void* caller = __builtin_return_address(0);
  Found found;
  if (!owns(object, found)) return refuse(object, caller);
  return claim(found, object, caller);
}

void SlabCache::unclaim(Found found) {
  state_of(found)->store(Slab::kHandedOut, MemoryOrder::kRelease);
}

void SlabCache::unclaim(void* object) {
  Found found;
  if (owns(object, found)) unclaim(found);
}

// The fast half of release_claimed(): false, and nothing done, when the
// magazine is full (the caller then flushes, out of line).
[[gnu::always_inline]] bool SlabCache::push(Found found, void* object) {
  check_redzone(object);
  poison(object);
  arch::InterruptsDisabled no_irqs;
  Magazine& magazine = magazines_[arch::cpu_id()];
  const uint32_t count = magazine.count.load(MemoryOrder::kRelaxed);
  if (count == kMagazineSize) [[unlikely]]
    return false;
  magazine.entries[count] = {object, state_of(found)};
  magazine.count.store(count + 1, MemoryOrder::kRelaxed);
  return true;
}

// Always ok: a Status so that free() can end in this call.
[[gnu::noinline]] Status SlabCache::push_flushing(Found found, void* object) {
  arch::InterruptsDisabled no_irqs;
  Magazine& magazine = magazines_[arch::cpu_id()];
  uint32_t count = magazine.count.load(MemoryOrder::kRelaxed);
  if (count == kMagazineSize) count = flush(magazine, kMagazineSize / 2);
  magazine.entries[count] = {object, state_of(found)};
  magazine.count.store(count + 1, MemoryOrder::kRelaxed);
  return ok_status();
}

void SlabCache::release_claimed(Found found, void* object) {
  if (!push(found, object)) [[unlikely]]
    (void)push_flushing(found, object);
}

Status SlabCache::free(Found found, void* object, const void* caller) {
  if (!take(found)) [[unlikely]]
    return refuse_double_free(object, caller);
  if (!push(found, object)) [[unlikely]]
    return push_flushing(found, object);
  return ok_status();
}

// Calls nothing on the way but its slow paths, each as the last thing it
// does, so it saves no registers.
Status SlabCache::free(void* object) {
  const void* caller = __builtin_return_address(0);
  Found found;
  if (!owns(object, found)) [[unlikely]]
    return refuse(object, caller);
  if (!take(found)) [[unlikely]]
    return refuse_double_free(object, caller);
  if (!push(found, object)) [[unlikely]]
    return push_flushing(found, object);
  return ok_status();
}

[[gnu::noinline]] uint32_t SlabCache::flush(Magazine& magazine, uint32_t keep) {
  IrqSpinlockGuard guard(lock_);
  ++slow_path_entries_;
  uint32_t count = magazine.count.load(MemoryOrder::kRelaxed);
  const uint32_t before = count;
  while (count > keep) return_to_slab(magazine.entries[--count].object);
  magazine.count.store(count, MemoryOrder::kRelaxed);
  slab_in_use_.store(slab_in_use_.load(MemoryOrder::kRelaxed) - (before - count),
                     MemoryOrder::kRelaxed);
  return count;
}

uint64_t SlabCache::reclaim() {
  arch::InterruptsDisabled no_irqs;
  Magazine& magazine = magazines_[arch::cpu_id()];
  flush(magazine, 0);
  IrqSpinlockGuard guard(lock_);
  retire_current(magazine);
  ++slow_path_entries_;
  uint64_t pages = 0;
  while (Slab* slab = empty_.front()) {
    release_slab(*slab);
    pages += 1ull << order_;
  }
  return pages;
}

SlabCache* SlabCache::cache_of(PhysicalMemory& pmm, const void* object) {
  const VirtAddr va(object);
  if (!object || !arch::is_direct_map(va)) return nullptr;
  const PageFrame* frame = pmm.frame(arch::virt_to_phys(va).page_base());
  if (!frame ||
      frame->owner_kind.load(MemoryOrder::kAcquire) != static_cast<uint8_t>(FrameOwner::kSlab)) {
    return nullptr;
  }
  return static_cast<Slab*>(frame->owner.load(MemoryOrder::kAcquire))->cache;
}

uint64_t SlabCache::objects_in_use() const {
  // Read without the CPUs' cooperation: exact once the cache is quiet,
  // approximate (never below 0) while it is in use.
  int64_t in_use = slab_in_use_.load(MemoryOrder::kRelaxed);
  for (const Magazine& magazine : magazines_) {
    in_use -= magazine.count.load(MemoryOrder::kRelaxed);
  }
  return in_use < 0 ? 0 : static_cast<uint64_t>(in_use);
}

SlabStats SlabCache::stats() const {
  const uint64_t in_use = objects_in_use();
  IrqSpinlockGuard guard(lock_);
  return {in_use, full_.size(), partial_.size(), empty_.size(), slow_path_entries_};
}

void SlabCache::report(const char* who, const void* object, const char* problem,
                       const void* caller) {
  printk(LogLevel::kError, "slab %s: free of %p refused: %s (caller %p)", who, object, problem,
         caller);
}
void SlabCache::poison(void* object) const {
  if constexpr (kSlabDebug) {
    auto* bytes = static_cast<uint8_t*>(object);
    for (size_t i = 0; i < object_size_; ++i) bytes[i] = kPoison;
  }
}

void SlabCache::check_poison(void* object) const {
  if constexpr (kSlabDebug) {
    const auto* bytes = static_cast<const uint8_t*>(object);
    for (size_t i = 0; i < object_size_; ++i) {
      if (bytes[i] != kPoison) {
        panic("slab %s: object %p was written after it was freed (byte %zu is 0x%02x)", name_,
              object, i, bytes[i]);
      }
    }
  }
}

void SlabCache::check_redzone(const void* object) const {
  if constexpr (kSlabDebug) {
    const auto* bytes = static_cast<const uint8_t*>(object) + object_size_;
    for (size_t i = 0; i < kRedzoneBytes; ++i) {
      if (bytes[i] != kRedzone) {
        panic("slab %s: write past the end of object %p (redzone byte %zu is 0x%02x)", name_,
              object, i, bytes[i]);
      }
    }
  }
}

}  // namespace viper::mm
