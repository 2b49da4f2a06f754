// How a new task becomes visible: its fields are set first, then the task
// table publishes it (RC-015: a reader of the table never sees it
// half-built). Portable, so spawn() (scheduler.cc) and the host model of
// the scheduler (testing/host_cpus.h) start tasks through the same code.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"
#include "sched/task.h"
#include "sched/task_table.h"

namespace viper::sched {

// What a reader of the task table sees of a new task.
struct TaskStart {
  const char* name = nullptr;
  uint32_t priority = kDefaultPriority;
  uint64_t affinity = ~0ull;
};

// kInvalidArgument: a priority out of range (the lowest level is the idle
// threads'), or no CPU among the first `cpus` allowed.
Status check_task_start(const TaskStart& start, uint32_t cpus);

// Gives `task` (kCreated, not yet visible) its name, priority and
// affinity, then publishes it: its ID, and visibility, come last.
Result<TaskId> publish_task(TaskTable& table, Task& task, const TaskStart& start);

}  // namespace viper::sched
