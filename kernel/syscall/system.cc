// System facts: memory, CPUs, processes, threads, uptime.
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

}  // namespace

void install_system_calls() { install_call(VIPER_SYS_SYSTEM_INFO, {"system_info", &system_info}); }

}  // namespace viper::syscall
