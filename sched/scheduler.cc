#include "sched/scheduler.h"

#include "kernel/arch/aarch64/boot_defs.h"
#include "kernel/arch/aarch64/mmu.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/bitmap.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/scope_guard.h"
#include "mm/kheap/global.h"
#include "mm/kheap/make.h"
#include "mm/kheap/object_cache.h"
#include "sched/cpu_switch.h"
#include "sched/lock_classes.h"
#include "sched/task_start.h"
#include "sched/timer_queue.h"
#include "sched/wait_loop.h"

extern "C" void arch_thread_trampoline();

namespace viper::sched {
// The end of every switch, on the CPU that made it (defined below).
void finish_switch_from(Thread* prev);

namespace {

constexpr uint32_t kStackOrder = 2;  // 16 KiB kernel stacks
constexpr uint64_t kStackBytes = kPageSize << kStackOrder;
constexpr uint64_t kSlotBytes = uint64_t{1} << KERNEL_STACK_SLOT_SHIFT;  // guard + stack
constexpr uint32_t kStackSlots = 4096;
static_assert(kSlotBytes == 2 * kStackBytes, "the guard is the lower half of a slot");

LockClass g_stack_slots_class{kStackSlotsLock};
IrqSpinlock g_stack_slots_lock{g_stack_slots_class};
Bitmap<kStackSlots> g_stack_slots GUARDED_BY(g_stack_slots_lock);

// Maps a thread's stack into a fresh slot of the stack area; the lower half
// of the slot stays unmapped as its guard page(s).
Result<VirtAddr> map_stack(PhysAddr pages, uint32_t& slot_out) {
  size_t slot;
  {
    IrqSpinlockGuard guard(g_stack_slots_lock);
    slot = g_stack_slots.find_first_clear();
    if (slot == Bitmap<kStackSlots>::kNotFound) return Error::kNoSpace;
    g_stack_slots.set(slot);
  }
  const VirtAddr bottom(KERNEL_STACK_AREA + slot * kSlotBytes + kStackBytes);
  if (Status s = arch::mmu::map_kernel(bottom, pages, kStackBytes, arch::mmu::Memory::kData);
      !s.ok()) {
    IrqSpinlockGuard guard(g_stack_slots_lock);
    g_stack_slots.clear(slot);
    return s.error();
  }
  slot_out = static_cast<uint32_t>(slot);
  return bottom;
}

void unmap_stack(VirtAddr bottom, uint32_t slot) {
  (void)arch::mmu::unmap_kernel(bottom, kStackBytes);
  IrqSpinlockGuard guard(g_stack_slots_lock);
  g_stack_slots.clear(slot);
}

struct CpuState {
  RunQueue queue;
  TimerQueue timers;
  Thread idle;
  Atomic<uint64_t> switches{0};
};

struct SchedulerState {
  Hooks hooks{};
  uint32_t cpus = 1;
  TaskTable table;
  CpuState cpu[arch::kMaxCpus];
};

// Set once init() has built the state. Before that, other CPUs' timer
// interrupts must not touch it: the function-local static below is built
// on first use without thread-safe guards (-fno-threadsafe-statics), so
// only the boot CPU may be the first to call state().
Atomic<uint32_t> g_initialized{0};

// Threads come from a slab cache of their own (exact size, their own
// magazines); the kernel heap adopts it, so kdelete frees them as before.
// Built by init(), on the boot CPU, like state().
mm::ObjectCache<Thread>& thread_cache() {
  static mm::ObjectCache<Thread> cache("sched.thread");
  return cache;
}

SchedulerState& state() {
  static SchedulerState instance;
  return instance;
}

Thread* as_thread(sched::Task* task) { return static_cast<Thread*>(task); }

// Switches from the current thread to `next` (or the best runnable one if
// null). Interrupts are masked by the caller. What becomes of the thread
// switched away from, and why only the caller can say (`prev_runnable`,
// RC-003): cpu_switch.h.
void switch_away(Thread* next, bool prev_runnable) {
  SchedulerState& s = state();
  arch::PerCpu& cpu = *arch::this_cpu();
  CpuState& here = s.cpu[cpu.cpu_id];
  Thread* prev = as_thread(cpu.current_task);
  next = begin_switch(cpu, here.queue, here.idle, next, prev_runnable);
  if (!next) return;
  here.switches.fetch_add(1, MemoryOrder::kRelaxed);
  // Runtime accounting: one counter read per switch.
  const uint64_t switched_at = arch::uptime_ns();
  if (prev->ran_since != 0) {
    prev->runtime_ns.fetch_add(switched_at - prev->ran_since, MemoryOrder::kRelaxed);
  }
  next->ran_since = switched_at;
  if (next->address_space != prev->address_space && s.hooks.switch_address_space) {
    s.hooks.switch_address_space(next->address_space);
  }
  arch_switch_context(&prev->context, &next->context);
  // Back in whichever thread was switched to; finish for the one we left.
  arch::PerCpu& now = *arch::this_cpu();
  Thread* left = as_thread(now.switch_prev);
  now.switch_prev = nullptr;
  finish_switch_from(left);
}

// The current thread stays runnable (preempted, yielding).
void reschedule() { switch_away(nullptr, /*prev_runnable=*/true); }
// The current thread committed to sleep, or exited.
void switch_to_next() { switch_away(nullptr, /*prev_runnable=*/false); }

uint32_t choose_cpu(const Thread& thread) {
  const uint32_t last = thread.last_cpu.load(MemoryOrder::kRelaxed);
  if (last < state().cpus && thread.may_run_on(last)) return last;
  for (uint32_t cpu = 0; cpu < state().cpus; ++cpu) {
    if (thread.may_run_on(cpu)) return cpu;
  }
  return state().cpus;
}

// Puts a runnable thread on a run queue of a CPU it may use, and makes that
// CPU look: a flag for this CPU, an IPI for another. `woken`: the waker has
// already claimed it (kBlocked -> kReady); otherwise it is new (kCreated).
void make_runnable_on_a_cpu(Thread& thread, bool woken) {
  SchedulerState& s = state();
  const uint32_t target = choose_cpu(thread);
  if (target >= s.cpus) return;
  RunQueue& queue = s.cpu[target].queue;
  if (!(woken ? queue.enqueue_woken(thread) : queue.enqueue(thread)).ok()) return;
  if (target == arch::cpu_id()) {
    arch::this_cpu()->need_resched.store(1, MemoryOrder::kRelaxed);
  } else if (s.hooks.send_reschedule_ipi) {
    s.hooks.send_reschedule_ipi(target);
  }
}

class KernelWaker final : public Waker {
 public:
  void make_runnable(Task& task) override {
    make_runnable_on_a_cpu(*as_thread(&task), /*woken=*/true);
  }
};
KernelWaker g_waker;

class SyncWaker final : public Waker {
 public:
  // Called with interrupts masked (under a wait-queue lock).
  void make_runnable(Task& task) override {
    Thread& thread = *as_thread(&task);
    const uint32_t self = arch::cpu_id();
    RunQueue& queue = state().cpu[self].queue;
    arch::PerCpu& cpu = *arch::this_cpu();
    if (!thread.may_run_on(self) || queue.queued() > 0 ||
        !queue.enqueue_woken(thread, RunQueue::Placement::kStaysUntilTick).ok()) {
      make_runnable_on_a_cpu(thread, /*woken=*/true);
      return;
    }
    // The idle thread (a wakeup from an interrupt) must look now.
    if (cpu.current_task == cpu.idle_task) cpu.need_resched.store(1, MemoryOrder::kRelaxed);
  }
};
SyncWaker g_sync_waker;

// User threads that exited, once they are off their CPU: a lock-free stack
// (pushed from the switch path with interrupts masked, popped by the one
// reaper), and the queue the reaper sleeps on.
Atomic<Thread*> g_exited{nullptr};
WaitQueue g_reaper_queue;

// The CPU with the most queued threads, other than `self`.
uint32_t busiest_cpu(uint32_t self) {
  uint32_t best = self;
  uint32_t most = 0;
  for (uint32_t cpu = 0; cpu < state().cpus; ++cpu) {
    if (cpu == self) continue;
    const uint32_t queued = state().cpu[cpu].queue.queued();
    if (queued > most) {
      most = queued;
      best = cpu;
    }
  }
  return best;
}

}  // namespace

// The switch away from `prev` is complete on this CPU: it may run
// elsewhere now, and if it is a user thread that exited, the reaper may
// free it.
void finish_switch_from(Thread* prev) {
  const bool exited_user = prev->process != nullptr && prev->state() == TaskState::kExited;
  prev->on_cpu.store(0, MemoryOrder::kRelease);
  if (!exited_user) return;
  Thread* head = g_exited.load(MemoryOrder::kRelaxed);
  do {
    prev->next_exited = head;
  } while (!g_exited.compare_exchange(head, prev, MemoryOrder::kRelease, MemoryOrder::kRelaxed));
  (void)g_reaper_queue.wake_one(g_waker);
}

uint32_t cpu_count() { return state().cpus; }

void init(const Hooks& hooks, uint32_t cpus) {
  SchedulerState& s = state();
  s.hooks = hooks;
  s.cpus = cpus;
  for (uint32_t cpu = 0; cpu < arch::kMaxCpus; ++cpu) s.cpu[cpu].queue.init(cpu);
  if (const Status made = thread_cache().init(); !made.ok()) {
    panic("sched: no thread cache: %s", error_name(made.error()));
  }
  g_initialized.store(1, MemoryOrder::kRelease);
}

void init_this_cpu() {
  arch::PerCpu& cpu = *arch::this_cpu();
  Thread& idle = state().cpu[cpu.cpu_id].idle;
  idle.set_name("idle");
  idle.priority = kPriorityLevels - 1;
  idle.affinity = 1ull << cpu.cpu_id;
  idle.set_state(TaskState::kRunning);
  idle.on_cpu.store(1, MemoryOrder::kRelaxed);
  idle.last_cpu.store(cpu.cpu_id, MemoryOrder::kRelaxed);
  cpu.idle_task = &idle;
  cpu.current_task = &idle;
}

Result<Thread*> spawn(const char* name, void (*entry)(void*), void* arg, uint32_t priority,
                      uint64_t affinity) {
  return spawn(name, entry, arg, ThreadOptions{.priority = priority, .affinity = affinity});
}

Result<Thread*> spawn(const char* name, void (*entry)(void*), void* arg,
                      const ThreadOptions& options) {
  const TaskStart start{.name = name, .priority = options.priority, .affinity = options.affinity};
  if (!entry) return Error::kInvalidArgument;
  TRY(check_task_start(start, state().cpus));
  mm::Own<Thread> thread = TRY(thread_cache().make());
  const PhysAddr stack = TRY(mm::physical_memory().alloc_pages(kStackOrder));
  auto free_stack = ScopeGuard([&] { (void)mm::physical_memory().free_pages(stack, kStackOrder); });
  uint32_t slot = 0;
  const VirtAddr bottom = TRY(map_stack(stack, slot));
  auto unmap = ScopeGuard([&] { unmap_stack(bottom, slot); });
  thread->stack_slot = slot;
  thread->stack_bottom = bottom;
  thread->entry = entry;
  thread->arg = arg;
  thread->stack = stack;
  thread->process = options.process;
  thread->last_cpu.store(arch::cpu_id(), MemoryOrder::kRelaxed);
  const VirtAddr top = bottom + kStackBytes;
  arch::init_context(thread->context, top.value(), &arch_thread_trampoline,
                     reinterpret_cast<uint64_t>(thread.get()));
  TRY(publish_task(state().table, *thread, start));  // RC-015: fields first, then visible
  // Published: the thread owns its stack and runs from here on.
  unmap.dismiss();
  free_stack.dismiss();
  arch::InterruptsDisabled no_irqs;
  make_runnable_on_a_cpu(*thread, /*woken=*/false);
  return thread.leak();
}

Status reap(Thread* thread) {
  if (thread->state() != TaskState::kExited || thread->on_cpu.load(MemoryOrder::kAcquire)) {
    return Error::kBusy;
  }
  TRY(state().table.remove(*thread));
  unmap_stack(thread->stack_bottom, thread->stack_slot);
  (void)mm::physical_memory().free_pages(thread->stack, kStackOrder);
  mm::kdelete(thread);
  return ok_status();
}

Thread* take_exited_user_thread() {
  for (;;) {
    // One consumer, so a pop cannot meet its own node again (no ABA).
    Thread* head = g_exited.load(MemoryOrder::kAcquire);
    while (head != nullptr) {
      if (g_exited.compare_exchange(head, head->next_exited, MemoryOrder::kAcquire,
                                    MemoryOrder::kAcquire)) {
        head->next_exited = nullptr;
        return head;
      }
    }
    (void)wait_until(
        g_reaper_queue, [] { return g_exited.load(MemoryOrder::kAcquire) != nullptr; },
        Deadline::never());
  }
}

Thread* current() { return as_thread(arch::this_cpu()->current_task); }

void set_address_space(mm::AddressSpace* space) {
  arch::InterruptsDisabled no_irqs;
  Thread* self = current();
  if (self->address_space == space) return;
  self->address_space = space;
  if (state().hooks.switch_address_space) state().hooks.switch_address_space(space);
}

void yield() {
  arch::InterruptsDisabled no_irqs;
  reschedule();
}

void block_current() {
  arch::InterruptsDisabled no_irqs;
  Thread* self = current();
  // RC-013: refused if a wakeup already turned kBlocking into kRunning.
  if (commit_to_sleep(*self)) switch_to_next();
}

void exit_current() {
  arch::irq_save();
  current()->set_state(TaskState::kExited);
  switch_to_next();
  panic("an exited thread was scheduled again");
}

void idle_loop() {
  SchedulerState& s = state();
  for (;;) {
    const arch::IrqState irqs = arch::irq_save();
    const uint32_t self = arch::cpu_id();
    CpuState& here = s.cpu[self];
    bool work = here.queue.queued() > 0;
    if (!work) {
      // Work stealing: an idle CPU takes work from the busiest one.
      const uint32_t victim = busiest_cpu(self);
      work = victim != self && RunQueue::steal(here.queue, s.cpu[victim].queue);
    }
    if (work || arch::this_cpu()->need_resched.load(MemoryOrder::kRelaxed)) {
      switch_to_next();  // the idle thread is never queued
      arch::irq_restore(irqs);
      continue;
    }
    arch::halt_until_interrupt();  // masked: a pending interrupt still ends it
    arch::irq_restore(irqs);
    if (s.hooks.idle_work) s.hooks.idle_work();
  }
}

void on_tick() {
  if (!g_initialized.load(MemoryOrder::kAcquire)) return;
  arch::PerCpu& cpu = *arch::this_cpu();
  Thread* running = as_thread(cpu.current_task);
  if (!running) return;
  CpuState& here = state().cpu[cpu.cpu_id];
  if (running == &here.idle) {
    if (here.queue.queued() > 0) cpu.need_resched.store(1, MemoryOrder::kRelaxed);
    return;
  }
  if (here.queue.tick(*running) == TickDecision::kPreempt) {
    cpu.need_resched.store(1, MemoryOrder::kRelaxed);
  }
}

namespace {
// A wait of this thread ends early (kInterrupted): it was killed, or it is
// a user thread with a signal pending that it does not block — the call
// returns kInterrupted (EINTR) and the handler runs on the way to EL0.
bool interrupted(const Thread& thread) {
  if (thread.kill_requested.load(MemoryOrder::kAcquire)) return true;
  return thread.process != nullptr && (thread.signals.pending() & ~thread.signals.blocked()) != 0;
}

void wake_sleeper(OneShotTimer&, void* thread) {
  (void)wake_up(*static_cast<Thread*>(thread), g_waker);
}
}  // namespace

Status sleep_until(uint64_t deadline_ns) {
  Thread* self = current();
  OneShotTimer timer(&wake_sleeper, self);
  TimerQueue* queue = nullptr;
  Status result = ok_status();
  while (arch::uptime_ns() < deadline_ns) {
    if (interrupted(*self)) {
      result = Error::kInterrupted;
      break;
    }
    {
      arch::InterruptsDisabled no_irqs;
      // RC-013: kBlocking before the timer is armed, so a timer that fires
      // at once finds kBlocking and the sleep below does not happen.
      if (!self->transition(TaskState::kRunning, TaskState::kBlocking)) return Error::kBadState;
      // A kill or signal between the check above and kBlocking found the
      // thread running and woke nothing: look again now that it would.
      if (interrupted(*self)) {
        self->transition(TaskState::kBlocking, TaskState::kRunning);
        result = Error::kInterrupted;
        break;
      }
      queue = &state().cpu[arch::cpu_id()].timers;
      if (!queue->arm(timer, deadline_ns).ok()) {
        self->transition(TaskState::kBlocking, TaskState::kRunning);
        return Error::kNoSpace;
      }
      // The hardware fires for this deadline, not at the next tick.
      if (state().hooks.program_timer) state().hooks.program_timer(queue->next_deadline());
    }
    block_current();
    queue->cancel(timer);  // woken early (kill): the timer must not outlive this frame
  }
  return result;
}

Status sleep_for(uint64_t ns) { return sleep_until(arch::uptime_ns() + ns); }

namespace {

// Blocks the current thread (it prepared to wait) — or, if a wakeup came
// first, leaves it running — and, if the hand-off holds a thread that may
// run here, switches straight to that one.
void block_handing_off(Handoff* handoff) {
  arch::InterruptsDisabled no_irqs;
  Thread* self = current();
  Thread* next = handoff ? as_thread(handoff->take()) : nullptr;
  if (next && !next->may_run_on(arch::cpu_id())) {
    make_runnable_on_a_cpu(*next, /*woken=*/true);
    next = nullptr;
  }
  const bool sleeps = commit_to_sleep(*self);  // RC-013: refused after a wakeup
  if (next) {
    switch_away(next, /*prev_runnable=*/!sleeps);  // a woken self goes back on the queue
  } else if (sleeps) {
    switch_to_next();
  }
}

}  // namespace

namespace {

// wait_loop's kernel side: a one-shot timer on this CPU keeps the deadline.
class KernelWait {
 public:
  explicit KernelWait(Thread* self) : self_(self), timer_(&wake_sleeper, self) {}
  bool interrupted() const { return sched::interrupted(*self_); }
  void arm(Deadline deadline) {
    if (deadline.is_never()) return;
    arch::InterruptsDisabled no_irqs;
    timers_ = &state().cpu[arch::cpu_id()].timers;
    if (timers_->arm(timer_, deadline.uptime_ns()).ok() && state().hooks.program_timer) {
      state().hooks.program_timer(timers_->next_deadline());
    }
  }
  void disarm() {
    if (timers_) timers_->cancel(timer_);
    timers_ = nullptr;
  }
  void block(Handoff* handoff) { block_handing_off(handoff); }

