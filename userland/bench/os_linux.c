/* The Linux side of os.h: static glibc, run as /init of a Debian kernel. */
#ifdef __linux__
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "os.h"

const char* os_name(void) { return "linux"; }

int os_first_stage(void) { return getenv("BENCH_STAGE2") == 0; }

/* Under TCG even a pure user loop depends on its virtual addresses
 * (QEMU's soft-TLB sets): malloc_free_64 moved between 135 and 250 ns
 * from one random layout to the next. So /init runs itself again, still
 * PID 1, with user ASLR off, as ViperDOS (which has none) always runs. */
void os_restart(char** argv) {
  personality(ADDR_NO_RANDOMIZE);
  setenv("BENCH_STAGE2", "1", 1);
  execv(argv[0], argv);
  personality(0);
  bench_out("INFO user_aslr=on (re-exec failed)\n");
}

void os_counts_begin(void) {}
void os_counts_end(const char* figure, long n, int* calls) {
  (void)figure;
  (void)n;
  ++*calls;
}

void os_report(void) {
  struct utsname u;
  uname(&u);
  bench_out("INFO kernel=%s cpus_online=%ld page_size=%ld user_aslr=%s\n", u.release,
            sysconf(_SC_NPROCESSORS_ONLN), sysconf(_SC_PAGESIZE),
            (personality(0xffffffff) & ADDR_NO_RANDOMIZE) ? "off" : "on");
  /* KASLR brings KPTI on a Cortex-A72, which changes every syscall and
   * fault under TCG: the runner compares with nokaslr, and checks here. */
  static char log[1 << 17];
  const int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, sizeof log - 1);
  if (n < 0) return;
  log[n] = 0;
  bench_out("INFO kaslr=%s kpti=%s\n", strstr(log, "KASLR disabled") ? "off" : "on",
            strstr(log, "Kernel page table isolation (KPTI)") ? "on" : "off");
}

long os_null_syscall(void) { return syscall(SYS_getppid); }
const char* os_null_syscall_name(void) { return "getppid"; }

int os_pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) bench_die("sched_setaffinity", cpu);
  return 1;
}

void* os_map_fresh(size_t size) {
  void* p = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 0;
  /* Debian's THP is "always": 4 KiB faults only. */
  if (madvise(p, size, MADV_NOHUGEPAGE) != 0) bench_die("madvise", 0);
  return p;
}

void os_unmap(void* address, size_t size) { munmap(address, size); }

void* os_map_shared(size_t size) {
  void* p = mmap(0, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? 0 : p;
}

void os_unmap_shared(void* address, size_t size) { munmap(address, size); }

/* Debian builds virtio-mmio, virtio-blk and ext4 (which serves ext2) as
 * modules: guest_bench.py puts these into the initrd's /lib/modules, in an
 * order where each one's dependencies come first. */
static const char* const kModules[] = {
    "crc16.ko",     "mbcache.ko", "jbd2.ko",        "crc32c_generic.ko",
    "libcrc32c.ko", "ext4.ko",    "virtio_mmio.ko", "virtio_blk.ko",
};

const char* os_storage_root(void) {
  if (getpid() != 1) return 0; /* a host run: mount nothing */
  mkdir("/proc", 0755);
  mkdir("/mnt", 0755);
  if (mount("proc", "/proc", "proc", 0, 0) != 0 || mount("devtmpfs", "/dev", "devtmpfs", 0, 0) != 0)
    bench_die("mount proc, devtmpfs", errno);
  for (size_t i = 0; i < sizeof kModules / sizeof kModules[0]; i++) {
    char path[64];
    snprintf(path, sizeof path, "/lib/modules/%s", kModules[i]);
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0; /* an initrd without them: no storage figures */
    if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST) bench_die(path, errno);
    close(fd);
  }
  /* The device node appears when the driver has probed (devtmpfs). */
  struct stat st;
  for (int i = 0; i < 500 && stat("/dev/vda", &st) != 0; i++) {
    const struct timespec tick = {0, 10 * 1000 * 1000};
    nanosleep(&tick, 0);
  }
  if (mount("/dev/vda", "/mnt", "ext2", 0, "") != 0) {
    bench_out("INFO storage mount failed errno=%d\n", errno);
    return 0;
  }
  return "/mnt";
}

double os_native_ipc_rtt(long n) {
  (void)n;
  return -1; /* the pipe ping-pong is Linux's */
}

double os_native_ipc_threads_rtt(long n) {
  (void)n;
  return -1;
}

double os_native_spawn_wait(long n) {
  (void)n;
  return -1; /* fork_exit_wait is Linux's */
}

double os_native_spawn_call(long n) {
  (void)n;
  return -1;
}

int os_child_role(const char* role) {
  (void)role;
  return -1;
}

void os_finish(int code) {
  if (getpid() != 1) exit(code); /* not init: a host run, never power off */
  sync();
  reboot(RB_POWER_OFF);
  exit(code);
}
#endif
