#include "mm/vm/user_fault.h"

#include "gtest/gtest.h"
#include "mm/kheap/global.h"
#include "testing/host/expect_ok.h"
#include "testing/host/heap_environment.h"

namespace viper::mm {
namespace {

VIPER_HOST_KERNEL_HEAP();

const VirtAddr kBase(0x20000000);

struct Space {
  AsidAllocator asids{16};
  AddressSpace* space = AddressSpace::create(physical_memory()).value();
  ~Space() { space->destroy(asids); }
};

TEST(UserFault, ResolvedFaultsRetry) {
  Space s;
  ASSERT_OK(s.space->map_anonymous(kBase, kPageSize, kProtRead | kProtWrite));
  sched::SignalState signals;
  FaultHistory history;
  const char* why = nullptr;
  EXPECT_EQ(resolve_user_fault(s.space, kBase, Access::kWrite, signals, history, why),
            FaultOutcome::kRetry);
  EXPECT_EQ(signals.pending(), 0u);
}

TEST(UserFault, UnresolvedFaultsRaiseSignals) {
  Space s;
  sched::SignalState signals;
  signals.set_handler_installed(sched::kSigSegv, true);
  FaultHistory history;
  const char* why = nullptr;
  EXPECT_EQ(resolve_user_fault(s.space, kBase, Access::kRead, signals, history, why),
            FaultOutcome::kDeliverSignal);
  EXPECT_TRUE(signals.pending() & (1ull << sched::kSigSegv));
}

// REL-007: the seed looped forever when delivering the fault signal did
// not work out. Every way a fault can go wrong ends here: no handler, a
// blocked fault signal, no address space at all, and a "resolved" fault
// that keeps coming back — each ends the task, with a reason.
TEST(UserFault, REL007_EveryUnresolvableFaultEndsTheTask) {
  Space s;
  FaultHistory history;
  const char* why = nullptr;
  {
    sched::SignalState no_handler;
    EXPECT_EQ(resolve_user_fault(s.space, kBase, Access::kRead, no_handler, history, why),
              FaultOutcome::kTerminate);
    EXPECT_STREQ(why, "SIGSEGV with no handler");
  }
  {
    sched::SignalState blocked;
    blocked.set_handler_installed(sched::kSigSegv, true);
    blocked.set_blocked(1ull << sched::kSigSegv);
    EXPECT_EQ(resolve_user_fault(s.space, kBase, Access::kRead, blocked, history, why),
              FaultOutcome::kTerminate);
  }
  {
    sched::SignalState signals;
    EXPECT_EQ(resolve_user_fault(nullptr, kBase, Access::kRead, signals, history, why),
              FaultOutcome::kTerminate)
        << "no address space";
  }
  {
    // A fault that is "resolved" and yet comes back at once, forever.
    ASSERT_OK(s.space->map_anonymous(kBase, kPageSize, kProtRead));
    sched::SignalState signals;
    FaultOutcome outcome = FaultOutcome::kRetry;
    int rounds = 0;
    while (outcome == FaultOutcome::kRetry && rounds < 1000) {
      outcome = resolve_user_fault(s.space, kBase, Access::kRead, signals, history, why);
      ++rounds;
    }
    EXPECT_EQ(outcome, FaultOutcome::kTerminate);
    EXPECT_LE(rounds, int(FaultHistory::kMaxRepeats) + 1);
  }
}

}  // namespace
}  // namespace viper::mm
