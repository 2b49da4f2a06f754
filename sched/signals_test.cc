#include "sched/signals.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace viper::sched {
namespace {

TEST(Signals, DefaultActions) {
  SignalState s;
  EXPECT_EQ(s.send(kSigTerm).value(), SignalOutcome::kTerminate);
  EXPECT_EQ(s.send(kSigChld).value(), SignalOutcome::kNothing) << "ignored by default";
  EXPECT_EQ(s.send(kSigKill).value(), SignalOutcome::kTerminate);
  EXPECT_EQ(s.send(0).error(), Error::kInvalidArgument);
  EXPECT_EQ(s.send(kSigMax + 1).error(), Error::kInvalidArgument);
}

TEST(Signals, BlockedSignalsWaitAndKillCannotBeBlocked) {
  SignalState s;
  s.set_handler_installed(kSigUsr1, true);
  s.set_blocked(~uint64_t{0});
  EXPECT_EQ(s.send(kSigUsr1).value(), SignalOutcome::kNothing) << "blocked: stays pending";
  EXPECT_EQ(s.take_deliverable(), 0u);
  EXPECT_EQ(s.send(kSigKill).value(), SignalOutcome::kTerminate);
  EXPECT_FALSE(s.blocked() & (uint64_t{1} << kSigKill));
  s.set_blocked(0);
  EXPECT_EQ(s.take_deliverable(), static_cast<uint32_t>(kSigUsr1));
  EXPECT_EQ(s.take_deliverable(), 0u);
}

TEST(Signals, HandledSignalsAreDeliveredLowestFirst) {
  SignalState s;
  s.set_handler_installed(kSigUsr2, true);
  s.set_handler_installed(kSigInt, true);
  EXPECT_EQ(s.send(kSigUsr2).value(), SignalOutcome::kPending);
  EXPECT_EQ(s.send(kSigInt).value(), SignalOutcome::kPending);
  EXPECT_EQ(s.take_deliverable(), static_cast<uint32_t>(kSigInt));
  EXPECT_EQ(s.take_deliverable(), static_cast<uint32_t>(kSigUsr2));
}

// REL-007: a fault signal that cannot reach a handler terminates the task
// instead of returning to the faulting instruction forever.
TEST(Signals, REL007_UndeliverableFaultTerminates) {
  SignalState s;
  EXPECT_EQ(s.raise_fault(kSigSegv).value(), SignalOutcome::kTerminate) << "no handler";
  s.set_handler_installed(kSigSegv, true);
  EXPECT_EQ(s.raise_fault(kSigSegv).value(), SignalOutcome::kPending);
  EXPECT_EQ(s.take_deliverable(), static_cast<uint32_t>(kSigSegv));
  s.set_blocked(uint64_t{1} << kSigSegv);
  EXPECT_EQ(s.raise_fault(kSigSegv).value(), SignalOutcome::kTerminate) << "blocked";
  EXPECT_EQ(s.raise_fault(kSigTerm).error(), Error::kInvalidArgument);
}

// Senders on many CPUs, one taker: every signal sent is taken exactly once
// per "pending" episode, no bit is lost (TSan).
TEST(Signals, ConcurrentSendAndTake) {
  SignalState s;
  for (uint32_t sig = 20; sig < 60; ++sig) s.set_handler_installed(sig, true);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> taken{0};
  std::thread taker([&] {
    while (!stop.load()) {
      if (s.take_deliverable()) ++taken;
    }
  });
  std::vector<std::thread> senders;
  for (int t = 0; t < 3; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < 20000; ++i) (void)s.send(20 + (i + t) % 40);
    });
  }
  for (auto& sender : senders) sender.join();
  stop = true;
  taker.join();
  while (s.take_deliverable()) ++taken;
  EXPECT_GT(taken.load(), 0u);
  EXPECT_EQ(s.pending(), 0u);
}

}  // namespace
}  // namespace viper::sched
