// The kernel's SMP scheduler: kernel threads on per-CPU run queues
// (run_queue.h), switched with the AArch64 context switch, preempted from
// the timer tick, woken through wait queues (wait_queue.h), with an idle
// thread per CPU that steals work from the busiest CPU or sleeps in WFI.
//
// Every CPU switches threads (switch_away) with interrupts masked. A
// thread being switched away from stays `on_cpu` until the switch is
// complete; a CPU about to run a thread waits for that, so a thread woken
// or stolen mid-switch is never running on two CPUs at once.
#pragma once

#include <stdint.h>

#include "kernel/arch/aarch64/context.h"
#include "kernel/lib/addr.h"
#include "kernel/lib/result.h"
#include "sched/blocking.h"
#include "sched/run_queue.h"
#include "sched/signals.h"
#include "sched/task.h"
#include "sched/task_table.h"
#include "sched/wait_queue.h"

namespace viper::sched {}  // namespace viper::sched

namespace viper::object {
class Process;  // kernel/object (layer 7); the scheduler only carries it
}

namespace viper::sched {

class Thread : public Task {
 public:
  arch::Context context;
  void (*entry)(void*) = nullptr;
  void* arg = nullptr;
  PhysAddr stack;           // pages from the page allocator (none for idle threads)
  uint32_t stack_slot = 0;  // its place in the kernel stack area
  VirtAddr stack_bottom;    // lowest mapped byte; the page below is a guard
  Atomic<uint32_t> on_cpu{0};
  Atomic<uint32_t> last_cpu{0};
  Atomic<uint32_t> kill_requested{0};
  // CPU time: nanoseconds it ran, charged at each switch away from it (so
  // the slice it is running now is not in yet); `ran_since` is the uptime
  // it was last switched to, touched only by the CPU running it.
  Atomic<uint64_t> runtime_ns{0};
  uint64_t ran_since = 0;
  SignalState signals;
  // The user process the thread belongs to, set before it is published
  // and never changed (nullptr: a kernel thread). Such a thread is reaped
  // through take_exited_user_thread(), not by whoever spawned it.
  object::Process* process = nullptr;
  Thread* next_exited = nullptr;  // on the exited list (scheduler.cc)
};

// How to start a thread (spawn()).
struct ThreadOptions {
  uint32_t priority = kDefaultPriority;
  uint64_t affinity = ~0ull;
  object::Process* process = nullptr;  // Thread::process
};

// What the scheduler needs from the layers above it (the boot code).
struct Hooks {
  void (*send_reschedule_ipi)(uint32_t cpu);
  void (*idle_work)();  // cross-CPU calls and the like, run by idle threads
  // Reprograms this CPU's timer hardware for the next one-shot deadline.
  void (*program_timer)(uint64_t next_deadline_ns);
  // Makes `next` (or no user space, for nullptr) this CPU's user address
  // space: TTBR0 and the ASID. Called with interrupts masked, only when
  // the space changes.
  void (*switch_address_space)(mm::AddressSpace* next);
};

// Once, on the boot CPU, before any other CPU schedules.
void init(const Hooks& hooks, uint32_t cpus);
// How many CPUs the scheduler runs on (init's `cpus`).
uint32_t cpu_count();
// On every CPU: the running boot context becomes this CPU's idle thread.
void init_this_cpu();

// Moves the calling thread into `space` (nullptr: none) on this CPU now.
void set_address_space(mm::AddressSpace* space);

// A new kernel thread, runnable at once. kNoMemory, kInvalidArgument
// (priority out of range, no allowed CPU).
Result<Thread*> spawn(const char* name, void (*entry)(void*), void* arg,
                      uint32_t priority = kDefaultPriority, uint64_t affinity = ~0ull);
Result<Thread*> spawn(const char* name, void (*entry)(void*), void* arg,
                      const ThreadOptions& options);
// Frees an exited thread's stack and record; kBusy while it still runs.
Status reap(Thread* thread);
// The next user thread (Thread::process set) that exited and is off its
// CPU, to reap; sleeps until there is one. For one reaper thread only.
Thread* take_exited_user_thread();

Thread* current();
void yield();
// Sleeps after WaitQueue::prepare_to_wait() unless a wakeup came first.
void block_current();
[[noreturn]] void exit_current();
[[noreturn]] void idle_loop();

// Sleeps until uptime `deadline_ns` / for `ns` nanoseconds (one-shot
// timers, microsecond resolution from the generic timer). kInterrupted if
// the thread was killed meanwhile, or a user thread got a signal it does
// not block (interrupt()).
Status sleep_until(uint64_t deadline_ns);
Status sleep_for(uint64_t ns);

// wait_until(), arm_on_this_cpu() and the hand-off: sched/blocking.h.

// Asks a thread to end: a sleeping thread wakes at once (its wait returns
// kInterrupted), a running one is interrupted by IPI; kernel threads end
// themselves when they see kill_requested() (or a wait fails). A killed
// thread never goes back on a run queue once it exited (RC-016).
void kill(Thread* thread);
bool kill_requested();
// Ends a user thread's current wait (kInterrupted) if a signal it does not
// block is pending for it: a sleeping thread wakes, a running one gets an
// IPI. The waits check for such a signal themselves (kill and signals
// share the check), so a thread about to sleep does not miss it.
void interrupt(Thread* thread);

// Sends a signal: one whose action is to terminate kills the thread; one
// with a handler stays pending for delivery at the next return to user.
Status send_signal(Thread* thread, uint32_t signal);

// Timer interrupt: charges the tick to the current thread.
void on_tick();
// Timer interrupt: runs the due one-shot timers of this CPU and returns
// the next deadline to program (uptime ns, UINT64_MAX if none).
uint64_t run_timers();
// IPI: something for this CPU to pick up.
void on_reschedule_ipi();
// End of interrupt handling: switch if the tick or an IPI asked for it.
void preempt_if_needed();

TaskTable& task_table();
RunQueueStats run_queue_stats(uint32_t cpu);
uint64_t switches_on_cpu(uint32_t cpu);

}  // namespace viper::sched
