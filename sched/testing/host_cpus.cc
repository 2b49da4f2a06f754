#include "sched/testing/host_cpus.h"

#include <chrono>

#include "kernel/arch/arch.h"
#include "sched/cpu_switch.h"

namespace viper::sched::testing {

HostCpus::HostCpus(uint32_t count) {
  std::mutex ready_mutex;
  std::condition_variable ready;
  uint32_t up = 0;
  for (uint32_t i = 0; i < count; ++i) cpus_.push_back(std::make_unique<Cpu>());
  for (auto& cpu : cpus_) {
    Cpu& c = *cpu;
    c.thread =
        std::thread([this, &c, &ready_mutex, &ready, &up] { run_cpu(c, ready_mutex, ready, up); });
  }
  std::unique_lock<std::mutex> guard(ready_mutex);
  ready.wait(guard, [&] { return up == count; });
}

HostCpus::~HostCpus() {
  for (auto& cpu : cpus_) {
    {
      std::lock_guard<std::mutex> guard(cpu->mutex);
      cpu->stop = true;
    }
    cpu->changed.notify_all();
    cpu->thread.join();
  }
}

// A model CPU's life: bound to a per-CPU block of its own, running its
// idle thread, then whatever work the test posts.
void HostCpus::run_cpu(Cpu& cpu, std::mutex& ready_mutex, std::condition_variable& ready,
                       uint32_t& up) {
  arch::PerCpu& self = *arch::this_cpu();
  cpu.id = self.cpu_id;
  cpu.queue.init(self.cpu_id);
  cpu.idle.set_name("idle");
  cpu.idle.priority = kPriorityLevels - 1;
  cpu.idle.affinity = 1ull << self.cpu_id;
  cpu.idle.set_state(TaskState::kRunning);
  cpu.idle.on_cpu.store(1, MemoryOrder::kRelaxed);
  cpu.idle.last_cpu.store(self.cpu_id, MemoryOrder::kRelaxed);
  self.idle_task = &cpu.idle;
  self.current_task = &cpu.idle;
  {
    // Notified under the lock: the constructor's condition variable ends
    // as soon as the last CPU is up.
    std::lock_guard<std::mutex> guard(ready_mutex);
    ++up;
    ready.notify_all();
  }
  std::unique_lock<std::mutex> guard(cpu.mutex);
  for (;;) {
    cpu.changed.wait(guard, [&] { return cpu.stop || cpu.work; });
    if (!cpu.work) return;
    std::function<void()> work = std::move(cpu.work);
    cpu.work = nullptr;
    cpu.busy = true;
    guard.unlock();
    const arch::IrqState irqs = arch::irq_save();  // the scheduler runs masked
    work();
    arch::irq_restore(irqs);
    guard.lock();
    cpu.busy = false;
    cpu.changed.notify_all();
  }
}

void HostCpus::start(uint32_t cpu, std::function<void()> fn) {
  Cpu& c = *cpus_[cpu];
  {
    std::unique_lock<std::mutex> guard(c.mutex);
    c.changed.wait(guard, [&] { return !c.work && !c.busy; });
    c.work = std::move(fn);
  }
  c.changed.notify_all();
}

bool HostCpus::finished(uint32_t cpu, Duration patience) {
  Cpu& c = *cpus_[cpu];
  std::unique_lock<std::mutex> guard(c.mutex);
  return c.changed.wait_for(guard, std::chrono::nanoseconds(patience.ns()),
                            [&] { return !c.work && !c.busy; });
}

void HostCpus::on(uint32_t cpu, std::function<void()> fn) {
  start(cpu, std::move(fn));
  while (!finished(cpu, Duration::seconds(3600))) {
  }
}

Task* HostCpus::current(uint32_t cpu) {
  Task* task = nullptr;
  on(cpu, [&] { task = arch::this_cpu()->current_task; });
  return task;
}

void HostCpus::switch_away(ModelThread* next, bool prev_runnable) {
  arch::PerCpu& cpu = *arch::this_cpu();
  Cpu* here = nullptr;
  for (auto& c : cpus_) {
    if (c->id == cpu.cpu_id) here = c.get();
  }
  if (!begin_switch(cpu, here->queue, here->idle, next, prev_runnable)) return;
  // No context to switch: the switch is complete at once, and the thread
  // left may run elsewhere (scheduler.cc: finish_switch_from).
  Task* left = cpu.switch_prev;
  cpu.switch_prev = nullptr;
  static_cast<ModelThread*>(left)->on_cpu.store(0, MemoryOrder::kRelease);
}

// scheduler.cc's make_runnable_on_a_cpu(), without the IPI: the thread's
// last CPU if it may run there, else the first model CPU it may use.
void HostCpus::make_runnable(ModelThread& thread, bool woken) {
  const uint32_t last = thread.last_cpu.load(MemoryOrder::kRelaxed);
  Cpu* target = nullptr;
  for (auto& c : cpus_) {
    if (c->id == last && thread.may_run_on(last)) target = c.get();
  }
  for (auto& c : cpus_) {
    if (!target && thread.may_run_on(c->id)) target = c.get();
  }
  if (!target) return;
  (void)(woken ? target->queue.enqueue_woken(thread) : target->queue.enqueue(thread));
}

void HostCpus::ModelWaker::make_runnable(Task& task) {
  cpus_.make_runnable(static_cast<ModelThread&>(task), /*woken=*/true);
}

Result<TaskId> HostCpus::spawn(ModelThread& thread, const TaskStart& start) {
  uint32_t highest = 0;
  for (auto& c : cpus_) highest = c->id + 1 > highest ? c->id + 1 : highest;
  TRY(check_task_start(start, highest));
  thread.last_cpu.store(arch::cpu_id(), MemoryOrder::kRelaxed);
  const TaskId id = TRY(publish_task(table_, thread, start));
  make_runnable(thread, /*woken=*/false);
  return id;
}

}  // namespace viper::sched::testing
