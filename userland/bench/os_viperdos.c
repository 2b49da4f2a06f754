/* The ViperDOS side of os.h: the project's libc, run as init
 * (init=bin/bench). Native figures use libviper directly. */
#ifndef __linux__
#include "os.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <viperdos/fs_protocol.h>
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
  const int64_t address = viper_vmo_map((viper_handle_t)vmo, 0, VIPER_PROT_READ | VIPER_PROT_WRITE);
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

/* Context switches of every CPU (up to 8) and fast-path deliveries, to see
 * where a figure ran and which path its messages took. */
static struct {
  uint64_t switches[8];
  uint64_t fast_path;
  uint64_t steals;
} g_before;

static void take_counts(uint64_t switches[8], uint64_t* fast_path, uint64_t* steals) {
  struct viper_system_info system;
  *fast_path = viper_system_info(&system) == 0 ? system.ipc_fast_path_deliveries : 0;
  *steals = 0;
  for (uint32_t cpu = 0; cpu < 8; cpu++) {
    struct viper_cpu_info info;
    const int ok = viper_cpu_info(cpu, &info) == 0;
    switches[cpu] = ok ? info.context_switches : 0;
    *steals += ok ? info.steals : 0;
  }
}

void os_counts_begin(void) {
  take_counts(g_before.switches, &g_before.fast_path, &g_before.steals);
}

/* One INFO line per figure (for its first timed repetition: `*calls` 1; 0
 * is the warm-up): the switches each CPU made and the fast-path deliveries,
 * per operation, and the threads idle CPUs stole. ViperDOS cannot pin, so this says whether the two
 * parties shared a CPU. */
void os_counts_end(const char* figure, long n, int* calls) {
  struct viper_system_info system;
  if ((*calls)++ != 1 || viper_system_info(&system) != 0) return;
  uint64_t after[8], fast_path, steals;
  take_counts(after, &fast_path, &steals);
  char line[256];
  int at = snprintf(line, sizeof line,
                    "INFO %s fast_path_per_op=%.2f steals_per_op=%.2f switches_per_op", figure,
                    (double)(fast_path - g_before.fast_path) / (double)n,
                    (double)(steals - g_before.steals) / (double)n);
  for (uint32_t cpu = 0; cpu < system.cpus && cpu < 8 && at < (int)sizeof line; cpu++)
    at += snprintf(line + at, sizeof line - (size_t)at, " cpu%u=%.2f", cpu,
                   (double)(after[cpu] - g_before.switches[cpu]) / (double)n);
  bench_out("%s\n", line);
}

/* ns per channel call of 1 byte each way on `end` (one untimed first),
 * with the scheduler's counts reported as `name`'s (os_counts_end:
 * `calls` is the figure's own count of rounds). */
static double timed_calls(viper_handle_t end, long n, const char* name, int* calls) {
  char request = 'x', reply = 0;
  if (viper_channel_call(end, &request, 1, &reply, 1, VIPER_DEADLINE_NEVER) != 1)
    bench_die("channel_call warm-up", 0);
  os_counts_begin();
  const uint64_t t0 = bench_now_ns();
  for (long i = 0; i < n; i++) {
    const int64_t got = viper_channel_call(end, &request, 1, &reply, 1, VIPER_DEADLINE_NEVER);
    if (got != 1) bench_die("channel_call", (long)got);
  }
  const uint64_t t1 = bench_now_ns();
  os_counts_end(name, n, calls);
  return (double)(t1 - t0) / (double)n;
}

/* channel_call_rtt: a call with a 1-byte request, answered by an echo
 * server in another process with a 1-byte reply. */
