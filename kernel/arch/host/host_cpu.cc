#include "kernel/arch/host/host_cpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <mutex>
#include <new>

#include "kernel/arch/backend/arch_inline.h"

namespace viper::arch {
namespace {

// Slot table of simulated CPUs. A std::mutex (not a kernel spinlock): this
// is the host machine itself, below everything the kernel code does.
struct CpuSlots {
  std::mutex mutex;
  bool used[kMaxCpus] = {};
  PerCpu blocks[kMaxCpus];
};

CpuSlots& slots() {
  static CpuSlots instance;
  return instance;
}

// Releases the thread's CPU when the thread exits.
struct Binding {
  PerCpu* cpu = nullptr;
  ~Binding() {
    if (!cpu) return;
    CpuSlots& s = slots();
    std::lock_guard<std::mutex> guard(s.mutex);
    if (cpu->held_lock_count != 0) {
      fprintf(stderr, "host cpu %u: thread exited holding %u lock(s)\n", cpu->cpu_id,
              cpu->held_lock_count);
      abort();
    }
    s.used[cpu->cpu_id] = false;
    host::t_cpu = nullptr;
  }
};

thread_local Binding t_binding;

}  // namespace

thread_local constinit PerCpu* host::t_cpu = nullptr;
thread_local constinit bool host::t_irqs_enabled = true;
host::TlbLog host::g_tlb_log;

[[clang::preserve_most]] PerCpu* host::bind_this_thread() {
  CpuSlots& s = slots();
  std::lock_guard<std::mutex> guard(s.mutex);
  for (uint32_t id = 0; id < kMaxCpus; ++id) {
    if (s.used[id]) continue;
    s.used[id] = true;
    PerCpu* cpu = &s.blocks[id];
    cpu->~PerCpu();  // a fresh CPU: nothing of the previous thread remains
    new (cpu) PerCpu();
    cpu->cpu_id = id;
    cpu->hardware_id = id;
    t_binding.cpu = cpu;
    host::t_cpu = cpu;
    return cpu;
  }
  fprintf(stderr, "host backend: more than %u threads acting as CPUs\n", kMaxCpus);
  abort();
}

uint32_t host::bound_cpu_count() {
  CpuSlots& s = slots();
  std::lock_guard<std::mutex> guard(s.mutex);
  uint32_t count = 0;
  for (bool used : s.used) count += used ? 1 : 0;
  return count;
}

void early_console_write(const char* text, size_t length) { (void)!write(2, text, length); }

void stop_machine_failed() { abort(); }

void halt_forever() {
  for (;;) pause();
}

}  // namespace viper::arch
