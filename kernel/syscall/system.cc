// System facts: memory, CPUs, processes, threads, uptime; each CPU's load.
#include "kernel/arch/arch.h"
#include "kernel/object/process_object.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"
#include "mm/pmm/physical_memory.h"
#include "sched/scheduler.h"

namespace viper::syscall {
namespace {

Result<uint64_t> system_info(CallContext&, const Arguments& a) {
  const mm::MemoryStats memory = mm::physical_memory().stats();
  const viper_system_info info{
      .total_memory = memory.total_pages * kPageSize,
      .free_memory = memory.free_pages * kPageSize,
      .uptime_ns = arch::uptime_ns(),
      .cpus = sched::cpu_count(),
      .processes = object::Process::live_count(),
      .threads = static_cast<uint32_t>(sched::task_table().count()),
      .reserved = 0,
  };
  TRY(copy_out(a.value[0], info));
  return 0;
}

// (cpu, struct viper_cpu_info*): kOutOfRange past the last CPU.
Result<uint64_t> cpu_info(CallContext&, const Arguments& a) {
  if (a.value[0] >= sched::cpu_count()) return Error::kOutOfRange;
  const uint32_t cpu = static_cast<uint32_t>(a.value[0]);
  const sched::RunQueueStats queue = sched::run_queue_stats(cpu);
  const viper_cpu_info info{.cpu = cpu,
                            .queued = queue.queued,
                            .context_switches = sched::switches_on_cpu(cpu),
                            .steals = queue.steals_in};
  TRY(copy_out(a.value[1], info));
  return 0;
}

}  // namespace

void install_system_calls() {
  install_call(VIPER_SYS_SYSTEM_INFO, {"system_info", &system_info});
  install_call(VIPER_SYS_CPU_INFO, {"cpu_info", &cpu_info});
}

}  // namespace viper::syscall
