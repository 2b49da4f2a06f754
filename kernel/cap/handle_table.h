// A process's handles: each maps a handle value to a kernel object and the
// rights this handle grants.
//
// * A handle value encodes the slot and that slot's generation; closing a
//   handle bumps the generation, so a stale value never reaches the object
//   that reuses the slot (generations are 48 bits; a slot that would wrap
//   is retired instead).
// * Rights can only shrink: duplicate() takes a subset.
// * get() returns a counted reference, never a raw pointer, so the object
//   outlives any use of it even if the handle is closed meanwhile (RC-012).
// * HandleValue and object::ObjectId are unrelated types (RC-020).
#pragma once

#include <stdint.h>

#include "ipc/limits.h"
#include "kernel/lib/result.h"
#include "kernel/lib/rights.h"
#include "kernel/lib/span.h"
#include "kernel/lib/spinlock.h"
#include "kernel/object/kernel_object.h"

namespace viper::cap {

struct HandleValue {
  uint64_t value = 0;
  constexpr bool operator==(const HandleValue&) const = default;
};

// Rights a handle may carry: kernel/lib/rights.h (docs/ipc.md lists what
// each operation needs).
using viper::Rights;

class HandleTable {
 public:
  static constexpr uint32_t kCapacity = 1024;
  // Handles one batch operation (take_many, reserve) moves at most: one
  // message's worth. It bounds their on-stack arrays, which live on a
  // 16 KiB kernel stack with interrupts off.
  static constexpr uint32_t kMaxBatch = ipc::kMaxMessageHandles;

  HandleTable();
  HandleTable(const HandleTable&) = delete;
  HandleTable& operator=(const HandleTable&) = delete;
  ~HandleTable();

  // kNoSpace when full, kInvalidArgument for an empty reference or rights
  // outside Rights::kAll.
  Result<HandleValue> add(object::Ref<object::KernelObject> object, Rights rights) EXCLUDES(lock_);
  // The object, if `handle` is live and carries every right in `required`
  // (kBadHandle, kAccessDenied otherwise).
  Result<object::Ref<object::KernelObject>> get(HandleValue handle, Rights required)
      EXCLUDES(lock_);
  // Same, typed: kBadHandle if the object is of another type.
  template <class T>
  Result<object::Ref<T>> get_as(HandleValue handle, Rights required) {
    object::Ref<object::KernelObject> base = TRY(get(handle, required));
    object::Ref<T> typed = object::ref_cast<T>(base);
    if (!typed) return Error::kBadHandle;
    return move(typed);
  }
  // A second handle to the same object with `rights`, a subset of the
  // source's; the source needs Rights::kDuplicate.
  Result<HandleValue> duplicate(HandleValue handle, Rights rights) EXCLUDES(lock_);
  // Removes the handle and returns its object (to move it elsewhere).
  Result<object::Ref<object::KernelObject>> take(HandleValue handle, Rights required)
      EXCLUDES(lock_);
  // kBadHandle if already closed or never valid.
  Status close(HandleValue handle) EXCLUDES(lock_);
  // Rights of a live handle (kBadHandle otherwise).
  Result<Rights> rights(HandleValue handle) EXCLUDES(lock_);

  // Makes this table, which must be empty (kBadState otherwise), a copy of
  // `source`: every handle at the same value with the same rights, each
  // object one reference more (fork: the child's fds and handle variables
  // stay valid). Free slots and generations are copied too, so the two
  // tables hand out the same values afterwards.
  Status copy_from(const HandleTable& source) EXCLUDES(lock_, source.lock_);

  // Closes every handle but `keep` (which may be invalid: then all of
  // them); returns how many were closed. exec: the new program starts with
  // exactly what it is passed, its bootstrap, as a spawned one does.
  uint32_t close_all_except(HandleValue keep) EXCLUDES(lock_);

  uint32_t count() const EXCLUDES(lock_);
  uint32_t free_slots() const EXCLUDES(lock_);

  // Removes handles.size() handles at once, all or none: each must be live,
  // listed once and carry `required`. Their objects and rights go to the
  // first entries of `objects`/`rights`, then `commit()` runs under the
  // table lock; only if it succeeds are the handles removed, their
  // references now `commit`'s. kOutOfRange above kMaxBatch handles (or
  // output spans shorter than `handles`). Locks commit() takes must be
  // below this table's in the lock order.
  template <class Commit>
  Status take_many(Span<const HandleValue> handles, Rights required,
                   Span<object::KernelObject*> objects, Span<Rights> rights, Commit&& commit)
      EXCLUDES(lock_) {
    const uint32_t count = static_cast<uint32_t>(handles.size());
    if (count > kMaxBatch || objects.size() < count || rights.size() < count) {
      return Error::kOutOfRange;
    }
    IrqSpinlockGuard guard(lock_);
    Slot* slots[kMaxBatch];
    for (uint32_t i = 0; i < count; ++i) {
      Slot* slot = find_locked(handles[i]);
      if (!slot) return Error::kBadHandle;
      if (!contains(slot->rights, required)) return Error::kAccessDenied;
      for (uint32_t j = 0; j < i; ++j) {
        if (slots[j] == slot) return Error::kInvalidArgument;  // listed twice
      }
      slots[i] = slot;
      objects[i] = slot->object;
      rights[i] = slot->rights;
    }
    TRY(commit());
    for (uint32_t i = 0; i < count; ++i) (void)remove_locked(*slots[i]);
    return ok_status();
  }

  // Slots set aside for handles that are about to arrive, so installing
  // them cannot fail half way (receiving a message's handles).
  struct Reservation {
    uint32_t slots[kMaxBatch];
    uint32_t count = 0;
  };
  // kInvalidArgument above kMaxBatch, kNoSpace if the table has too few
  // free slots.
  Status reserve(uint32_t count, Reservation& reservation) EXCLUDES(lock_);
  // Installs `objects` (taking their references) with `rights` into the
  // first reserved slots, their handles into `out`, and gives the rest back.
  void fill(Reservation& reservation, Span<object::KernelObject* const> objects,
            Span<const Rights> rights, Span<HandleValue> out) EXCLUDES(lock_);

 private:
  static constexpr uint32_t kNoSlot = 0xffffffff;
  static constexpr uint64_t kGenerationLimit = (uint64_t{1} << 48) - 1;

  struct Slot {
    object::KernelObject* object = nullptr;  // owns one reference while set
    Rights rights = Rights::kNone;
    uint64_t generation = 1;
    uint32_t next_free = kNoSlot;
  };

  Slot* find_locked(HandleValue handle) REQUIRES(lock_);
  HandleValue value_of(uint32_t slot) const REQUIRES(lock_);
  object::KernelObject* remove_locked(Slot& slot) REQUIRES(lock_);

  mutable IrqSpinlock lock_;
  Slot slots_[kCapacity] GUARDED_BY(lock_);
  uint32_t free_head_ GUARDED_BY(lock_) = kNoSlot;
  uint32_t count_ GUARDED_BY(lock_) = 0;
};

}  // namespace viper::cap
