#include "sched/task_table.h"

#include <atomic>
#include <cstring>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "testing/host/expect_ok.h"

namespace viper::sched {
namespace {

TEST(TaskTable, PublishAssignsIdsAndRefusesRepeats) {
  TaskTable table;
  Task a, b;
  Result<TaskId> ida = table.publish(a);
  Result<TaskId> idb = table.publish(b);
  ASSERT_OK(ida);
  ASSERT_OK(idb);
  EXPECT_NE(ida.value(), idb.value());
  EXPECT_EQ(table.publish(a).error(), Error::kBadState) << "already published";
  EXPECT_OK(table.with_task(ida.value(), [&](Task& t) { EXPECT_EQ(&t, &a); }));
  EXPECT_OK(table.remove(a));
  EXPECT_EQ(table.remove(a).error(), Error::kNotFound);
  EXPECT_EQ(table.with_task(ida.value(), [](Task&) {}).error(), Error::kNotFound);
  EXPECT_EQ(table.with_task(TaskId{}, [](Task&) {}).error(), Error::kNotFound);
  EXPECT_OK(table.remove(b));
}

// RC-015: a reader never sees a task before it is fully initialised. Tasks
// get their ID (and so become findable) only inside publish(), after every
// field was set; readers check every field of every task they can see.
TEST(TaskTable, RC015_TasksAreVisibleOnlyFullyInitialised) {
  TaskTable table;
  constexpr int kTasks = 2000;
  std::vector<std::unique_ptr<Task>> tasks(kTasks);
  std::atomic<bool> done{false};
  std::atomic<uint64_t> half_built{0}, seen{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      std::vector<TaskInfo> infos(kTasks);
      while (!done.load()) {
        const size_t n = table.snapshot(infos.data(), infos.size());
        for (size_t i = 0; i < n && i < infos.size(); ++i) {
          ++seen;
          if (strcmp(infos[i].name, "worker") != 0 || infos[i].priority != 7) ++half_built;
        }
      }
    });
  }
  for (int i = 0; i < kTasks; ++i) {
    tasks[i] = std::make_unique<Task>();
    tasks[i]->set_name("worker");
    tasks[i]->priority = 7;
    ASSERT_OK(table.publish(*tasks[i]));
  }
  done = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(half_built.load(), 0u) << "of " << seen.load();
  for (auto& t : tasks) ASSERT_OK(table.remove(*t));
}

// RC-017: a listing is one snapshot under the table lock: while tasks come
// and go, every listing has distinct, valid IDs and exactly the count the
// table had at that instant.
TEST(TaskTable, RC017_ListingIsAConsistentSnapshot) {
  TaskTable table;
  constexpr int kSlots = 64;
  std::vector<std::unique_ptr<Task>> tasks(kSlots);
  std::atomic<bool> done{false};
  std::atomic<uint64_t> bad{0};
  std::thread churn([&] {
    for (int round = 0; round < 20000; ++round) {
      auto& slot = tasks[round % kSlots];
      if (slot) {
        EXPECT_OK(table.remove(*slot));
        slot.reset();
      } else {
        slot = std::make_unique<Task>();
        slot->set_name("churn");
        EXPECT_OK(table.publish(*slot));
      }
    }
    done = true;
  });
  std::vector<TaskInfo> infos(kSlots + 1);
  while (!done.load()) {
    const size_t n = table.snapshot(infos.data(), infos.size());
    if (n > kSlots) {
      ++bad;
      continue;
    }
    std::set<uint64_t> ids;
    for (size_t i = 0; i < n; ++i) {
      if (!infos[i].id.valid() || strcmp(infos[i].name, "churn") != 0) ++bad;
      ids.insert(infos[i].id.value);
    }
    if (ids.size() != n) ++bad;
  }
  churn.join();
  EXPECT_EQ(bad.load(), 0u);
  for (auto& t : tasks) {
    if (t) ASSERT_OK(table.remove(*t));
  }
}

// RC-018: IDs are 64-bit and come from a counter that is never reset: past
// 2^32 they keep going, and at the very end of the space creation fails
// instead of wrapping onto live IDs.
TEST(TaskTable, RC018_IdsNeverCollideAcrossTheWrap) {
  TaskTable table;
  Task early;
  ASSERT_OK(table.publish(early));
  table.set_next_id_for_test((uint64_t{1} << 32) - 3);
  std::vector<std::unique_ptr<Task>> tasks;
  std::set<uint64_t> ids{early.id().value};
  for (int i = 0; i < 6; ++i) {
    tasks.push_back(std::make_unique<Task>());
    Result<TaskId> id = table.publish(*tasks.back());
    ASSERT_OK(id);
    EXPECT_TRUE(ids.insert(id.value().value).second) << "collision at " << id.value().value;
  }
  EXPECT_GT(tasks.back()->id().value, uint64_t{1} << 32) << "no 32-bit wrap";
  table.set_next_id_for_test(~uint64_t{0});
  Task last, one_too_many;
  ASSERT_OK(table.publish(last));
  EXPECT_EQ(last.id().value, ~uint64_t{0});
  EXPECT_EQ(table.publish(one_too_many).error(), Error::kOverflow);
  EXPECT_OK(table.with_task(early.id(), [&](Task& t) { EXPECT_EQ(&t, &early); }))
      << "ID 1 still belongs to the first task";
  for (auto& t : tasks) ASSERT_OK(table.remove(*t));
  ASSERT_OK(table.remove(early));
  ASSERT_OK(table.remove(last));
}

}  // namespace
}  // namespace viper::sched