 private:
  Thread* self_;
  OneShotTimer timer_;
  TimerQueue* timers_ = nullptr;
};

}  // namespace

Status wait_on(WaitQueue& queue, FunctionRef<bool()> ready, Deadline deadline, Handoff* handoff) {
  Thread* self = current();
  KernelWait backend(self);
  return wait_loop(*self, queue, ready, deadline, handoff, backend);
}

Result<TimerQueue*> arm_on_this_cpu(OneShotTimer& timer, Deadline deadline) {
  arch::InterruptsDisabled no_irqs;
  TimerQueue* timers = &state().cpu[arch::cpu_id()].timers;
  TRY(timers->arm(timer, deadline.uptime_ns()));
  if (state().hooks.program_timer) state().hooks.program_timer(timers->next_deadline());
  return timers;
}

void Handoff::make_runnable(Task& task) {
  // Called with interrupts masked (under a wait-queue lock).
  if (!claimed_ && task.may_run_on(arch::cpu_id())) {
    claimed_ = &task;
  } else {
    make_runnable_on_a_cpu(*as_thread(&task), /*woken=*/true);
  }
}

void Handoff::release() {
  if (Task* task = take()) {
    arch::InterruptsDisabled no_irqs;
    make_runnable_on_a_cpu(*as_thread(task), /*woken=*/true);
  }
}

Task& current_task() { return *current(); }

void kill(Thread* thread) {
  thread->kill_requested.store(1, MemoryOrder::kRelease);
  interrupt(thread);
}

void interrupt(Thread* thread) {
  arch::InterruptsDisabled no_irqs;
  if (wake_up(*thread, g_waker)) return;
  // Running somewhere: make that CPU look at it.
  const uint32_t cpu = thread->last_cpu.load(MemoryOrder::kRelaxed);
  if (cpu != arch::cpu_id() && state().hooks.send_reschedule_ipi) {
    state().hooks.send_reschedule_ipi(cpu);
  }
}

Status send_signal(Thread* thread, uint32_t signal) {
  const SignalOutcome outcome = TRY(thread->signals.send(signal));
  if (outcome == SignalOutcome::kTerminate) kill(thread);
  if (outcome == SignalOutcome::kPending) interrupt(thread);
  return ok_status();
}

bool kill_requested() { return current()->kill_requested.load(MemoryOrder::kAcquire) != 0; }

uint64_t run_timers() {
  if (!g_initialized.load(MemoryOrder::kAcquire)) return ~uint64_t{0};  // no timers yet
  TimerQueue& timers = state().cpu[arch::cpu_id()].timers;
  timers.expire(arch::uptime_ns());
  return timers.next_deadline();
}

void on_reschedule_ipi() { arch::this_cpu()->need_resched.store(1, MemoryOrder::kRelaxed); }

void preempt_if_needed() {
  arch::PerCpu& cpu = *arch::this_cpu();
  if (!cpu.current_task || cpu.need_resched.load(MemoryOrder::kRelaxed) == 0) return;
  // The idle thread reschedules from its own loop.
  if (cpu.current_task == cpu.idle_task) return;
  // Interrupts were on, so the thread cannot be between committing to
  // sleep and switching away (both happen with them masked): it is
  // kRunning or kBlocking, and stays runnable.
  reschedule();
}

Waker& kernel_waker() { return g_waker; }
Waker& sync_waker() { return g_sync_waker; }
TaskTable& task_table() { return state().table; }
RunQueueStats run_queue_stats(uint32_t cpu) { return state().cpu[cpu].queue.stats(); }
uint64_t switches_on_cpu(uint32_t cpu) {
  return state().cpu[cpu].switches.load(MemoryOrder::kRelaxed);
}

}  // namespace viper::sched

// First C++ code of every new thread (arch_thread_trampoline).
extern "C" [[noreturn]] void sched_thread_start(viper::sched::Thread* self) {
  using namespace viper;
  arch::PerCpu& cpu = *arch::this_cpu();
  sched::Thread* left = sched::as_thread(cpu.switch_prev);
  cpu.switch_prev = nullptr;
  sched::finish_switch_from(left);
  arch::irq_enable();
  self->entry(self->arg);
  sched::exit_current();
}
