/* What one read() of a file on the disk costs, counted with the kernel's
 * own counters (//kernel:disk_read_cost_test; docs/fs.md quotes it): the
 * context switches of every CPU (viper_cpu_info), the IPC fast path's
 * direct deliveries (viper_system_info) and the CPU time of fsd and of
 * this process (viper_process_list), over READS reads, cached (the same
 * 4 KiB again and again) and cold (a file nobody has read since boot, in
 * 4 KiB steps). Not a benchmark: the time is there to divide, not to be
 * compared with anything. Every read must return the right bytes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/testing/utest.h"

#define READS 2000
#define CHUNK 4096
#define COLD_BYTES (4u << 20)

struct counts {
  uint64_t switches, fast_path, fsd_ns, self_ns, wall_ns;
};

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static struct counts sample(void) {
  struct counts c = {0};
  struct viper_cpu_info cpu;
  for (uint32_t i = 0; viper_cpu_info(i, &cpu) == 0; ++i) c.switches += cpu.context_switches;
  struct viper_system_info sys;
  if (viper_system_info(&sys) == 0) c.fast_path = sys.ipc_fast_path_deliveries;
  static struct viper_process_entry entries[64];
  const int64_t n = viper_process_list(entries, 64);
  const uint64_t self = (uint64_t)viper_process_id();
  for (int64_t i = 0; i < n; ++i) {
    if (strstr(entries[i].name, "fsd")) c.fsd_ns += entries[i].cpu_ns;
    if (entries[i].id == self) c.self_ns = entries[i].cpu_ns;
  }
  c.wall_ns = now_ns();
  return c;
}

static void report(const char* what, struct counts a, struct counts b, int reads) {
  /* Hundredths, without floating point in the format. */
  const uint64_t s = (b.switches - a.switches) * 100 / (uint64_t)reads;
  const uint64_t f = (b.fast_path - a.fast_path) * 100 / (uint64_t)reads;
  utest_log(
      "read cost (%s, %d reads of %d bytes): %llu.%02llu context switches, "
      "%llu.%02llu fast-path deliveries, fsd %llu ns and client %llu ns of CPU, "
      "%llu ns elapsed per read",
      what, reads, CHUNK, (unsigned long long)(s / 100), (unsigned long long)(s % 100),
      (unsigned long long)(f / 100), (unsigned long long)(f % 100),
      (unsigned long long)((b.fsd_ns - a.fsd_ns) / (uint64_t)reads),
      (unsigned long long)((b.self_ns - a.self_ns) / (uint64_t)reads),
      (unsigned long long)((b.wall_ns - a.wall_ns) / (uint64_t)reads));
}

static unsigned char expected(uint64_t i) { return (unsigned char)(i * 13 + i / 4096); }

UTEST(cost, a_cached_read) {
  const int fd = open("/read-cost", O_RDWR | O_CREAT | O_TRUNC, 0644);
  UASSERT(fd >= 0);
  static unsigned char buffer[CHUNK], got[CHUNK];
  for (int i = 0; i < CHUNK; ++i) buffer[i] = expected((uint64_t)i);
  UASSERT(pwrite(fd, buffer, CHUNK, 0) == CHUNK);
  UASSERT(pread(fd, got, CHUNK, 0) == CHUNK); /* now in fsd's cache */
  const struct counts before = sample();
  int wrong = 0;
  for (int i = 0; i < READS; ++i) {
    wrong += pread(fd, got, CHUNK, 0) != CHUNK || memcmp(got, buffer, CHUNK) != 0;
  }
  const struct counts after = sample();
  UEXPECT_EQ(wrong, 0);
  report("cached", before, after, READS);
  close(fd);
  unlink("/read-cost");
}

/* The same, for 1 byte, 4 KiB and 32 KiB (VIPER_FS_IO_MAX): what grows
 * with the size and what does not. */
UTEST(cost, cached_reads_by_size) {
  const int fd = open("/cold", O_RDONLY);
  UASSERT(fd >= 0);
  static unsigned char got[32768];
  const size_t sizes[] = {1, 4096, 32768};
  UASSERT(pread(fd, got, sizeof(got), 0) == (ssize_t)sizeof(got)); /* cached from here on */
  for (int s = 0; s < 3; ++s) {
    const struct counts before = sample();
    int wrong = 0;
    for (int i = 0; i < 200; ++i) wrong += pread(fd, got, sizes[s], 0) != (ssize_t)sizes[s];
    const struct counts after = sample();
    UEXPECT_EQ(wrong, 0);
    utest_log(
        "read cost by size (%zu bytes, 200 reads): %llu context switches, fsd %llu ns and "
        "client %llu ns of CPU, %llu ns elapsed per read",
        sizes[s], (unsigned long long)((after.switches - before.switches) / 200),
        (unsigned long long)((after.fsd_ns - before.fsd_ns) / 200),
        (unsigned long long)((after.self_ns - before.self_ns) / 200),
        (unsigned long long)((after.wall_ns - before.wall_ns) / 200));
  }
  close(fd);
}

UTEST(cost, a_cold_read) {
  /* A file fsd has not read since boot (one written here would be in its
   * cache): made on the host (userland/tests:read_cost_disk). */
  const int fd = open("/cold", O_RDONLY);
  UASSERT(fd >= 0);
  static unsigned char got[CHUNK], want[CHUNK];
  const struct counts before = sample();
  int wrong = 0, reads = 0;
  for (uint64_t at = 0; at < COLD_BYTES; at += CHUNK, ++reads) {
    for (int i = 0; i < CHUNK; ++i) want[i] = expected(at + (uint64_t)i);
    wrong += read(fd, got, CHUNK) != CHUNK || memcmp(got, want, CHUNK) != 0;
  }
  const struct counts after = sample();
  UEXPECT_EQ(wrong, 0);
  report("cold", before, after, reads);
  close(fd);
}

UTEST(cost, a_read_of_a_bad_descriptor_fails) {
  char byte;
  UEXPECT(read(-1, &byte, 1) == -1 && errno == EBADF);
  UEXPECT(read(1000, &byte, 1) == -1 && errno == EBADF);
  UEXPECT(pread(0, &byte, 1, -1) == -1);
}

UTEST(cost, fsd_idles_without_requests) {
  const struct counts before = sample();
  usleep(500 * 1000);
  const struct counts after = sample();
  utest_log("fsd idle: %llu ns of CPU and %llu context switches in %llu ns without a request",
            (unsigned long long)(after.fsd_ns - before.fsd_ns),
            (unsigned long long)(after.switches - before.switches),
            (unsigned long long)(after.wall_ns - before.wall_ns));
}
