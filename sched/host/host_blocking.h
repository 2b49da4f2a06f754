// Host-only additions to sched/blocking.h for tests: each host thread is a
// task (created on first use), and a test can kill one.
#pragma once

#include "sched/blocking.h"

namespace viper::sched::host {

// Asks the task to end: a wait it is in (or starts) returns kInterrupted.
void kill(Task& task);

}  // namespace viper::sched::host
