// A host model of the kernel scheduler's CPUs, for tests of the decisions
// scheduler.cc makes: each model CPU is a host thread bound to its own
// per-CPU block (the host arch backend), with a run queue and an idle
// thread. Switching away runs the kernel's own begin_switch()
// (cpu_switch.h) and the on_cpu hand-off; starting a thread runs its own
// check_task_start() and publish_task() (task_start.h). There is no
// context to switch: threads are records, and a test drives what they do
// (prepare to wait, commit to sleep) on the CPU that runs them, step by
// step, so an interleaving of CPUs can be forced deterministically.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "kernel/lib/deadline.h"
#include "sched/run_queue.h"
#include "sched/task.h"
#include "sched/task_start.h"
#include "sched/task_table.h"
#include "sched/wait_queue.h"

namespace viper::sched::testing {

// The model's thread: what begin_switch() needs of scheduler.cc's Thread.
struct ModelThread : Task {
  Atomic<uint32_t> on_cpu{0};
  Atomic<uint32_t> last_cpu{0};
};

class HostCpus {
 public:
  explicit HostCpus(uint32_t count);
  ~HostCpus();
  HostCpus(const HostCpus&) = delete;
  HostCpus& operator=(const HostCpus&) = delete;

  uint32_t count() const { return static_cast<uint32_t>(cpus_.size()); }
  RunQueue& queue(uint32_t cpu) { return cpus_[cpu]->queue; }
  ModelThread& idle(uint32_t cpu) { return cpus_[cpu]->idle; }
  // The arch-level CPU id of model CPU `cpu` (RunQueue::cpu(), last_cpu).
  uint32_t id(uint32_t cpu) const { return cpus_[cpu]->id; }
  TaskTable& table() { return table_; }

  // Runs `fn` on model CPU `cpu`'s thread and waits for it.
  void on(uint32_t cpu, std::function<void()> fn);
  // Starts `fn` there; finished() waits up to `patience` for it to end.
  void start(uint32_t cpu, std::function<void()> fn);
  bool finished(uint32_t cpu, Duration patience);
  // The thread model CPU `cpu` runs (read on that CPU).
  Task* current(uint32_t cpu);

  // On a model CPU's thread, what scheduler.cc does there:
  // switch_away(next, prev_runnable), the switch itself being instant;
  void switch_away(ModelThread* next, bool prev_runnable);
  // the waker that makes a woken thread runnable on a CPU it may use
  // (its last one if allowed);
  Waker& waker() { return waker_; }
  // spawn(): checks, fields, publication, then runnable on this CPU.
  Result<TaskId> spawn(ModelThread& thread, const TaskStart& start);

 private:
  struct Cpu {
    uint32_t id = 0;
    RunQueue queue;
    ModelThread idle;
    std::thread thread;
    std::mutex mutex;
    std::condition_variable changed;
    std::function<void()> work;  // posted, not yet taken
    bool busy = false;           // taken and running
    bool stop = false;
  };
  class ModelWaker final : public Waker {
   public:
    explicit ModelWaker(HostCpus& cpus) : cpus_(cpus) {}
    void make_runnable(Task& task) override;

   private:
    HostCpus& cpus_;
  };

  void run_cpu(Cpu& cpu, std::mutex& ready_mutex, std::condition_variable& ready, uint32_t& up);
  void make_runnable(ModelThread& thread, bool woken);

  std::vector<std::unique_ptr<Cpu>> cpus_;
  TaskTable table_;
  ModelWaker waker_{*this};
};

}  // namespace viper::sched::testing
