#include "sched/signals.h"

namespace viper::sched {
namespace {
constexpr uint64_t kUnblockable = (uint64_t{1} << kSigKill) | (uint64_t{1} << kSigStop);
}  // namespace

DefaultAction default_action(uint32_t signal) {
  switch (signal) {
    case kSigChld:
      return DefaultAction::kIgnore;
    case kSigCont:
      return DefaultAction::kContinue;
    case kSigStop:
      return DefaultAction::kStop;
    default:
      return DefaultAction::kTerminate;
  }
}

bool is_fault_signal(uint32_t signal) {
  return signal == kSigSegv || signal == kSigIll || signal == kSigBus || signal == kSigFpe;
}

Result<SignalOutcome> SignalState::send(uint32_t signal) {
  if (signal == 0 || signal > kSigMax) return Error::kInvalidArgument;
  if (signal == kSigKill) return SignalOutcome::kTerminate;
  const bool handled = handlers_.load(MemoryOrder::kAcquire) & bit(signal);
  if (!handled && default_action(signal) == DefaultAction::kIgnore) return SignalOutcome::kNothing;
  pending_.fetch_or(bit(signal), MemoryOrder::kAcqRel);
  if (blocked_.load(MemoryOrder::kAcquire) & bit(signal)) return SignalOutcome::kNothing;
  if (!handled && default_action(signal) == DefaultAction::kTerminate) {
    return SignalOutcome::kTerminate;
  }
  return SignalOutcome::kPending;
}

Result<SignalOutcome> SignalState::raise_fault(uint32_t signal) {
  if (!is_fault_signal(signal)) return Error::kInvalidArgument;
  const bool handled = handlers_.load(MemoryOrder::kAcquire) & bit(signal);
  const bool blocked = blocked_.load(MemoryOrder::kAcquire) & bit(signal);
  // REL-007: returning to the faulting instruction without a handler would
  // fault again forever; such a task ends instead.
  if (!handled || blocked) return SignalOutcome::kTerminate;
  pending_.fetch_or(bit(signal), MemoryOrder::kAcqRel);
  return SignalOutcome::kPending;
}

void SignalState::set_blocked(uint64_t mask) {
  blocked_.store(mask & ~kUnblockable & ~uint64_t{1}, MemoryOrder::kRelease);
}

void SignalState::set_handler_installed(uint32_t signal, bool installed) {
  if (signal == 0 || signal > kSigMax || signal == kSigKill || signal == kSigStop) return;
  if (installed) {
    handlers_.fetch_or(bit(signal), MemoryOrder::kAcqRel);
  } else {
    handlers_.fetch_and(~bit(signal), MemoryOrder::kAcqRel);
  }
}

uint32_t SignalState::take_deliverable() {
  for (;;) {
    uint64_t pending = pending_.load(MemoryOrder::kAcquire);
    const uint64_t ready = pending & ~blocked_.load(MemoryOrder::kAcquire);
    if (ready == 0) return 0;
    const uint32_t signal = static_cast<uint32_t>(__builtin_ctzll(ready));
    if (pending_.compare_exchange(pending, pending & ~bit(signal), MemoryOrder::kAcqRel,
                                  MemoryOrder::kAcquire)) {
      return signal;
    }
  }
}

}  // namespace viper::sched
