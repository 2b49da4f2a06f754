// Futexes: the one blocking primitive user-space locks are built on. A
// waiter sleeps while a 32-bit word still holds the value it saw; a waker
// changes the word, then wakes. The word is re-read after the waiter is on
// the queue (the wait protocol's second check), so a wake between the
// caller's read and its sleep is never lost (RC-013).
//
// Waiters hash into 64 wait queues by (handle table, address): the table
// stands for the process, so two processes' equal addresses do not meet.
// A wake wakes its whole bucket; a waiter whose word did not change goes
// back to sleep, so sharing a bucket costs a spurious wakeup, never a
// missed one.
#include "kernel/syscall/futex.h"

#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"
#include "sched/blocking.h"

namespace viper::syscall {
namespace {

constexpr size_t kBuckets = 64;
sched::WaitQueue g_buckets[kBuckets];

sched::WaitQueue& bucket(const CallContext& c, uint64_t address) {
  uint64_t key = reinterpret_cast<uint64_t>(&c.handles) ^ (address >> 2);
  key ^= key >> 29;
  key *= 0xbf58476d1ce4e5b9ull;
  key ^= key >> 32;
  return g_buckets[key % kBuckets];
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
  TRY(sched::wait_until(bucket(c, address), changed, deadline_arg(a.value[2])));
  TRY(fault);
  return 0;
}

Result<uint64_t> futex_wake(CallContext& c, const Arguments& a) {
  const uint64_t address = a.value[0];
  TRY(check_word(address));
  if (a.value[1] == 0) return Error::kInvalidArgument;
  return wake_futex(c, address);
}

}  // namespace

size_t wake_futex(const CallContext& context, uint64_t address) {
  // On the waker's CPU when it has nothing else queued (sched::sync_waker):
  // a waker usually blocks next (a server's dispatcher handing a request to
  // a worker), and under QEMU waking an idle vCPU costs about a millisecond.
  return bucket(context, address).wake_all(sched::sync_waker());
}

void install_futex_calls() {
  install_call(VIPER_SYS_FUTEX_WAIT, {"futex_wait", &futex_wait});
  install_call(VIPER_SYS_FUTEX_WAKE, {"futex_wake", &futex_wake});
}

}  // namespace viper::syscall
