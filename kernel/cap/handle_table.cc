#include "kernel/cap/handle_table.h"

#include "kernel/cap/lock_classes.h"

namespace viper::cap {
namespace {
LockClass g_handle_table_class{kHandleTableLock};

// Handle value layout: generation (48 bits) above the slot (16 bits).
constexpr uint64_t kSlotBits = 16;
}  // namespace

HandleTable::HandleTable() : lock_(g_handle_table_class) {
  IrqSpinlockGuard guard(lock_);
  for (uint32_t i = kCapacity; i-- > 0;) {
    slots_[i].next_free = free_head_;
    free_head_ = i;
  }
}

HandleTable::~HandleTable() {
  // In batches, so the array on the (16 KiB) kernel stack stays small.
  for (uint32_t next = 0; next < kCapacity;) {
    object::KernelObject* owned[kMaxBatch];
    uint32_t n = 0;
    {
      IrqSpinlockGuard guard(lock_);
      for (; next < kCapacity && n < kMaxBatch; ++next) {
        if (slots_[next].object) owned[n++] = remove_locked(slots_[next]);
      }
    }
    for (uint32_t i = 0; i < n; ++i) owned[i]->release();  // outside the lock
  }
}

Status HandleTable::copy_from(const HandleTable& source) {
  if (&source == this) return Error::kInvalidArgument;
  // Same-class nesting: the source (order key 1) before the copy (key 2),
  // which nobody else can reach yet.
  IrqSpinlockGuard source_guard(source.lock_, 1);
  IrqSpinlockGuard guard(lock_, 2);
  if (count_ != 0) return Error::kBadState;
  for (uint32_t i = 0; i < kCapacity; ++i) {
    slots_[i] = source.slots_[i];
    if (slots_[i].object) slots_[i].object->add_ref();  // never the last: the source holds one
  }
  free_head_ = source.free_head_;
  count_ = source.count_;
  return ok_status();
}

HandleValue HandleTable::value_of(uint32_t slot) const {
  return HandleValue{(slots_[slot].generation << kSlotBits) | slot};
}

HandleTable::Slot* HandleTable::find_locked(HandleValue handle) {
  const uint64_t slot = handle.value & ((uint64_t{1} << kSlotBits) - 1);
  const uint64_t generation = handle.value >> kSlotBits;
  if (slot >= kCapacity) return nullptr;
  Slot& s = slots_[slot];
  if (!s.object || s.generation != generation) return nullptr;  // closed or stale
  return &s;
}

object::KernelObject* HandleTable::remove_locked(Slot& slot) {
  object::KernelObject* object = slot.object;
  slot.object = nullptr;
  slot.rights = Rights::kNone;
  --count_;
  const uint32_t index = static_cast<uint32_t>(&slot - slots_);
  if (slot.generation < kGenerationLimit) {
    ++slot.generation;  // every old value of this slot is stale from now on
    slot.next_free = free_head_;
    free_head_ = index;
  }  // else: retired, never reused
  return object;
}

Result<HandleValue> HandleTable::add(object::Ref<object::KernelObject> object, Rights rights) {
  if (!object || any(rights & ~Rights::kAll)) return Error::kInvalidArgument;
  IrqSpinlockGuard guard(lock_);
  if (free_head_ == kNoSlot) return Error::kNoSpace;
  const uint32_t index = free_head_;
  Slot& slot = slots_[index];
  free_head_ = slot.next_free;
  slot.object = object.leak();  // the table now owns this reference
  slot.rights = rights;
  ++count_;
  return value_of(index);
}

Result<object::Ref<object::KernelObject>> HandleTable::get(HandleValue handle, Rights required) {
  IrqSpinlockGuard guard(lock_);
  Slot* slot = find_locked(handle);
  if (!slot) return Error::kBadHandle;
  if (!contains(slot->rights, required)) return Error::kAccessDenied;
  slot->object->add_ref();  // the caller's own reference, taken under the lock
  return object::Ref<object::KernelObject>::adopt(slot->object);
}

Result<HandleValue> HandleTable::duplicate(HandleValue handle, Rights rights) {
  object::Ref<object::KernelObject> object;
  {
    IrqSpinlockGuard guard(lock_);
    Slot* slot = find_locked(handle);
    if (!slot) return Error::kBadHandle;
    if (!contains(slot->rights, Rights::kDuplicate)) return Error::kAccessDenied;
    if (!contains(slot->rights, rights)) return Error::kInvalidArgument;  // only fewer rights
    slot->object->add_ref();
    object = object::Ref<object::KernelObject>::adopt(slot->object);
  }
  return add(move(object), rights);
}

Result<object::Ref<object::KernelObject>> HandleTable::take(HandleValue handle, Rights required) {
  IrqSpinlockGuard guard(lock_);
  Slot* slot = find_locked(handle);
  if (!slot) return Error::kBadHandle;
  if (!contains(slot->rights, required)) return Error::kAccessDenied;
  // The table's reference moves to the caller: no count changes (RC-019).
  return object::Ref<object::KernelObject>::adopt(remove_locked(*slot));
}

Status HandleTable::close(HandleValue handle) {
  object::KernelObject* object = nullptr;
  {
    IrqSpinlockGuard guard(lock_);
    Slot* slot = find_locked(handle);
    if (!slot) return Error::kBadHandle;
    object = remove_locked(*slot);
  }
  object->release();  // may destroy it: never under the table lock
  return ok_status();
}

uint32_t HandleTable::close_all_except(HandleValue keep) {
  // In batches: objects are released only with the lock dropped, and a
  // whole table's worth of pointers is too much for a kernel stack.
  constexpr uint32_t kBatch = 32;
  uint32_t closed = 0;
  for (uint32_t next = 0; next < kCapacity;) {
    object::KernelObject* batch[kBatch];
    uint32_t taken = 0;
    {
      IrqSpinlockGuard guard(lock_);
      for (; next < kCapacity && taken < kBatch; ++next) {
        if (slots_[next].object && !(value_of(next) == keep)) {
          batch[taken++] = remove_locked(slots_[next]);
        }
      }
    }
    for (uint32_t i = 0; i < taken; ++i) batch[i]->release();
    closed += taken;
  }
  return closed;
}

Result<Rights> HandleTable::rights(HandleValue handle) {
  IrqSpinlockGuard guard(lock_);
  Slot* slot = find_locked(handle);
  if (!slot) return Error::kBadHandle;
  return slot->rights;
}

Status HandleTable::reserve(uint32_t count, Reservation& reservation) {
  if (count > kMaxBatch) return Error::kInvalidArgument;
  IrqSpinlockGuard guard(lock_);
  uint32_t available = 0;
  for (uint32_t i = free_head_; i != kNoSlot && available < count; i = slots_[i].next_free) {
    ++available;
  }
  if (available < count) return Error::kNoSpace;
  reservation.count = count;
  for (uint32_t k = 0; k < count; ++k) {
    reservation.slots[k] = free_head_;
    free_head_ = slots_[free_head_].next_free;
  }
  return ok_status();
}

void HandleTable::fill(Reservation& reservation, Span<object::KernelObject* const> objects,
                       Span<const Rights> rights, Span<HandleValue> out) {
  const size_t count = objects.size();
  IrqSpinlockGuard guard(lock_);
  for (uint32_t k = 0; k < reservation.count; ++k) {
    const uint32_t index = reservation.slots[k];
    Slot& slot = slots_[index];
    if (k < count) {
      slot.object = objects[k];
      slot.rights = rights[k];
      ++count_;
      out[k] = value_of(index);
    } else {
      slot.next_free = free_head_;  // not needed after all
      free_head_ = index;
    }
  }
  reservation.count = 0;
}

uint32_t HandleTable::free_slots() const {
  IrqSpinlockGuard guard(lock_);
  uint32_t n = 0;
  for (uint32_t i = free_head_; i != kNoSlot; i = slots_[i].next_free) ++n;
  return n;
}

uint32_t HandleTable::count() const {
  IrqSpinlockGuard guard(lock_);
  return count_;
}

}  // namespace viper::cap
