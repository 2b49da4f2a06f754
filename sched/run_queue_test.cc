#include "sched/run_queue.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "testing/host/expect_ok.h"

namespace viper::sched {
namespace {

std::unique_ptr<Task> make_task(uint32_t priority, uint64_t affinity = ~0ull) {
  auto task = std::make_unique<Task>();
  task->priority = priority;
  task->affinity = affinity;
  return task;
}

TEST(RunQueue, PicksByPriorityThenRoundRobin) {
  RunQueue rq;
  rq.init(0);
  auto low = make_task(20), high = make_task(3), peer_a = make_task(10), peer_b = make_task(10);
  for (Task* t : {low.get(), peer_a.get(), high.get(), peer_b.get()}) ASSERT_OK(rq.enqueue(*t));
  EXPECT_EQ(rq.queued(), 4u);
  EXPECT_EQ(rq.pick_next(), high.get());
  EXPECT_EQ(high->state(), TaskState::kRunning);
  EXPECT_EQ(rq.pick_next(), peer_a.get());
  ASSERT_OK(rq.enqueue(*peer_a));  // preempted: back of its level
  EXPECT_EQ(rq.pick_next(), peer_b.get());
  EXPECT_EQ(rq.pick_next(), peer_a.get());
  EXPECT_EQ(rq.pick_next(), low.get());
  EXPECT_EQ(rq.pick_next(), nullptr);
}

// RC-003 (one place) and RC-016 (an exited task is never queued).
TEST(RunQueue, RC003_RC016_ATaskIsQueuedInOnePlaceOnlyAndNeverWhenExited) {
  RunQueue a, b;
  a.init(0);
  b.init(1);
  auto task = make_task(5);
  ASSERT_OK(a.enqueue(*task));
  EXPECT_EQ(a.enqueue(*task).error(), Error::kBadState);
  EXPECT_EQ(b.enqueue(*task).error(), Error::kBadState);
  EXPECT_EQ(task->queued_on, 0u);
  EXPECT_FALSE(b.remove(*task));
  EXPECT_TRUE(a.remove(*task));
  task->set_state(TaskState::kExited);
  EXPECT_EQ(a.enqueue(*task).error(), Error::kBadState);
  auto bad = make_task(kPriorityLevels);
  EXPECT_EQ(a.enqueue(*bad).error(), Error::kInvalidArgument);
}

TEST(RunQueue, StealingRespectsAffinity) {
  RunQueue cpu0, cpu1;
  cpu0.init(0);
  cpu1.init(1);
  auto pinned = make_task(5, 1ull << 0), free_task = make_task(5);
  ASSERT_OK(cpu0.enqueue(*pinned));
  EXPECT_FALSE(RunQueue::steal(cpu1, cpu0)) << "pinned to CPU 0";
  ASSERT_OK(cpu0.enqueue(*free_task));
  EXPECT_TRUE(RunQueue::steal(cpu1, cpu0));
  EXPECT_EQ(free_task->queued_on, 1u);
  EXPECT_EQ(cpu1.pick_next(), free_task.get());
  EXPECT_EQ(cpu0.pick_next(), pinned.get());
  EXPECT_EQ(cpu0.stats().steals_out, 1u);
  EXPECT_EQ(cpu1.stats().steals_in, 1u);
}

// A sync wakeup's task stays for its waker's CPU until that queue's next
// tick: an idle CPU that steals it at once splits a pair that hands work
// back and forth (each later wakeup crosses CPUs); after a tick it may.
TEST(RunQueue, ASyncWokenTaskIsStolenOnlyAfterItsQueuesNextTick) {
  RunQueue cpu0, cpu1;
  cpu0.init(0);
  cpu1.init(1);
  auto running = make_task(5), woken = make_task(5), plain = make_task(5);
  ASSERT_OK(cpu0.enqueue(*running));
  ASSERT_EQ(cpu0.pick_next(), running.get());
  ASSERT_OK(cpu0.enqueue(*woken, RunQueue::Placement::kStaysUntilTick));
  EXPECT_FALSE(RunQueue::steal(cpu1, cpu0)) << "queued by a sync wakeup this tick";
  (void)cpu0.tick(*running);
  EXPECT_TRUE(RunQueue::steal(cpu1, cpu0)) << "its waker did not block within a tick";
  EXPECT_EQ(cpu1.pick_next(), woken.get());
  ASSERT_OK(cpu0.enqueue(*plain));
  EXPECT_TRUE(RunQueue::steal(cpu1, cpu0)) << "an ordinary wakeup is stealable at once";
}

TEST(RunQueue, TickPreemptsOnlyForEqualOrMoreUrgentWork) {
  RunQueue rq;
  rq.init(0);
  auto current = make_task(10), lower = make_task(12), peer = make_task(10);
  ASSERT_OK(rq.enqueue(*current));
  ASSERT_EQ(rq.pick_next(), current.get());
  ASSERT_OK(rq.enqueue(*lower));
  for (uint32_t i = 0; i < 3 * kTimeSliceTicks; ++i) {
    EXPECT_EQ(rq.tick(*current), TickDecision::kContinue) << "only less urgent work waits";
  }
  ASSERT_OK(rq.enqueue(*peer));
  TickDecision last = TickDecision::kContinue;
  for (uint32_t i = 0; i < kTimeSliceTicks; ++i) last = rq.tick(*current);
  EXPECT_EQ(last, TickDecision::kPreempt) << "a full slice, then round-robin";
}

// RC-002 / RC-003 / RC-004: CPUs pick, "run", requeue and steal concurrently
// while ticks run against their queues. A task must never run on two CPUs
// at once, nothing is lost between queues, and the steal counters (updated
// under both queues' locks) balance exactly. Run under TSan.
TEST(RunQueue, RC002_RC003_RC004_ConcurrentPickStealAndTick) {
  constexpr uint32_t kCpus = 4;
  constexpr int kTasks = 64;
  RunQueue queues[kCpus];
  for (uint32_t c = 0; c < kCpus; ++c) queues[c].init(c);
  std::vector<std::unique_ptr<Task>> tasks;
  std::vector<std::atomic<int>> running_on(kTasks);
  for (int i = 0; i < kTasks; ++i) {
    const uint32_t pinned_to = static_cast<uint32_t>(i % kCpus);
    tasks.push_back(
        make_task(static_cast<uint32_t>(i % 4) * 8, i % 9 == 0 ? 1ull << pinned_to : ~0ull));
    running_on[i] = -1;
    // Everything starts on CPU 0 (pinned tasks on their CPU): the others
    // have nothing to run until they steal.
    ASSERT_TRUE(queues[i % 9 == 0 ? pinned_to : 0].enqueue(*tasks.back()).ok());
  }
  auto index_of = [&](Task* t) {
    for (int i = 0; i < kTasks; ++i) {
      if (tasks[i].get() == t) return i;
    }
    return -1;
  };
  std::atomic<uint64_t> double_runs{0}, affinity_violations{0}, runs{0};
  std::vector<std::thread> cpus;
  for (uint32_t c = 0; c < kCpus; ++c) {
    cpus.emplace_back([&, c] {
      std::mt19937 rng(c);
      Task* current = nullptr;
      for (int step = 0; step < 20000; ++step) {
        if (!current) {
          // Balance like the scheduler: an idle CPU steals, and a busy one
          // pulls from a longer queue.
          RunQueue& victim = queues[rng() % kCpus];
          if (queues[c].queued() < victim.queued()) (void)RunQueue::steal(queues[c], victim);
          current = queues[c].pick_next();
          if (!current && RunQueue::steal(queues[c], queues[rng() % kCpus])) {
            current = queues[c].pick_next();
          }
          if (!current) continue;
          const int i = index_of(current);
          int expected = -1;
          if (!running_on[i].compare_exchange_strong(expected, static_cast<int>(c))) ++double_runs;
          if (!current->may_run_on(c)) ++affinity_violations;
          ++runs;
        }
        // The tick decides about the running task while other CPUs steal
        // from and queue onto this CPU's queue.
        if (queues[c].tick(*current) == TickDecision::kContinue && rng() % 4 != 0) continue;
        // Switch away: the task becomes runnable where a waker would put
        // it, often another CPU's queue, so queues stay unbalanced.
        const int i = index_of(current);
        running_on[i] = -1;
        uint32_t target = rng() % kCpus;
        if (!current->may_run_on(target)) target = c;
        EXPECT_OK(queues[target].enqueue(*current));
        current = nullptr;
      }
      if (current) {
        running_on[index_of(current)] = -1;
        EXPECT_OK(queues[c].enqueue(*current));
      }
    });
  }
  for (auto& cpu : cpus) cpu.join();
  EXPECT_EQ(double_runs.load(), 0u);
  EXPECT_EQ(affinity_violations.load(), 0u);
  uint32_t queued = 0;
  uint64_t in = 0, out = 0;
  for (uint32_t c = 0; c < kCpus; ++c) {
    const RunQueueStats s = queues[c].stats();
    queued += s.queued;
    in += s.steals_in;
    out += s.steals_out;
    if (c != 0) EXPECT_GT(s.steals_in, 0u) << "CPU " << c << " started empty and had to steal";
  }
  EXPECT_GT(out, 100u) << "steals really raced with picks and ticks";
  EXPECT_GT(runs.load(), 1000u);
  EXPECT_EQ(queued, static_cast<uint32_t>(kTasks)) << "every task is back on exactly one queue";
  EXPECT_EQ(in, out);
  for (auto& t : tasks) EXPECT_EQ(t->state(), TaskState::kReady);
}

// RC-016 with stealing: a killer flags random tasks while CPUs pick, run,
// requeue and steal. A CPU that picks a flagged task ends it (kExited) and
// never requeues it; at the end no exited task is on any queue and every
// live one is on exactly one.
TEST(RunQueue, RC016_KilledTasksLeaveTheQueuesForGoodDuringSteals) {
  constexpr uint32_t kCpus = 4;
  constexpr int kTasks = 64;
  RunQueue queues[kCpus];
  for (uint32_t c = 0; c < kCpus; ++c) queues[c].init(c);
  std::vector<std::unique_ptr<Task>> tasks;
  std::vector<std::atomic<bool>> killed(kTasks);
  for (int i = 0; i < kTasks; ++i) {
    tasks.push_back(make_task(static_cast<uint32_t>(i % 3)));
    killed[i] = false;
    ASSERT_OK(queues[0].enqueue(*tasks.back()));  // the others must steal
  }
  std::atomic<bool> stop{false};
  std::thread killer([&] {
    std::mt19937 rng(99);
    for (int k = 0; k < kTasks / 2; ++k) {
      killed[rng() % kTasks] = true;
      std::this_thread::yield();
    }
  });
  std::vector<std::thread> cpus;
  for (uint32_t c = 0; c < kCpus; ++c) {
    cpus.emplace_back([&, c] {
      std::mt19937 rng(c + 7);
      while (!stop.load()) {
        Task* t = queues[c].pick_next();
        if (!t) {
          (void)RunQueue::steal(queues[c], queues[rng() % kCpus]);
          continue;
        }
        int i = 0;
        while (tasks[i].get() != t) ++i;
        if (killed[i]) {
          // The thread saw kill_requested and ended itself: exit_current
          // sets kExited (sched/scheduler.cc, AArch64 only), then nothing
          // may queue it again, here or anywhere.
          t->set_state(TaskState::kExited);
          EXPECT_EQ(queues[rng() % kCpus].enqueue(*t).error(), Error::kBadState);
          continue;
        }
        EXPECT_OK(queues[rng() % kCpus].enqueue(*t));  // woken onto any CPU
      }
    });
  }
  killer.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  for (auto& cpu : cpus) cpu.join();
  uint32_t queued = 0;
  uint64_t steals = 0;
  for (auto& q : queues) {
    queued += q.stats().queued;
    steals += q.stats().steals_in;
  }
  EXPECT_GT(steals, 10u) << "killed tasks were picked by stealing CPUs too";
  int live = 0;
  for (int i = 0; i < kTasks; ++i) {
    if (tasks[i]->state() == TaskState::kExited) {
      EXPECT_FALSE(tasks[i]->run_node.linked()) << "an exited task on a run queue";
      EXPECT_EQ(queues[0].enqueue(*tasks[i]).error(), Error::kBadState);
    } else {
      ++live;
      EXPECT_EQ(tasks[i]->state(), TaskState::kReady);
    }
  }
  EXPECT_EQ(queued, static_cast<uint32_t>(live));
}

}  // namespace
}  // namespace viper::sched
