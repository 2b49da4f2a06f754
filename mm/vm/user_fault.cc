#include "mm/vm/user_fault.h"

namespace viper::mm {

FaultOutcome resolve_user_fault(AddressSpace* space, VirtAddr va, Access access,
                                sched::SignalState& signals, FaultHistory& history,
                                const char*& why) {
  const FaultResult result = space ? space->handle_fault(va, access) : FaultResult::kSegv;
  if (result == FaultResult::kResolved) {
    const uint64_t page = va.page_base().value();
    history.repeats = page == history.last_page ? history.repeats + 1 : 0;
    history.last_page = page;
    if (history.repeats < FaultHistory::kMaxRepeats) {
      why = "resolved";
      return FaultOutcome::kRetry;
    }
    why = "the same fault keeps coming back after it was resolved";
    return FaultOutcome::kTerminate;
  }
  history.repeats = 0;
  history.last_page = ~uint64_t{0};
  const uint32_t signal = result == FaultResult::kNoMemory ? sched::kSigBus : sched::kSigSegv;
  const Result<sched::SignalOutcome> raised = signals.raise_fault(signal);
  if (!raised.ok()) {
    why = "the fault signal could not be raised";
    return FaultOutcome::kTerminate;
  }
  switch (raised.value()) {
    case sched::SignalOutcome::kPending:
      why = signal == sched::kSigBus ? "SIGBUS for a handler" : "SIGSEGV for a handler";
      return FaultOutcome::kDeliverSignal;
    case sched::SignalOutcome::kTerminate:
      why = signal == sched::kSigBus ? "SIGBUS with no handler" : "SIGSEGV with no handler";
      return FaultOutcome::kTerminate;
    case sched::SignalOutcome::kNothing:
      break;
  }
  // A fault signal must never be dropped: returning to the instruction
  // would fault again, forever.
  why = "the fault signal was neither delivered nor fatal";
  return FaultOutcome::kTerminate;
}

}  // namespace viper::mm
