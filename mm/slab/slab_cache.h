// Slab caches: fixed-size objects carved from pages of the physical memory
// manager.
//
// * Fast path: a per-CPU magazine of free objects, used with interrupts
//   off and no lock at all (PERF-002). The per-cache lock is taken only to
//   refill or flush a magazine, never one lock for all caches. A magazine
//   slot holds the object and its state byte, so an allocation looks
//   nothing up; a free validates its pointer once (owns(): the page
//   descriptor, the slab header's first line and one multiply) and
//   kmalloc's kfree makes the same check instead of classifying the
//   pointer. The fast path counts nothing (objects_in_use() is what the
//   slabs gave out less what the magazines hold), and its slow paths
//   (refill, flush, every refusal and report) are out of line and called
//   last, so it saves no registers.
// * Object -> slab in O(1): the page descriptor of any object page points
//   at its slab (PERF-001).
// * Full, partial and empty lists: a partial slab is the head of a list
//   (PERF-005); empty slabs beyond one spare go back to the page allocator
//   at once, and reclaim() returns all of them (PERF-004).
// * Each slab keeps an atomic state byte per object, "handed to a caller".
//   Allocation sets it with a plain store (the object is this CPU's alone
//   from its magazine), freeing claims it with one atomic exchange, so a
//   double free is always caught, even when two CPUs free the same object
//   at once (MS-001), at one read-modify-write per pair (a bit per object
//   shared a word between objects and needed one on both sides). A pointer
//   that is not an object of this cache is refused before any list or
//   magazine is touched (MS-002). Both are reported with the cache name,
//   the pointer and the caller.
// * Debug builds (with lockdep) poison free objects and put a redzone
//   after each, catching writes after free and overflows.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/arch.h"
#include "kernel/lib/list.h"
#include "kernel/lib/result.h"
#include "kernel/lib/spinlock.h"
#include "mm/pmm/physical_memory.h"

namespace viper::mm {

#ifndef VIPER_SLAB_DEBUG
#define VIPER_SLAB_DEBUG 0
#endif
inline constexpr bool kSlabDebug = VIPER_SLAB_DEBUG != 0;

class SlabCache;

// The header at the start of every slab. Behind it: the slab's free list
// as object indexes, then one atomic state byte per object (kHandedOut
// while a caller has it), then the objects.
//
// The header repeats what a free needs of its cache's layout (set once,
// when the slab is made), so validating a pointer reads the page
// descriptor and the first cache line of this header, never the cache
// itself: kfree tells its own size classes by `owner` (the class index of
// the issue, as one comparison), and every free is two dependent loads
// from the pointer.
struct Slab {
  // kOwned: a CPU's current slab, on no list; only that CPU refills from it.
  enum class Where : uint8_t { kFull, kPartial, kEmpty, kOwned };

  ListNode link;  // on its cache's full, partial or empty list
  SlabCache* cache;
  const void* owner;  // cache->owner()
  uint8_t* objects;
  uint64_t objects_bytes;  // capacity * stride: no object starts at or past it
  uint64_t divisor;        // SlabCache::divisor(stride)
  Atomic<uint8_t>* state;  // one byte per object
  // (Above: what a free reads, in the header's first 64 bytes.)
  uint32_t stride;
  PhysAddr base;
  uint32_t in_use;     // objects not on this slab's free list
  uint32_t free_head;  // first free object index, or kNone
  Where where;

  static constexpr uint32_t kNone = 0xffffffff;
  static constexpr uint8_t kFree = 0;
  static constexpr uint8_t kHandedOut = 1;
  uint32_t* next_free() { return reinterpret_cast<uint32_t*>(this + 1); }
};

struct SlabStats {
  uint64_t objects_in_use;  // handed to callers
  uint64_t slabs_full;
  uint64_t slabs_partial;
  uint64_t slabs_empty;
  uint64_t slow_path_entries;  // refills, flushes, reclaims (lockdep counts the lock itself)
};

class SlabCache {
 public:
  static constexpr uint32_t kMagazineSize = 16;
  static constexpr size_t kMaxObjectSize = 8192;

  SlabCache(const char* name, size_t object_size, size_t alignment);
  SlabCache(const SlabCache&) = delete;
  SlabCache& operator=(const SlabCache&) = delete;

