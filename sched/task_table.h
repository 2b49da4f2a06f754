// All tasks by ID. A task joins only once it is fully initialised and gets
// its ID at that moment, under the table lock (RC-015); IDs come from a
// 64-bit counter that is never reset and refuses to wrap (RC-018); a listing
// is one consistent snapshot taken under the lock (RC-017).
#pragma once

#include <stddef.h>

#include "kernel/lib/list.h"
#include "kernel/lib/result.h"
#include "kernel/lib/spinlock.h"
#include "sched/task.h"

namespace viper::sched {

struct TaskInfo {
  TaskId id;
  TaskState state;
  uint32_t priority;
  char name[24];
};

class TaskTable {
 public:
  static constexpr size_t kBuckets = 256;

  TaskTable();
  TaskTable(const TaskTable&) = delete;
  TaskTable& operator=(const TaskTable&) = delete;

  // Gives a fully initialised task its ID and makes it visible, in one step.
  // kOverflow once the ID space is used up (it never wraps).
  Result<TaskId> publish(Task& task) EXCLUDES(lock_);
  // Removes a task (reaping); kNotFound if it is not in the table.
  Status remove(Task& task) EXCLUDES(lock_);

  // Calls fn(task) for the task with `id`, under the table lock, so the task
  // cannot be removed while fn looks at it. kNotFound if there is none.
  template <class Fn>
  Status with_task(TaskId id, Fn&& fn) EXCLUDES(lock_) {
    IrqSpinlockGuard guard(lock_);
    Task* task = find_locked(id);
    if (!task) return Error::kNotFound;
    fn(*task);
    return ok_status();
  }

  // Copies up to `capacity` entries of one consistent snapshot; returns the
  // number of tasks in the table at that instant.
  size_t snapshot(TaskInfo* out, size_t capacity) const EXCLUDES(lock_);
  size_t count() const EXCLUDES(lock_);

  // For tests of RC-018: where the ID counter continues.
  void set_next_id_for_test(uint64_t next) EXCLUDES(lock_);
  // For tests of RC-015: `observer` sees each task at the instant it joins
  // the table (under the lock, as any reader would next), so a test looks
  // at it exactly when a racing reader first could, every time.
  using PublishObserver = void (*)(const Task& task, void* context);
  void set_publish_observer_for_test(PublishObserver observer, void* context) EXCLUDES(lock_);

 private:
  Task* find_locked(TaskId id) const REQUIRES(lock_);

  mutable IrqSpinlock lock_;
  List<Task, &Task::table_node> buckets_[kBuckets] GUARDED_BY(lock_);
  size_t count_ GUARDED_BY(lock_) = 0;
  uint64_t next_id_ GUARDED_BY(lock_) = 1;
  PublishObserver publish_observer_ GUARDED_BY(lock_) = nullptr;
  void* publish_observer_context_ GUARDED_BY(lock_) = nullptr;
};

}  // namespace viper::sched