double os_native_ipc_rtt(long n) {
  viper_handle_t ends[2];
  if (viper_channel_create(ends) != 0) bench_die("channel_create", 0);
  const viper_handle_t server = start_child("--role=echo", ends[1]);
  static int calls;
  const double ns = timed_calls(ends[0], n, "channel_call_rtt", &calls);
  viper_handle_close(ends[0]); /* the server's read sees the peer closed and ends */
  wait_child(server);
  return ns;
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

/* Echoes every message on the bootstrap channel until its peer closes: a
 * call/reply server, each reply and the next read in one call
 * (viper_channel_reply_read: the CPU goes straight back to the caller). */
static int echo_on(viper_handle_t channel) {
  char request[64], reply[64];
  struct viper_message first = {.bytes = request, .byte_capacity = sizeof request};
  int64_t got = viper_channel_read(channel, &first, VIPER_DEADLINE_NEVER);
  while (got >= 0) {
    const size_t size = (size_t)got;
    __builtin_memcpy(reply, request, size);
    got = viper_channel_reply_read(channel, reply, size, request, sizeof request,
                                   VIPER_DEADLINE_NEVER);
  }
  return got == VIPER_ERR_PEER_CLOSED ? 0 : 3;
}

static int echo(void) {
  const viper_handle_t channel = viper_bootstrap_handle();
  return channel == 0 ? 2 : echo_on(channel);
}

static void* echo_thread(void* channel) {
  return (void*)(intptr_t)echo_on((viper_handle_t)(uintptr_t)channel);
}

/* channel_call_rtt_threads: the same call, answered by the same echo loop
 * in a thread of this process: the IPC path with no address-space switch
 * (and no TLB flush), beside channel_call_rtt, where it has two. */
double os_native_ipc_threads_rtt(long n) {
  viper_handle_t ends[2];
  if (viper_channel_create(ends) != 0) bench_die("channel_create", 0);
  pthread_t server;
  if (pthread_create(&server, 0, echo_thread, (void*)(uintptr_t)ends[1]) != 0)
    bench_die("pthread_create", 0);
  static int calls;
  const double ns = timed_calls(ends[0], n, "channel_call_rtt_threads", &calls);
  viper_handle_close(ends[0]);
  void* code = 0;
  if (pthread_join(server, &code) != 0 || code != 0) bench_die("echo thread", (long)(intptr_t)code);
  viper_handle_close(ends[1]);
  return ns;
}

/* The first disk the kernel gave init (its bootstrap: "console", then a
 * "block" per disk), or 0. The other messages' handles are kept: init's
 * console handle is the kernel's to give. */
static viper_handle_t first_disk(void) {
  const viper_handle_t bootstrap = viper_bootstrap_handle();
  viper_handle_t disk = 0;
  for (; bootstrap;) {
    char tag[16];
    viper_handle_t handles[1] = {0};
    struct viper_message m = {tag, 0, sizeof tag, handles, 0, 1};
    if (viper_channel_read(bootstrap, &m, 0) < 0) break;
    if (m.byte_count == 5 && memcmp(tag, "block", 5) == 0 && m.handle_count == 1 && !disk)
      disk = handles[0];
  }
  return disk;
}

/* As bin/init's `fs` line does: bin/fsd gets "block" and the disk on its
 * bootstrap, its first answer (a STAT of the root) says it mounted, and
 * that channel becomes the root connection: "/" is the disk. */
const char* os_storage_root(void) {
  const viper_handle_t disk = first_disk();
  viper_handle_t pair[2];
  if (!disk || viper_channel_create(pair) != 0) return 0;
  if (viper_channel_write(pair[0], "block", 5, &disk, 1) != 0) bench_die("pass the disk", 0);
  const char* const argv[] = {"bin/fsd"};
  const struct viper_spawn_args args = {
      .path = argv[0], .argv = argv, .argc = 1, .envp = 0, .envc = 0, .bootstrap = pair[1]};
  if (viper_process_spawn(&args) < 0) bench_die("spawn bin/fsd", 0);
  struct viper_fs_request request = {.op = VIPER_FS_STAT};
  unsigned char reply[sizeof(struct viper_fs_reply) + sizeof(struct viper_fs_stat)];
  const int64_t got = viper_channel_call(pair[0], &request, sizeof request, reply, sizeof reply,
                                         VIPER_DEADLINE_NEVER);
  struct viper_fs_reply header = {.status = -1};
  if (got >= (int64_t)sizeof header) memcpy(&header, reply, sizeof header);
  if (got < 0 || header.status != 0) {
    bench_out("INFO storage fsd did not mount (%lld)\n",
              (long long)(got < 0 ? got : header.status));
    return 0;
  }
  if (viper_fs_set_root(pair[0]) != 0) bench_die("fs_set_root", 0);
  return "";
}

int os_child_role(const char* role) {
  if (strcmp(role, "exit") == 0) return 0;
  if (strcmp(role, "echo") == 0) return echo();
  return -1;
}

void os_finish(int code) { (void)code; } /* init's end powers the machine off */
#endif