  // Lays out slabs; objects come from `pmm`. kInvalidArgument for a size of
  // 0 or above kMaxObjectSize, or an alignment that is not a power of two.
  Status init(PhysicalMemory& pmm);

  Result<void*> alloc();
  Status free(void* object);

  // A pointer validated as the start of an object of some slab cache:
  // everything MS-002 asks except which cache (found.slab->cache says).
  struct Found {
    Slab* slab;
    uint32_t index;
  };
  // kInvalidArgument (reported, naming `who`) for anything else.
  static Result<Found> find(PhysicalMemory& pmm, const void* object, const char* who,
                            const void* caller);
  // The same for a pointer into the page `frame` describes, already known
  // to be a slab page (owner_kind kSlab): nullptr and `found` filled in,
  // or what is wrong with the pointer.
  static const char* check(const PageFrame& frame, const void* object, Found& found) {
    auto* slab = static_cast<Slab*>(frame.owner.load(MemoryOrder::kAcquire));
    if (!slab->cache) return "a slab of no cache";
    if (!starts_object(*slab, object, found.index)) {
      return static_cast<const uint8_t*>(object) < slab->objects
                 ? "inside a slab header"
                 : "not the start of an object (interior or misaligned)";
    }
    found.slab = slab;
    return nullptr;
  }
  // Whether `object` is where one of `slab`'s objects starts (MS-002), and
  // then which one. One subtraction and one multiply, whose low half is
  // the remainder test and whose high half is the index, and two
  // comparisons: a pointer below the objects wraps to a huge offset.
  [[gnu::always_inline]] static bool starts_object(const Slab& slab, const void* object,
                                                   uint32_t& index) {
    const uint64_t offset =
        reinterpret_cast<uintptr_t>(object) - reinterpret_cast<uintptr_t>(slab.objects);
    if (offset >= slab.objects_bytes) return false;
    const unsigned __int128 product = static_cast<unsigned __int128>(offset) * slab.divisor;
    if (static_cast<uint64_t>(product) >= slab.divisor) return false;  // a remainder
    index = static_cast<uint32_t>(product >> 64);
    return true;
  }

  // Takes an allocated object out of circulation without freeing it: after
  // claim() succeeds, free() of it is a double free. release_claimed()
  // then frees it; unclaim() gives it back to its owner. (krealloc, MS-003.)
  // The Found forms are for a pointer find() validated as this cache's.
  Status claim(void* object);
  void unclaim(void* object);
  Status claim(Found found, void* object, const void* caller);
  void release_claimed(Found found, void* object);
  void unclaim(Found found);
  // claim() and release_claimed() in one call (kfree).
  Status free(Found found, void* object, const void* caller);

  // Objects handed to callers, without the lock: what the slabs gave out
  // less what the magazines hold. Exact whenever the cache is quiet.
  uint64_t objects_in_use() const;

  // Returns this CPU's magazine and every empty slab to the page allocator;
  // returns the number of pages freed.
  uint64_t reclaim();

  // offset / stride and offset % stride == 0 without a division (a free
  // asks both on every call): with divisor(stride) = ceil(2^64 / stride),
  // the 128-bit product offset * divisor has the quotient in its high 64
  // bits, and its low 64 bits are below the divisor exactly when the
  // remainder is 0 (Lemire, Kaser and Kurz, "Faster remainder by direct
  // computation", 2019: exact for 32-bit offsets and strides; slab_test
  // checks every stride and offset of a slab).
  static constexpr size_t kMaxSlabBytes = 64 * 1024;
  static uint64_t divisor(size_t stride) { return ~uint64_t{0} / stride + 1; }
  static uint32_t divide(size_t offset, uint64_t divisor) {
    return static_cast<uint32_t>((static_cast<unsigned __int128>(offset) * divisor) >> 64);
  }
  static bool divides(size_t offset, uint64_t divisor) {
    return static_cast<uint64_t>(offset * divisor) < divisor;
  }

  // The cache an object belongs to, if `object` is inside a slab page.
  static SlabCache* cache_of(PhysicalMemory& pmm, const void* object);

