/* The ViperDOS side of os.h: the project's libc, run as init
 * (init=bin/bench). Native figures use libviper directly. */
#ifndef __linux__
#include "os.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "bench.h"

static const char kSelf[] = "bin/bench";

const char* os_name(void) { return "viperdos"; }

int os_first_stage(void) { return 1; }
void os_restart(char** argv) { (void)argv; } /* no user ASLR to turn off */

void os_report(void) {
  struct viper_system_info info;
  if (viper_system_info(&info) != 0) bench_die("system_info", 0);
  bench_out("INFO kernel=viperdos cpus_online=%u page_size=%lu memory_mib=%llu\n", info.cpus,
            BENCH_PAGE, (unsigned long long)(info.total_memory >> 20));
}

/* getppid arrives with fork; until then process_id is the cheapest call
 * that enters the kernel and returns a value. */
long os_null_syscall(void) { return (long)getppid(); }
const char* os_null_syscall_name(void) { return "getppid"; }

int os_pin(int cpu) {
  (void)cpu;
  return 0; /* no affinity call for user threads */
}

void* os_map_fresh(size_t size) {
  const int64_t address = viper_vm_map(0, size, VIPER_PROT_READ | VIPER_PROT_WRITE);
  return address < 0 ? 0 : (void*)(uintptr_t)address;
}

void os_unmap(void* address, size_t size) {
  if (viper_vm_unmap((uint64_t)(uintptr_t)address, size) != 0) bench_die("vm_unmap", 0);
}

/* The object's handle can be closed once it is mapped: the mapping keeps
 * its pages, and fork maps them shared in the child (never copy-on-write). */
void* os_map_shared(size_t size) {
  const int64_t vmo = viper_vmo_create(size);
  if (vmo < 0) return 0;
  const int64_t address =
      viper_vmo_map((viper_handle_t)vmo, 0, VIPER_PROT_READ | VIPER_PROT_WRITE);
  viper_handle_close((viper_handle_t)vmo);
  return address < 0 ? 0 : (void*)(uintptr_t)address;
}

void os_unmap_shared(void* address, size_t size) { os_unmap(address, size); }

/* Starts `bench --role=<role>`, moving `bootstrap` (or 0) into it. */
static viper_handle_t start_child(const char* role_argument, viper_handle_t bootstrap) {
  const char* const argv[] = {kSelf, role_argument};
  const struct viper_spawn_args args = {
      .path = kSelf, .argv = argv, .argc = 2, .envp = 0, .envc = 0, .bootstrap = bootstrap};
  const int64_t process = viper_process_spawn(&args);
  if (process < 0) bench_die("process_spawn", (long)process);
  return (viper_handle_t)process;
}

static void wait_child(viper_handle_t process) {
  int64_t code = -1;
  const int64_t waited = viper_process_wait(process, &code);
  if (waited != 0 || code != 0) bench_die("child", waited != 0 ? (long)waited : (long)code);
  viper_handle_close(process);
}

/* Context switches of every CPU (up to 8), to see where a figure ran. */
static void cpu_switches(uint64_t out[8], uint32_t cpus) {
  for (uint32_t cpu = 0; cpu < cpus && cpu < 8; cpu++) {
    struct viper_cpu_info info;
    out[cpu] = viper_cpu_info(cpu, &info) == 0 ? info.context_switches : 0;
  }
}

/* One INFO line (for the first timed repetition): how many context
 * switches each CPU made during it. ViperDOS cannot pin, so this says
 * whether the two parties shared a CPU. */
static void report_switches(const char* figure, const uint64_t before[8], long n) {
  static int reported;
  struct viper_system_info system;
  if (reported++ != 1 || viper_system_info(&system) != 0) return; /* 0 is the warm-up */
  uint64_t after[8];
  cpu_switches(after, system.cpus);
  char line[256];
  int at = snprintf(line, sizeof line, "INFO %s switches_per_op", figure);
  for (uint32_t cpu = 0; cpu < system.cpus && cpu < 8 && at < (int)sizeof line; cpu++)
    at += snprintf(line + at, sizeof line - (size_t)at, " cpu%u=%.2f", cpu,
                   (double)(after[cpu] - before[cpu]) / (double)n);
  bench_out("%s\n", line);
}

/* channel_call_rtt: a call with a 1-byte request, answered by an echo
 * server in another process with a 1-byte reply. */
double os_native_ipc_rtt(long n) {
  viper_handle_t ends[2];
  if (viper_channel_create(ends) != 0) bench_die("channel_create", 0);
  const viper_handle_t server = start_child("--role=echo", ends[1]);
  char request = 'x', reply = 0;
  if (viper_channel_call(ends[0], &request, 1, &reply, 1, VIPER_DEADLINE_NEVER) != 1)
    bench_die("channel_call warm-up", 0);
  uint64_t switches[8] = {0};
  cpu_switches(switches, 8);
  const uint64_t t0 = bench_now_ns();
  for (long i = 0; i < n; i++) {
    const int64_t got = viper_channel_call(ends[0], &request, 1, &reply, 1, VIPER_DEADLINE_NEVER);
    if (got != 1) bench_die("channel_call", (long)got);
  }
  const uint64_t t1 = bench_now_ns();
  report_switches("channel_call_rtt", switches, n);
  viper_handle_close(ends[0]); /* the server's read sees the peer closed and ends */
  wait_child(server);
  return (double)(t1 - t0) / (double)n;
}

/* spawn_exit_wait: process_spawn of this program, which exits at once,
 * and a wait for its end. */
double os_native_spawn_wait(long n) {
  const uint64_t t0 = bench_now_ns();
  for (long i = 0; i < n; i++) wait_child(start_child("--role=exit", 0));
  return (double)(bench_now_ns() - t0) / (double)n;
}

/* spawn_call: the process_spawn call alone (the child is waited for
 * untimed): which part of spawn_exit_wait is the kernel building the
 * process, and which the child's run, exit and reaping. */
double os_native_spawn_call(long n) {
  uint64_t spent = 0;
  for (long i = 0; i < n; i++) {
    const uint64_t t0 = bench_now_ns();
    const viper_handle_t child = start_child("--role=exit", 0);
    spent += bench_now_ns() - t0;
    wait_child(child);
  }
  return (double)spent / (double)n;
}

/* Echoes every message on the bootstrap channel until its peer closes. */
static int echo(void) {
  const viper_handle_t channel = viper_bootstrap_handle();
  if (channel == 0) return 2;
  char bytes[64];
  for (;;) {
    struct viper_message m = {.bytes = bytes, .byte_capacity = sizeof bytes};
    const int64_t got = viper_channel_read(channel, &m, VIPER_DEADLINE_NEVER);
    if (got == VIPER_ERR_PEER_CLOSED) return 0;
    if (got < 0) return 3;
    if (viper_channel_write(channel, bytes, m.byte_count, 0, 0) != 0) return 4;
  }
}

int os_child_role(const char* role) {
  if (strcmp(role, "exit") == 0) return 0;
  if (strcmp(role, "echo") == 0) return echo();
  return -1;
}

void os_finish(int code) { (void)code; } /* init's end powers the machine off */
#endif
