// ASIDs for user address spaces (16 bits: TCR_EL1.AS; 0 is reserved for
// "no user space", the empty table kernel threads run with).
//
// Each space holds a tag: generation << 16 | ASID. Activating a space on a
// CPU keeps its ASID if the tag is of the current generation and gives it
// a fresh one otherwise. When none is free, a rollover starts a new
// generation: the ASIDs the CPUs are running right now stay with their
// spaces (reserved), every CPU flushes its own TLB before it next
// activates a space, and every other space gets a new ASID when it next
// runs. So two live address spaces never hold the same ASID in one
// generation, and no CPU ever runs a space with TLB entries left by the
// ASID's previous owner.
#pragma once

#include <stdint.h>

#include "kernel/arch/arch.h"
#include "kernel/lib/atomic.h"
#include "kernel/lib/bitmap.h"
#include "kernel/lib/spinlock.h"
#include "mm/vmm/lock_classes.h"

namespace viper::mm {

using AsidTag = Atomic<uint64_t>;

// In the header so the allocator can be constant-initialised (kernel
// globals have no constructors).
inline constinit LockClass kAsidLockClass{kAsidLock};

class AsidAllocator {
 public:
  static constexpr uint32_t kMaxAsids = 1u << 16;

  // `asids`: how many exist (tests use few, to force rollovers).
  constexpr explicit AsidAllocator(uint32_t asids = kMaxAsids)
      : lock_(kAsidLockClass), asids_(asids) {}
  AsidAllocator(const AsidAllocator&) = delete;

  // What the CPUs implement (ID_AA64MMFR0_EL1.ASIDBits: 8 or 16 bits);
  // once, before the first activation.
  void limit_to(uint32_t asids) EXCLUDES(lock_);
  AsidAllocator& operator=(const AsidAllocator&) = delete;

  // The ASID to run the space owning `tag` with on `cpu` (updating the
  // tag); flushes this CPU's TLB first if a rollover asked for it.
  uint16_t activate(AsidTag& tag, uint32_t cpu) EXCLUDES(lock_);
  // `cpu` runs no user space now (kernel threads: ASID 0).
  void deactivate(uint32_t cpu) EXCLUDES(lock_);
  // The space is gone and runs nowhere. Its ASID is not reused in this
  // generation (TLBs may still hold entries tagged with it): the next
  // rollover, which flushes every TLB before any CPU runs a space again,
  // frees it. So no invalidation here (a process exit issued one, and
  // under QEMU any TLBI drops the soft TLB; Linux does the same).
  void release(AsidTag& tag) EXCLUDES(lock_);

  uint64_t generation() const EXCLUDES(lock_);
  // The ASID `cpu` runs (0: none), for tests.
  uint16_t active_on(uint32_t cpu) const EXCLUDES(lock_);

 private:
  static uint16_t number(uint64_t tag) { return static_cast<uint16_t>(tag & 0xffff); }
  static uint64_t generation_of(uint64_t tag) { return tag >> 16; }
  uint64_t fresh_tag(uint64_t old) REQUIRES(lock_);
  void roll_over() REQUIRES(lock_);

  // What every activation reads and writes first, on one page: after a
  // switch under QEMU each distinct page costs a soft-TLB fill
  // (docs/ipc.md); the 8 KiB bitmap, read only for a fresh ASID, last.
  mutable IrqSpinlock lock_;
  uint32_t asids_ GUARDED_BY(lock_);
  uint64_t generation_ GUARDED_BY(lock_) = 1;
  uint32_t next_ GUARDED_BY(lock_) = 1;
  uint64_t active_[arch::kMaxCpus] GUARDED_BY(lock_) = {};    // tag running on each CPU
  uint64_t reserved_[arch::kMaxCpus] GUARDED_BY(lock_) = {};  // kept through the last rollover
  bool flush_pending_[arch::kMaxCpus] GUARDED_BY(lock_) = {};
  Bitmap<kMaxAsids> used_ GUARDED_BY(lock_);
};

}  // namespace viper::mm
