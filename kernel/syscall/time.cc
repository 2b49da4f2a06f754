// Time: the monotonic clock (nanoseconds since boot, from the generic
// timer's counter) and sleeping until a deadline.
#include <viperdos/syscalls.h>

#include "kernel/arch/arch.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"
#include "sched/blocking.h"

namespace viper::syscall {
namespace {

Result<uint64_t> clock_monotonic(CallContext&, const Arguments&) { return arch::uptime_ns(); }

// Sleeps until the deadline; kInterrupted if the thread is told to end.
Result<uint64_t> thread_sleep(CallContext&, const Arguments& a) {
  sched::WaitQueue nobody;  // nothing wakes it but the deadline or a kill
  const Status slept = sched::wait_until(nobody, [] { return false; }, deadline_arg(a.value[0]));
  if (slept.ok() || slept.error() == Error::kTimedOut) return 0;
  return slept.error();
}

}  // namespace

void install_time_calls() {
  install_call(VIPER_SYS_CLOCK_MONOTONIC, {"clock_monotonic", &clock_monotonic});
  install_call(VIPER_SYS_THREAD_SLEEP, {"thread_sleep", &thread_sleep});
}

}  // namespace viper::syscall
