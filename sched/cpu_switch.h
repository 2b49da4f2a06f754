// A CPU's switch away from its current thread, up to the context switch:
// what becomes of the thread it leaves, which thread it runs next, and the
// `on_cpu` hand-off that keeps a thread on one CPU at a time. Portable, so
// the kernel scheduler (scheduler.cc, then arch_switch_context) and the
// host model of its CPUs (testing/host_cpus.h, threads as CPUs) run the
// same code.
//
// RC-003: `prev_runnable` says what becomes of the thread switched away
// from, and only the caller can know it: true when it was preempted or
// yielded (it goes back on this CPU's queue — also if it is kBlocking: a
// thread preempted between prepare_to_wait and block has not committed to
// sleep, and a wakeup that finds it kBlocking assumes it still runs,
// RC-013); false when it committed to sleep or exited (it stays off the
// queues). Its state word cannot say this: once a thread is kBlocked, a
// waker may make it runnable and another CPU may steal and pick it
// (kRunning) before this CPU has switched away from it — reading kRunning
// here and queueing it again would put a running thread on a run queue.
#pragma once

#include "kernel/arch/arch.h"
#include "sched/run_queue.h"
#include "sched/task.h"

namespace viper::sched {

// `T` is the scheduler's thread: a Task with `on_cpu` (set while a CPU
// runs it or is still switching away from it) and `last_cpu`.
//
// Decides the switch on `cpu` (interrupts masked): `prev` is its current
// thread, `next` a woken thread its waker claimed (kReady) and kept off
// every run queue (the IPC hand-off), or null for the best runnable one.
// Returns the thread to switch to — now `cpu.current_task`, with `prev` in
// `cpu.switch_prev` until the switch is complete and whoever runs next
// clears prev's `on_cpu` — or null if `prev` keeps running.
template <class T>
T* begin_switch(arch::PerCpu& cpu, RunQueue& queue, T& idle, T* next, bool prev_runnable) {
  T* prev = static_cast<T*>(cpu.current_task);
  cpu.need_resched.store(0, MemoryOrder::kRelaxed);
  if (prev != &idle && prev_runnable) (void)queue.enqueue(*prev);
  if (next) {
    next->set_state(TaskState::kRunning);
  } else {
    next = static_cast<T*>(queue.pick_next());
  }
  if (!next) {
    if (prev == &idle) return nullptr;
    next = &idle;
  }
  if (next == prev) return nullptr;  // requeued and picked again: keep running
  // A thread switched away from on another CPU may not be off it yet.
  while (next->on_cpu.load(MemoryOrder::kAcquire) != 0) arch::cpu_relax();
  next->on_cpu.store(1, MemoryOrder::kRelaxed);
  next->last_cpu.store(cpu.cpu_id, MemoryOrder::kRelaxed);
  if (next == &idle) next->set_state(TaskState::kRunning);
  cpu.current_task = next;
  cpu.switch_prev = prev;
  return next;
}

}  // namespace viper::sched
