/* sysinfo: the machine as user space sees it — a line per CPU and the
 * system's facts (memory, processes, threads, uptime, the date). */
#include <stdio.h>
#include <time.h>
#include <viperdos/viper.h>

int main(void) {
  struct viper_system_info info;
  if (viper_system_info(&info) != 0) {
    fprintf(stderr, "sysinfo: system_info failed\n");
    return 1;
  }
  for (uint32_t cpu = 0; cpu < info.cpus; ++cpu) {
    struct viper_cpu_info c;
    if (viper_cpu_info(cpu, &c) != 0) return 1;
    printf("cpu%u: online, %llu context switches, %u queued, %llu steals\n", c.cpu,
           (unsigned long long)c.context_switches, c.queued, (unsigned long long)c.steals);
  }
  printf("memory: %llu MiB total, %llu MiB free\n",
         (unsigned long long)(info.total_memory >> 20), (unsigned long long)(info.free_memory >> 20));
  printf("processes: %u, threads: %u, uptime: %llu.%03llu s\n", info.processes, info.threads,
         (unsigned long long)(info.uptime_ns / 1000000000ull),
         (unsigned long long)(info.uptime_ns / 1000000ull % 1000));
  const time_t now = time(NULL);
  char date[64];
  if (viper_clock_wall() >= 0 && strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now))) {
    printf("date: %s\n", date);
  } else {
    printf("date: unknown (no real-time clock)\n");
  }
  return 0;
}
