// Kernel side of signals: per-task pending and blocked sets, sending,
// default actions, and the query the return-to-user path will use to
// deliver them (wired up with user space).
//
// Synchronous fault signals (SIGSEGV, SIGILL, SIGBUS, SIGFPE) cannot be
// blocked or ignored away: if one cannot be delivered to a handler, the task
// is terminated, so a faulting task never loops on its fault (REL-007).
#pragma once

#include <stdint.h>

#include "kernel/lib/atomic.h"
#include "kernel/lib/result.h"

namespace viper::sched {

enum Signal : uint32_t {
  kSigHup = 1,
  kSigInt = 2,
  kSigQuit = 3,
  kSigIll = 4,
  kSigTrap = 5,
  kSigAbrt = 6,
  kSigBus = 7,
  kSigFpe = 8,
  kSigKill = 9,
  kSigUsr1 = 10,
  kSigSegv = 11,
  kSigUsr2 = 12,
  kSigPipe = 13,
  kSigAlrm = 14,
  kSigTerm = 15,
  kSigChld = 17,
  kSigCont = 18,
  kSigStop = 19,
  kSigMax = 63,
};

enum class DefaultAction { kTerminate, kIgnore, kStop, kContinue };
DefaultAction default_action(uint32_t signal);
bool is_fault_signal(uint32_t signal);

// What should happen to a task after a signal was sent or a fault raised.
enum class SignalOutcome {
  kNothing,    // ignored, or left pending (blocked)
  kPending,    // pending and deliverable: deliver at the next return to user
  kTerminate,  // the task must end (kill it)
};

class SignalState {
 public:
  // kInvalidArgument for 0 or > kSigMax.
  Result<SignalOutcome> send(uint32_t signal);
  // A synchronous fault: delivered to a handler if one is installed and
  // the signal is not blocked; otherwise the task is terminated.
  Result<SignalOutcome> raise_fault(uint32_t signal);

  // SIGKILL and SIGSTOP cannot be blocked; the others can.
  void set_blocked(uint64_t mask);
  uint64_t blocked() const { return blocked_.load(MemoryOrder::kAcquire); }
  uint64_t pending() const { return pending_.load(MemoryOrder::kAcquire); }
  void set_handler_installed(uint32_t signal, bool installed);

  // For the return-to-user path: takes the lowest-numbered pending signal
  // that is not blocked (0 if none).
  uint32_t take_deliverable();

 private:
  static uint64_t bit(uint32_t signal) { return uint64_t{1} << signal; }
  Atomic<uint64_t> pending_{0};
  Atomic<uint64_t> blocked_{0};
  Atomic<uint64_t> handlers_{0};  // signals with a user handler installed
};

}  // namespace viper::sched
