#include "sched/task_table.h"

#include "sched/lock_classes.h"

namespace viper::sched {
namespace {
LockClass g_task_table_class{kTaskTableLock};
}  // namespace

TaskTable::TaskTable() : lock_(g_task_table_class) {}

Result<TaskId> TaskTable::publish(Task& task) {
  if (task.state() != TaskState::kCreated || task.table_node.linked()) {
    return Error::kBadState;
  }
  IrqSpinlockGuard guard(lock_);
  if (next_id_ == 0) return Error::kOverflow;  // all 2^64 - 1 IDs were used
  task.id_ = TaskId{next_id_};
  next_id_ = next_id_ + 1;  // reaches 0 only after the last ID
  buckets_[task.id_.value % kBuckets].push_back(task);
  ++count_;
  // Visible from here on, and only now: everything else was set before
  // publish() was called. The task stays kCreated until the scheduler
  // starts it.
  if (publish_observer_ != nullptr) publish_observer_(task, publish_observer_context_);
  return task.id_;
}

Status TaskTable::remove(Task& task) {
  IrqSpinlockGuard guard(lock_);
  if (find_locked(task.id()) != &task) return Error::kNotFound;
  buckets_[task.id().value % kBuckets].remove(task);
  --count_;
  return ok_status();
}

Task* TaskTable::find_locked(TaskId id) const {
  if (!id.valid()) return nullptr;
  for (Task& task : buckets_[id.value % kBuckets]) {
    if (task.id() == id) return &task;
  }
  return nullptr;
}

size_t TaskTable::snapshot(TaskInfo* out, size_t capacity) const {
  IrqSpinlockGuard guard(lock_);
  size_t n = 0;
  for (const auto& bucket : buckets_) {
    for (Task& task : bucket) {
      if (n < capacity) {
        TaskInfo& info = out[n];
        info.id = task.id();
        info.state = task.state();
        info.priority = task.priority;
        const char* name = task.name();
        size_t i = 0;
        for (; name[i] && i + 1 < sizeof(info.name); ++i) info.name[i] = name[i];
        info.name[i] = 0;
      }
      ++n;
    }
  }
  return n;
}

size_t TaskTable::count() const {
  IrqSpinlockGuard guard(lock_);
  return count_;
}

void TaskTable::set_next_id_for_test(uint64_t next) {
  IrqSpinlockGuard guard(lock_);
  next_id_ = next;
}

void TaskTable::set_publish_observer_for_test(PublishObserver observer, void* context) {
  IrqSpinlockGuard guard(lock_);
  publish_observer_ = observer;
  publish_observer_context_ = context;
}

}  // namespace viper::sched
