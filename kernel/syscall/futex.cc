// Futexes: the one blocking primitive user-space locks are built on. A
// waiter sleeps while a 32-bit word still holds the value it saw; a waker
// changes the word, then wakes. The word is re-read after the waiter is on
// the queue (the wait protocol's second check), so a wake between the
// caller's read and its sleep is never lost (RC-013).
//
// A wake of n wakes at most n waiters of that word (POSIX/Linux): waking a
// whole hashed bucket woke every thread of a server's pool for one request
// and spread one client's chain over every CPU. So each word being waited
// on has a queue of its own, a slot keyed by (handle table, address) — the
// table stands for the process, so two processes' equal addresses do not
// meet — claimed by its first waiter and given back by its last. Slots
// hash into 64 buckets of kSlots; when a bucket's slots are all taken
// (more distinct words waited on at once than that), further waiters sleep
// on the bucket's shared overflow queue, which every wake in the bucket
// wakes whole: a spurious wakeup (the waiter whose word did not change
// sleeps again), never a missed one.
#include "kernel/syscall/futex.h"

#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"
#include "sched/blocking.h"

namespace viper::syscall {
namespace {

constexpr size_t kBuckets = 64;
constexpr size_t kSlots = kFutexSlotsPerBucket;

struct Slot {
  const void* table = nullptr;  // the key; meaningful while users > 0
  uint64_t address = 0;
  uint32_t users = 0;  // waiters, and wakers using the queue right now
  sched::WaitQueue queue;
};

// The bucket's lock guards the slots' keys and counts, and is never held
// with a queue's lock (a slot is pinned by `users`, then used unlocked):
// so it can share the wait queues' lock class and level.
struct Bucket {
  constexpr Bucket() : lock(sched::kWaitQueueLockClass) {}
  IrqSpinlock lock;
  Slot slots[kSlots] GUARDED_BY(lock);
  uint32_t overflow_users GUARDED_BY(lock) = 0;
  sched::WaitQueue overflow;
};

Bucket g_buckets[kBuckets];

size_t bucket_index(const void* table, uint64_t address) {
  uint64_t key = reinterpret_cast<uint64_t>(table) ^ (address >> 2);
  key ^= key >> 29;
  key *= 0xbf58476d1ce4e5b9ull;
  key ^= key >> 32;
  return key % kBuckets;
}

Bucket& bucket_of(const void* table, uint64_t address) {
  return g_buckets[bucket_index(table, address)];
}

Slot* find_slot(Bucket& b, const void* table, uint64_t address) REQUIRES(b.lock) {
  for (Slot& s : b.slots) {
    if (s.users && s.table == table && s.address == address) return &s;
  }
  return nullptr;
}

// The waiter's queue: the word's slot (claimed if need be, pinned), or
// null for the overflow queue (counted).
Slot* join(Bucket& b, const void* table, uint64_t address) {
  Guard guard(b.lock);
  Slot* slot = find_slot(b, table, address);
  for (size_t i = 0; !slot && i < kSlots; ++i) {
    if (b.slots[i].users == 0) {
      slot = &b.slots[i];
      slot->table = table;
      slot->address = address;
    }
  }
  if (slot) {
    slot->users++;
  } else {
    b.overflow_users++;
  }
  return slot;
}

void leave(Bucket& b, Slot* slot) {
  Guard guard(b.lock);
  if (slot) {
    slot->users--;
  } else {
    b.overflow_users--;
  }
}

Status check_word(uint64_t address) {
  if (address % alignof(uint32_t) != 0) return Error::kInvalidArgument;
  if (!arch::user_range_ok(VirtAddr(address), sizeof(uint32_t))) return Error::kFault;
  return ok_status();
}

Result<uint64_t> futex_wait(CallContext& c, const Arguments& a) {
  const uint64_t address = a.value[0];
  TRY(check_word(address));
  if (a.value[1] > 0xffffffffu) return Error::kInvalidArgument;
  const uint32_t expected = static_cast<uint32_t>(a.value[1]);
  Status fault = ok_status();
  auto changed = [&] {
    uint32_t now = 0;
    fault = arch::copy_from_user(&now, VirtAddr(address), sizeof(now));
    return !fault.ok() || now != expected;
  };
  Bucket& b = bucket_of(&c.handles, address);
  Slot* slot = join(b, &c.handles, address);
  const Status waited =
      sched::wait_until(slot ? slot->queue : b.overflow, changed, deadline_arg(a.value[2]));
  leave(b, slot);
  TRY(waited);
  TRY(fault);
  return 0;
}

Result<uint64_t> futex_wake(CallContext& c, const Arguments& a) {
  const uint64_t address = a.value[0];
  TRY(check_word(address));
  if (a.value[1] == 0) return Error::kInvalidArgument;
  return wake_futex(c, address, a.value[1]);
}

}  // namespace

size_t futex_bucket_index(const CallContext& context, uint64_t address) {
  return bucket_index(&context.handles, address);
}

size_t wake_futex(const CallContext& context, uint64_t address, uint64_t count) {
  Bucket& b = bucket_of(&context.handles, address);
  Slot* slot = nullptr;
  bool overflow = false;
  {
    Guard guard(b.lock);
    slot = find_slot(b, &context.handles, address);
    if (slot) slot->users++; /* pinned: its key stays while we wake */
    overflow = b.overflow_users > 0;
  }
  // On the waker's CPU when it has nothing else queued (sched::sync_waker):
  // a waker usually blocks next (a server's dispatcher handing a request to
  // a worker), and under QEMU waking an idle vCPU costs about a millisecond.
  size_t woken = 0;
  if (slot) {
    while (woken < count && slot->queue.wake_one(sched::sync_waker()) == 1) ++woken;
    leave(b, slot);
  }
  // The overflow queue's waiters may be this word's: all of them, always.
  if (overflow) woken += b.overflow.wake_all(sched::sync_waker());
  return woken;
}

void install_futex_calls() {
  install_call(VIPER_SYS_FUTEX_WAIT, {"futex_wait", &futex_wait});
  install_call(VIPER_SYS_FUTEX_WAKE, {"futex_wake", &futex_wake});
}

}  // namespace viper::syscall
