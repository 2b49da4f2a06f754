#include "sched/task_start.h"

namespace viper::sched {

Status check_task_start(const TaskStart& start, uint32_t cpus) {
  if (start.priority >= kPriorityLevels - 1) return Error::kInvalidArgument;
  const uint64_t cpus_mask = cpus >= 64 ? ~0ull : (1ull << cpus) - 1;
  if ((start.affinity & cpus_mask) == 0) return Error::kInvalidArgument;
  return ok_status();
}

Result<TaskId> publish_task(TaskTable& table, Task& task, const TaskStart& start) {
  task.set_name(start.name);
  task.priority = start.priority;
  task.affinity = start.affinity;
  return table.publish(task);  // RC-015: visible only now, fully initialised
}

}  // namespace viper::sched
