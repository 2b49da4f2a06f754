// Host-only additions to sched/blocking.h for tests: each host thread is a
// task (created on first use), a test can kill one, and tests with tasks
// of their own can park and unpark them.
#pragma once

#include "sched/blocking.h"

namespace viper::sched::host {

// How many times the task, asleep in a wait, has run again — made runnable
// by a waker or by its own deadline — and so re-checked what it waits for:
// the host's count of a blocked waiter's scheduler entries. A waiter that
// sleeps until its event stays at the same count until then; one that polls
// on an interval (RC-021) counts every interval.
uint64_t times_woken(const Task& task);

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