  // Who made this cache (the kernel heap marks its size classes), so a
  // free can tell its own caches from any other in one comparison. Set
  // before the first allocation: every slab copies it into its header.
  void set_owner(const void* owner) { owner_ = owner; }
  const void* owner() const { return owner_; }

  SlabStats stats() const;
  const char* name() const { return name_; }
  size_t object_size() const { return object_size_; }

 private:
  // One per CPU, on its own cache lines so CPUs never share them.
  struct alignas(64) Magazine {
    struct Entry {
      void* object;
      Atomic<uint8_t>* state;  // its state byte: allocation sets it, no lookup
    };
    Entry entries[kMagazineSize];
    // Objects in entries. Only its CPU writes it (interrupts off: a plain
    // load and store); objects_in_use() reads every CPU's.
    Atomic<uint32_t> count{0};
    // The slab this CPU refills from, so CPUs do not share slabs (and the
    // cache lines of their allocation bits). Changed under the cache lock.
    Slab* current = nullptr;
  };
  // Whether `object` is an object of this cache (MS-002), with nothing
  // reported: the one validation of free(void*) and claim(void*).
  bool owns(const void* object, Found& found) const;
  static void report(const char* who, const void* object, const char* problem, const void* caller);
  void report(const void* object, const char* problem, const void* caller) const {
    report(name_, object, problem, caller);
  }
  // The cold paths, out of line: what is wrong with a pointer owns()
  // refused (reported), a double free (reported), a corrupt magazine.
  Status refuse(const void* object, const void* caller) const;
  Status refuse_double_free(const void* object, const void* caller) const;
  [[noreturn]] void handed_out_twice(const void* object) const;
  Result<Slab*> grow() REQUIRES(lock_);
  uint32_t refill_locked(Magazine& magazine);  // takes the lock; the new count
  Result<void*> alloc_refilling();
  Result<void*> hand_out(Magazine::Entry entry);
  bool take(Found found);
  bool push(Found found, void* object);
  Status push_flushing(Found found, void* object);
  void refill(Magazine& magazine) REQUIRES(lock_);
  void return_to_slab(void* object) REQUIRES(lock_);
  void release_slab(Slab& slab) REQUIRES(lock_);
  void place(Slab& slab) REQUIRES(lock_);
  void retire_current(Magazine& magazine) REQUIRES(lock_);
  uint32_t flush(Magazine& magazine, uint32_t keep);  // takes the lock; the new count
  void poison(void* object) const;
  void check_poison(void* object) const;
  void check_redzone(const void* object) const;

  const char* name_;
  size_t object_size_;
  size_t alignment_;
  size_t stride_ = 0;  // object + redzone, aligned
  uint64_t stride_divisor_ = 0;
  uint32_t order_ = 0;     // slab size: 2^order pages
  uint32_t capacity_ = 0;  // objects per slab
  size_t objects_offset_ = 0;
  PhysicalMemory* pmm_ = nullptr;
  const void* owner_ = nullptr;  // set once, before the cache is shared

  Atomic<uint8_t>* states(Slab& slab) const {
    return reinterpret_cast<Atomic<uint8_t>*>(slab.next_free() + capacity_);
  }
  static Atomic<uint8_t>* state_of(Found found) { return &found.slab->state[found.index]; }
  uint32_t index_of(size_t offset) const { return divide(offset, stride_divisor_); }
  using SlabList = List<Slab, &Slab::link>;
  SlabList& list_for(Slab::Where where) REQUIRES(lock_);

  mutable IrqSpinlock lock_;  // interrupts off: allocation may happen in interrupt context
  SlabList full_ GUARDED_BY(lock_);
  SlabList partial_ GUARDED_BY(lock_);
  SlabList empty_ GUARDED_BY(lock_);
  uint64_t slow_path_entries_ GUARDED_BY(lock_) = 0;
  // Objects off the slabs' free lists (in magazines or handed out):
  // written under the lock at each refill and flush, read without it by
  // objects_in_use(), so the fast path counts nothing.
  Atomic<int64_t> slab_in_use_{0};
  Magazine magazines_[arch::kMaxCpus];  // each CPU uses its own, interrupts off
};

}  // namespace viper::mm
