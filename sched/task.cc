#include "sched/task.h"

namespace viper::sched {

void Task::set_name(const char* name) {
  size_t i = 0;
  for (; name && name[i] && i + 1 < sizeof(name_); ++i) name_[i] = name[i];
  name_[i] = 0;
}

}  // namespace viper::sched
