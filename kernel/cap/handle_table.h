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

#include "kernel/lib/result.h"
#include "kernel/lib/spinlock.h"
#include "kernel/object/kernel_object.h"

namespace viper::cap {

struct HandleValue {
  uint64_t value = 0;
  constexpr bool operator==(const HandleValue&) const = default;
};

// Rights a handle may carry (docs/ipc.md will list what each operation needs).
enum Rights : uint32_t {
  kRightRead = 1u << 0,       // receive, read state
  kRightWrite = 1u << 1,      // send, change state
  kRightTransfer = 1u << 2,   // may be sent in a message
  kRightDuplicate = 1u << 3,  // may be duplicated
  kRightWait = 1u << 4,       // may be waited on (pollsets)
  kRightSignal = 1u << 5,     // may raise user signals
  kRightsAll = (1u << 6) - 1,
};

class HandleTable {
 public:
  static constexpr uint32_t kCapacity = 1024;

  HandleTable();
  HandleTable(const HandleTable&) = delete;
  HandleTable& operator=(const HandleTable&) = delete;
  ~HandleTable();

  // kNoSpace when full, kInvalidArgument for an empty reference or rights
  // outside kRightsAll.
  Result<HandleValue> add(object::Ref<object::KernelObject> object, uint32_t rights)
      EXCLUDES(lock_);
  // The object, if `handle` is live and carries every right in `required`
  // (kBadHandle, kAccessDenied otherwise).
  Result<object::Ref<object::KernelObject>> get(HandleValue handle, uint32_t required)
      EXCLUDES(lock_);
  // Same, typed: kBadHandle if the object is of another type.
  template <class T>
  Result<object::Ref<T>> get_as(HandleValue handle, uint32_t required) {
    object::Ref<object::KernelObject> base = TRY(get(handle, required));
    object::Ref<T> typed = object::ref_cast<T>(base);
    if (!typed) return Error::kBadHandle;
    return static_cast<object::Ref<T>&&>(typed);
  }
  // A second handle to the same object with `rights`, a subset of the
  // source's; the source needs kRightDuplicate.
  Result<HandleValue> duplicate(HandleValue handle, uint32_t rights) EXCLUDES(lock_);
  // Removes the handle and returns its object (to move it elsewhere).
  Result<object::Ref<object::KernelObject>> take(HandleValue handle, uint32_t required)
      EXCLUDES(lock_);
  // kBadHandle if already closed or never valid.
  Status close(HandleValue handle) EXCLUDES(lock_);
  // Rights of a live handle (kBadHandle otherwise).
  Result<uint32_t> rights(HandleValue handle) EXCLUDES(lock_);

  uint32_t count() const EXCLUDES(lock_);
  uint32_t free_slots() const EXCLUDES(lock_);

  // Removes `count` handles at once, all or none: each must be live, listed
  // once and carry `required`. Their objects and rights go to
  // `objects`/`rights`, then `commit()` runs under the table lock; only if
  // it succeeds are the handles removed, their references now `commit`'s.
  // Locks commit() takes must be below this table's in the lock order.
  template <class Commit>
  Status take_many(const HandleValue* handles, uint32_t count, uint32_t required,
                   object::KernelObject** objects, uint32_t* rights, Commit&& commit)
      EXCLUDES(lock_) {
    IrqSpinlockGuard guard(lock_);
    Slot* slots[kCapacity];
    for (uint32_t i = 0; i < count; ++i) {
      Slot* slot = find_locked(handles[i]);
      if (!slot) return Error::kBadHandle;
      if ((slot->rights & required) != required) return Error::kAccessDenied;
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
    uint32_t slots[64];
    uint32_t count = 0;
  };
  Status reserve(uint32_t count, Reservation& reservation) EXCLUDES(lock_);
  // Installs `objects` (taking their references) into the first reserved
  // slots and gives the rest back.
  void fill(Reservation& reservation, object::KernelObject* const* objects, const uint32_t* rights,
            uint32_t count, HandleValue* out) EXCLUDES(lock_);

 private:
  static constexpr uint32_t kNoSlot = 0xffffffff;
  static constexpr uint64_t kGenerationLimit = (uint64_t{1} << 48) - 1;

  struct Slot {
    object::KernelObject* object = nullptr;  // owns one reference while set
    uint32_t rights = 0;
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
