// Time: the monotonic clock (nanoseconds since boot, from the generic
// timer's counter), the wall clock (the RTC read once at boot, carried on
// by the monotonic clock: it never jumps) and sleeping until a deadline.
#include <viperdos/syscalls.h>

#include "kernel/arch/arch.h"
#include "kernel/lib/atomic.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"
#include "sched/blocking.h"

namespace viper::syscall {
namespace {

// Wall time at uptime 0, in nanoseconds since 1970; 0: no RTC.
Atomic<uint64_t> g_wall_at_boot_ns{0};

Result<uint64_t> clock_monotonic(CallContext&, const Arguments&) { return arch::uptime_ns(); }

Result<uint64_t> clock_wall(CallContext&, const Arguments&) {
  const uint64_t at_boot = g_wall_at_boot_ns.load(MemoryOrder::kAcquire);
  if (at_boot == 0) return Error::kNotSupported;
  return at_boot + arch::uptime_ns();
}

// Sleeps until the deadline; kInterrupted if the thread is told to end.
Result<uint64_t> thread_sleep(CallContext&, const Arguments& a) {
  sched::WaitQueue nobody;  // nothing wakes it but the deadline or a kill
  const Status slept = sched::wait_until(nobody, [] { return false; }, deadline_arg(a.value[0]));
  if (slept.ok() || slept.error() == Error::kTimedOut) return 0;
  return slept.error();
}

}  // namespace

void set_wall_clock(uint64_t epoch_seconds, uint64_t read_at_uptime_ns) {
  const uint64_t now_ns = epoch_seconds * 1000000000ull;
  g_wall_at_boot_ns.store(now_ns > read_at_uptime_ns ? now_ns - read_at_uptime_ns : 1,
                          MemoryOrder::kRelease);
}

void install_time_calls() {
  install_call(VIPER_SYS_CLOCK_WALL, {"clock_wall", &clock_wall});
  install_call(VIPER_SYS_CLOCK_MONOTONIC, {"clock_monotonic", &clock_monotonic});
  install_call(VIPER_SYS_THREAD_SLEEP, {"thread_sleep", &thread_sleep});
}

}  // namespace viper::syscall
