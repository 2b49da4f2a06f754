// Host-only additions to sched/blocking.h for tests: each host thread is a
// task (created on first use), a test can kill one, and tests with tasks
// of their own can park and unpark them.
#pragma once

#include "sched/blocking.h"

namespace viper::sched::host {

// Asks the task to end: a wait it is in (or starts) returns kInterrupted.
void kill(Task& task);

// The host's stand-in for a context switch, for tests that drive the
// sleep/wakeup protocol with their own tasks:
// makes a claimed (kReady) task run again on its own thread...
void unpark(Task& task);
// ...and parks a task that committed to sleep (kBlocked) until a waker
// has made it runnable: true, or false once uptime reaches `deadline`
// with the task still asleep.
bool park_until_runnable(Task& task, Deadline deadline);

}  // namespace viper::sched::host
