// System facts: memory, CPUs, processes, threads, uptime, the allocators'
// and IPC's statistics; each CPU's load; the machine's power.
#include "kernel/syscall/system.h"

#include "ipc/stats.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/atomic.h"
#include "kernel/object/process_object.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"
#include "mm/kheap/global.h"
#include "mm/pmm/physical_memory.h"
#include "sched/scheduler.h"

namespace viper::syscall {
namespace {

// Written once by boot before the first user thread runs; read by calls.
Atomic<PowerHandler> g_power_handler{nullptr};
Atomic<EntropySource> g_entropy_source{nullptr};

Result<uint64_t> system_info(CallContext&, const Arguments& a) {
  const mm::MemoryStats memory = mm::physical_memory().stats();
  const mm::HeapStats heap = mm::kernel_heap().stats();
  const ipc::Stats ipc = ipc::stats();
  const viper_system_info info{
      .total_memory = memory.total_pages * kPageSize,
      .free_memory = memory.free_pages * kPageSize,
      .uptime_ns = arch::uptime_ns(),
      .cpus = sched::cpu_count(),
      .processes = object::Process::live_count(),
      .threads = static_cast<uint32_t>(sched::task_table().count()),
      .reserved = 0,
      .used_memory = memory.used_pages * kPageSize,
      .reserved_memory = memory.reserved_pages * kPageSize,
      .heap_allocations = heap.live_allocations,
      .heap_bytes = heap.live_bytes,
      .ipc_channels = ipc.live_channels,
      .ipc_messages = ipc.live_messages,
      .ipc_fast_path_deliveries = ipc.fast_path_deliveries,
      .ipc_pollsets = ipc.live_pollsets,
      .ipc_timers = ipc.live_timers,
      .ipc_events = ipc.live_events,
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

// (VIPER_POWER_*): returns only when the action is unknown
// (kInvalidArgument) or nothing can carry it out (kNotSupported).
Result<uint64_t> system_power(CallContext&, const Arguments& a) {
  PowerAction action;
  switch (a.value[0]) {
    case VIPER_POWER_OFF:
      action = PowerAction::kOff;
      break;
    case VIPER_POWER_REBOOT:
      action = PowerAction::kReboot;
      break;
    default:
      return Error::kInvalidArgument;
  }
  const PowerHandler handler = g_power_handler.load(MemoryOrder::kAcquire);
  if (handler == nullptr) return Error::kNotSupported;
  handler(action);
  return Error::kNotSupported;  // firmware refused
}

// (buffer, size) -> bytes: 1..VIPER_ENTROPY_READ_MAX random bytes from the
// device, copied to the caller (kFault for a bad buffer).
Result<uint64_t> entropy_read(CallContext&, const Arguments& a) {
  const uint64_t size = a.value[1];
  if (size == 0 || size > VIPER_ENTROPY_READ_MAX) return Error::kInvalidArgument;
  const EntropySource source = g_entropy_source.load(MemoryOrder::kAcquire);
  if (source == nullptr) return Error::kNotSupported;
  uint8_t bytes[VIPER_ENTROPY_READ_MAX];
  const size_t got = TRY(source(bytes, size));
  TRY(arch::copy_to_user(VirtAddr(a.value[0]), bytes, got));
  return got;
}

}  // namespace

void set_entropy_source(EntropySource source) {
  g_entropy_source.store(source, MemoryOrder::kRelease);
}

void set_power_handler(PowerHandler handler) {
  g_power_handler.store(handler, MemoryOrder::kRelease);
}

void install_system_calls() {
  install_call(VIPER_SYS_SYSTEM_INFO, {"system_info", &system_info});
  install_call(VIPER_SYS_CPU_INFO, {"cpu_info", &cpu_info});
  install_call(VIPER_SYS_SYSTEM_POWER, {"system_power", &system_power});
  install_call(VIPER_SYS_ENTROPY_READ, {"entropy_read", &entropy_read});
}

}  // namespace viper::syscall
