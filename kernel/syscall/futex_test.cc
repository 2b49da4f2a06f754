// Futexes on the host: host threads are tasks (sched/host), the words live
// in a fake user page. The in-guest test (//kernel:futex_user_test) proves
// the calls from EL0; this one runs the slot bookkeeping of futex.cc —
// claim, pin, give back, the overflow queue — under TSan and lockdep, with
// more threads on more words than a bucket has slots.
#include "kernel/syscall/futex.h"

#include <gtest/gtest.h>
#include <viperdos/syscalls.h>

#include <atomic>
#include <thread>
#include <vector>

#include "kernel/arch/host/user_access.h"
#include "kernel/cap/handle_table.h"
#include "kernel/lib/deadline.h"
#include "kernel/syscall/calls.h"
#include "kernel/syscall/syscall.h"
#include "sched/blocking.h"
#include "testing/host/heap_environment.h"

namespace viper::syscall {
namespace {

VIPER_HOST_KERNEL_HEAP();

constexpr uint64_t kUserBase = 0x20000;
constexpr size_t kWords = 1024;
alignas(64) uint8_t g_user[kWords * sizeof(uint32_t)];

uint8_t* resolve(VirtAddr va, bool) {
  if (va.value() < kUserBase || va.value() >= kUserBase + sizeof(g_user)) return nullptr;
  return &g_user[va.value() - kUserBase];
}

uint64_t word_address(size_t i) { return kUserBase + i * sizeof(uint32_t); }
uint32_t* word(size_t i) { return reinterpret_cast<uint32_t*>(&g_user[i * sizeof(uint32_t)]); }
// User memory is shared with other threads by nature: the test's side of
// it is atomic, as the host's user copies are.
void store(size_t i, uint32_t value) { __atomic_store_n(word(i), value, __ATOMIC_RELEASE); }
uint32_t load(size_t i) { return __atomic_load_n(word(i), __ATOMIC_ACQUIRE); }

uint64_t in_seconds(int64_t seconds) {
  return Deadline::after(Duration::seconds(seconds)).uptime_ns();
}

class Futex : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { install_futex_calls(); }
  void SetUp() override {
    for (size_t i = 0; i < kWords; ++i) store(i, 0);
    arch::host::set_user_byte_resolver(&resolve);
  }
  void TearDown() override { arch::host::set_user_byte_resolver(nullptr); }

  // One process: every call goes through the same handle table.
  int64_t wait(size_t i, uint32_t expected, uint64_t deadline) {
    CallContext context{.handles = table_};
    return dispatch(context, VIPER_SYS_FUTEX_WAIT,
                    Arguments{{word_address(i), expected, deadline, 0, 0, 0}});
  }
  int64_t wake(size_t i, uint64_t count) {
    CallContext context{.handles = table_};
    return dispatch(context, VIPER_SYS_FUTEX_WAKE, Arguments{{word_address(i), count, 0, 0, 0, 0}});
  }

