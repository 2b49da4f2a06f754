/* sysinfo: the machine as user space sees it — a line per CPU, memory, the
 * kernel heap, IPC objects, processes, threads, uptime, the date. */
#include <stdio.h>
#include <time.h>
#include <viperdos/viper.h>

#include "userland/utils/lib/native.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "sysinfo",
    .usage = "",
    .help =
        "Shows each CPU's load, physical memory, the kernel heap's live blocks,\n"
        "the IPC objects alive, processes, threads, uptime and the date.\n"};

static unsigned long long mib(uint64_t bytes) { return (unsigned long long)(bytes >> 20); }

int main(int argc, char** argv) {
  util_begin(&kProgram);
  util_no_operands(argc, argv);
  struct viper_system_info info;
  if (util_system_info(&info) != 0) return UTIL_FAILURE;
  for (uint32_t cpu = 0; cpu < info.cpus; ++cpu) {
    struct viper_cpu_info c;
    const int64_t result = viper_cpu_info(cpu, &c);
    if (result != 0) {
      util_error("cannot read cpu%u: %s", cpu, util_viper_error(result));
      return UTIL_FAILURE;
    }
    printf("cpu%u: online, %llu context switches, %u queued, %llu steals\n", c.cpu,
           (unsigned long long)c.context_switches, c.queued, (unsigned long long)c.steals);
  }
  printf("memory: %llu MiB total, %llu MiB free, %llu MiB used, %llu MiB reserved\n",
         mib(info.total_memory), mib(info.free_memory), mib(info.used_memory),
         mib(info.reserved_memory));
  printf("kernel heap: %llu blocks, %llu KiB\n", (unsigned long long)info.heap_allocations,
         (unsigned long long)(info.heap_bytes >> 10));
  printf(
      "ipc: %llu channels, %llu queued messages, %llu fast-path deliveries, %llu pollsets, "
      "%llu timers, %llu events\n",
      (unsigned long long)info.ipc_channels, (unsigned long long)info.ipc_messages,
      (unsigned long long)info.ipc_fast_path_deliveries, (unsigned long long)info.ipc_pollsets,
      (unsigned long long)info.ipc_timers, (unsigned long long)info.ipc_events);
  printf("processes: %u, threads: %u, uptime: %llu.%03llu s\n", info.processes, info.threads,
         (unsigned long long)(info.uptime_ns / 1000000000ull),
         (unsigned long long)(info.uptime_ns / 1000000ull % 1000));
  const time_t now = time(NULL);
  char date[64];
  if (viper_clock_wall() >= 0 &&
      strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now))) {
    printf("date: %s\n", date);
  } else {
    printf("date: unknown (no real-time clock)\n");
  }
  return util_finish(UTIL_OK);
}