  cap::HandleTable table_;
};

// Waits until every task in `tasks` is asleep in its wait.
void until_all_asleep(const std::vector<std::atomic<sched::Task*>>& tasks) {
  for (;;) {
    bool all = true;
    for (const auto& t : tasks) {
      sched::Task* task = t.load();
      all = all && task && task->state() == sched::TaskState::kBlocked;
    }
    if (all) return;
    std::this_thread::yield();
  }
}

// A wake of n releases n of the word's waiters and leaves the rest asleep
// (waking the whole bucket woke fsd's whole worker pool per request).
TEST_F(Futex, AWakeOfOneReleasesOneWaiterOfMany) {
  constexpr size_t kWaiters = 4;
  std::vector<std::atomic<sched::Task*>> tasks(kWaiters);
  std::atomic<int> returned{0};
  std::vector<std::thread> threads;
  for (size_t n = 0; n < kWaiters; ++n) {
    threads.emplace_back([&, n] {
      tasks[n] = &sched::current_task();
      EXPECT_EQ(wait(0, 0, in_seconds(20)), 0);
      returned++;
    });
  }
  until_all_asleep(tasks);
  store(0, 1);  // every waiter that wakes now returns
  EXPECT_EQ(wake(0, 1), 1);
  // The one woken returns; the others stay asleep on the word's queue.
  while (returned.load() < 1) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(returned.load(), 1) << "a wake of one released more than one waiter";
  EXPECT_EQ(wake(0, kWaiters), static_cast<int64_t>(kWaiters - 1));
  for (auto& t : threads) t.join();
  EXPECT_EQ(returned.load(), static_cast<int>(kWaiters));
  EXPECT_EQ(wake(0, 1), 0) << "nobody waits any more";
}

// Waiters of other words, in the same process, are not the word's.
TEST_F(Futex, AWakeReleasesOnlyTheWordsWaiters) {
  std::vector<std::atomic<sched::Task*>> tasks(2);
  std::atomic<int> returned{0};
  std::thread other([&] {
    tasks[0] = &sched::current_task();
    EXPECT_EQ(wait(1, 0, in_seconds(20)), 0);
    returned++;
  });
  std::thread mine([&] {
    tasks[1] = &sched::current_task();
    EXPECT_EQ(wait(2, 0, in_seconds(20)), 0);
    returned++;
  });
  until_all_asleep(tasks);
  store(1, 1);
  store(2, 1);
  EXPECT_EQ(wake(2, ~uint64_t{0}), 1);
  mine.join();
  EXPECT_EQ(returned.load(), 1);
  EXPECT_EQ(wake(1, 1), 1);
  other.join();
}

// Ping-pong on more words at once than any bucket has slots (64 buckets of
// 8): pairs of threads hand a turn back and forth, each side sleeping while
// the word still holds the turn it saw. A lost wakeup shows as a wait that
// reaches its deadline; the overflow queue's spurious wakeups as nothing.
TEST_F(Futex, ManyWordsPingPongWithoutALostWakeup) {
  constexpr size_t kPairs = 24;
  constexpr uint32_t kRounds = 300;
  std::vector<std::thread> threads;
  std::atomic<int> timeouts{0};
  for (size_t pair = 0; pair < kPairs; ++pair) {
    const size_t w = 8 + pair * 9;  // spread over buckets and words
    for (uint32_t side = 0; side < 2; ++side) {
      threads.emplace_back([&, w, side] {
        for (uint32_t round = 0; round < kRounds; ++round) {
          const uint32_t mine = round * 2 + side;  // the turn this side plays
          for (uint32_t seen = load(w); seen != mine; seen = load(w)) {
            const int64_t r = wait(w, seen, in_seconds(30));
            if (r == VIPER_ERR_TIMED_OUT) timeouts++;
            if (r != 0 && r != VIPER_ERR_WOULD_BLOCK) return;
          }
          store(w, mine + 1);
          (void)wake(w, 1);
        }
      });
    }
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(timeouts.load(), 0);
  for (size_t pair = 0; pair < kPairs; ++pair) EXPECT_EQ(load(8 + pair * 9), kRounds * 2);
}

// More words of one bucket waited on at once than it has slots: the rest
// sleep on its overflow queue, and each word's wake must still reach its
// waiter there (a wake that only looked at the word's slot left them
// asleep for good).
TEST_F(Futex, WaitersBeyondABucketsSlotsAreWokenFromItsOverflowQueue) {
  CallContext context{.handles = table_};
  const size_t bucket = futex_bucket_index(context, word_address(0));
  std::vector<size_t> words;
  for (size_t i = 0; i < kWords && words.size() < kFutexSlotsPerBucket + 4; ++i) {
    if (futex_bucket_index(context, word_address(i)) == bucket) words.push_back(i);
  }
  ASSERT_EQ(words.size(), kFutexSlotsPerBucket + 4) << "too few words hash to one bucket";
  std::vector<std::atomic<sched::Task*>> tasks(words.size());
  std::atomic<int> timeouts{0};
  std::vector<std::thread> threads;
  for (size_t n = 0; n < words.size(); ++n) {
    threads.emplace_back([&, n] {
      tasks[n] = &sched::current_task();
      if (wait(words[n], 0, in_seconds(20)) == VIPER_ERR_TIMED_OUT) timeouts++;
    });
  }
  until_all_asleep(tasks);
  // (A wake may count none: an overflow waiter woken for another word may
  // be between its check and its next sleep, and sees its word then.)
  for (size_t w : words) {
    store(w, 1);
    EXPECT_GE(wake(w, 1), 0) << "word " << w;
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(timeouts.load(), 0);
}

TEST_F(Futex, BadWordsAndCountsAreRefused) {
  EXPECT_EQ(wait(0, 1, in_seconds(1)), 0) << "the word no longer holds the value";
  CallContext context{.handles = table_};
  EXPECT_EQ(
      dispatch(context, VIPER_SYS_FUTEX_WAKE, Arguments{{word_address(0) + 1, 1, 0, 0, 0, 0}}),
      VIPER_ERR_INVALID_ARGUMENT)
      << "misaligned";
  EXPECT_EQ(wake(0, 0), VIPER_ERR_INVALID_ARGUMENT) << "a wake of none";
  EXPECT_EQ(dispatch(context, VIPER_SYS_FUTEX_WAIT, Arguments{{0x1000, 0, 0, 0, 0, 0}}),
            VIPER_ERR_FAULT)
      << "unmapped";
  EXPECT_EQ(dispatch(context, VIPER_SYS_FUTEX_WAIT,
                     Arguments{{word_address(0), uint64_t{1} << 32, 0, 0, 0, 0}}),
            VIPER_ERR_INVALID_ARGUMENT)
      << "a value wider than the word";
}

}  // namespace
}  // namespace viper::syscall
