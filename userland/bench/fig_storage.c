/* The storage figures (issue 15, "Benchmarks"): on an ext2 image both
 * systems boot from the same fresh copy under the same QEMU line
 * (guest_bench.py makes it: `bench/cold0`, `cold1` and `bench/warm`, 64 MiB of
 * pattern each, and an empty `bench/small`), under os_storage_root():
 *
 *   file_read_64m_cold    one sequential read of a file nobody read since
 *                         boot (a fresh file per repetition: no cache holds it)
 *   file_read_64m_warm    the same file read again after an untimed read
 *   file_write_64m_sync   create, write 64 MiB, fsync, close (to the disk)
 *   file_write_64m        the same without fsync (into the cache)
 *   files_create_stat_unlink   per file, 1 000 small files in one directory
 *
 * Reads and writes move 64 KiB per call. BENCH_DIV divides the bytes (the
 * files stay 64 MiB) and the file count: a smoke run. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "os.h"

/* Few repetitions: under QEMU one 64 MiB write takes ViperDOS ~50 s
 * (docs/performance.md), and a run boots each system three times. */
enum {
  kChunk = 64 << 10,
  kColdFiles = 2, /* the image holds bench/cold0 and cold1 */
  kReadReps = 2,
  kWriteReps = 1,
  kSmallFiles = 1000,
};
#define FILE_BYTES (64ul << 20)

static const char* g_root;
static unsigned char* g_buffer;
static size_t g_bytes = FILE_BYTES;

static void path_of(char* out, size_t size, const char* name) {
  snprintf(out, size, "%s/bench/%s", g_root, name);
}

/* Reads the first g_bytes of `name`: nanoseconds. */
static double read_file(const char* name) {
  char path[128];
  path_of(path, sizeof path, name);
  const uint64_t t0 = bench_now_ns();
  const int fd = open(path, O_RDONLY);
  if (fd < 0) bench_die("open for read", errno);
  for (size_t done = 0; done < g_bytes;) {
    const ssize_t n = read(fd, g_buffer, kChunk);
    if (n <= 0) bench_die("read", (long)n);
    done += (size_t)n;
  }
  close(fd);
  return (double)(bench_now_ns() - t0);
}

/* Writes g_bytes into a new `name`, with fsync if `sync`: nanoseconds.
 * The file is removed untimed (after an untimed fsync when not `sync`, so
 * no dirty data is left for the next repetition). */
static double write_file(const char* name, int sync) {
  char path[128];
  path_of(path, sizeof path, name);
  const uint64_t t0 = bench_now_ns();
  const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) bench_die("open for write", errno);
  for (size_t done = 0; done < g_bytes;) {
    const ssize_t n = write(fd, g_buffer, kChunk);
    if (n <= 0) bench_die("write", (long)n);
    done += (size_t)n;
  }
  if (sync && fsync(fd) != 0) bench_die("fsync", errno);
  const uint64_t t1 = bench_now_ns();
  if (!sync && fsync(fd) != 0) bench_die("fsync", errno);
  close(fd);
  if (unlink(path) != 0) bench_die("unlink", errno);
  return (double)(t1 - t0);
}

/* Per file: open(O_CREAT | O_EXCL), close, stat, unlink. The first timed
 * repetition also says where its time went, phase by phase (INFO). */
static double fig_files_create_stat_unlink(long n) {
  static int calls;
  char path[128];
  struct stat st;
  uint64_t phase[4] = {0, 0, 0, 0};
  os_counts_begin();
  const uint64_t t0 = bench_now_ns();
  for (long i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%s/bench/small/f%ld", g_root, i);
    uint64_t t = bench_now_ns();
    const int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) bench_die("create", errno);
    uint64_t u = bench_now_ns();
    phase[0] += u - t;
    close(fd);
    t = bench_now_ns();
    phase[1] += t - u;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) bench_die("stat", errno);
    u = bench_now_ns();
    phase[2] += u - t;
    if (unlink(path) != 0) bench_die("unlink", errno);
    phase[3] += bench_now_ns() - u;
  }
  const double per = (double)(bench_now_ns() - t0) / (double)n;
  int counted = calls;
  os_counts_end("files_create_stat_unlink", n, &counted);
  if (calls++ == 1)
    bench_out(
        "INFO files_create_stat_unlink ns_per_file create=%.0f close=%.0f stat=%.0f "
        "unlink=%.0f\n",
        (double)phase[0] / (double)n, (double)phase[1] / (double)n, (double)phase[2] / (double)n,
        (double)phase[3] / (double)n);
  return per;
}

static int compare_doubles(const void* a, const void* b);

/* Where a warm read's time goes, for docs/performance.md (an INFO line,
 * not a figure): one memcpy of a chunk in user space (a ViperDOS read
 * makes two: fsd's from its cache into the shared buffer, libc's from it
 * into the caller's; Linux one, in the kernel), and a cached 1-byte pread
 * (the fixed cost of a request). Medians of a few, in one boot. */
static void explain_warm_read(void) {
  char path[128];
  path_of(path, sizeof path, "warm");
  unsigned char* from = malloc(kChunk);
  if (!from) bench_die("malloc", kChunk);
  memset(from, 0x33, kChunk);
  enum { kTries = 64 };
  double copy[kTries], request[kTries];
  for (int i = 0; i < kTries; i++) {
    const uint64_t t0 = bench_now_ns();
    memcpy(g_buffer, from, kChunk);
    copy[i] = (double)(bench_now_ns() - t0);
  }
  const int fd = open(path, O_RDONLY);
  if (fd < 0) bench_die("open for read", errno);
  double small[kTries], large[kTries];
  for (int i = 0; i < kTries; i++) {
    uint64_t t0 = bench_now_ns();
    if (pread(fd, g_buffer, 1, 4096) != 1) bench_die("pread", errno);
    request[i] = (double)(bench_now_ns() - t0);
    t0 = bench_now_ns();
    if (pread(fd, g_buffer, 4096, 4096) != 4096) bench_die("pread", errno);
    small[i] = (double)(bench_now_ns() - t0);
    t0 = bench_now_ns();
    if (pread(fd, g_buffer, kChunk, 4096) <= 0) bench_die("pread", errno);
    large[i] = (double)(bench_now_ns() - t0);
  }
  /* A MiB per pread, each at a new place: one whole fetch of the shared
   * buffer each (ViperDOS), or the page cache's (Linux). */
  enum { kMiB = 1 << 20, kMibTries = 16 };
  unsigned char* mib = malloc(kMiB);
  if (!mib) bench_die("malloc", kMiB);
  memset(mib, 0, kMiB);
  double whole[kMibTries];
  for (int i = 0; i < kMibTries; i++) {
    const off_t at = (off_t)(((size_t)i * kMiB + 4096) % (g_bytes > 2 * kMiB ? g_bytes - kMiB : 1));
    const uint64_t t0 = bench_now_ns();
    if (pread(fd, mib, kMiB, at) <= 0) bench_die("pread", errno);
    whole[i] = (double)(bench_now_ns() - t0);
  }
  free(mib);
  qsort(whole, kMibTries, sizeof whole[0], compare_doubles);
  bench_out("INFO file_read_64m_warm pread_1m_ns median=%.0f min=%.0f\n", whole[kMibTries / 2],
            whole[0]);
  /* Each 64 KiB read of one pass on its own: the median says what a read
   * costs, the sum against it how much a slow few (a descheduled vCPU)
   * add. */
  const size_t most = g_bytes / (kChunk / 2); /* a read may be short */
  double* each = malloc(most * sizeof(double));
  if (!each) bench_die("malloc", (long)most);
  double sum = 0;
  size_t reads = 0;
  for (size_t done = 0; done < g_bytes && reads < most; reads++) {
    const uint64_t t0 = bench_now_ns();
    const ssize_t n = read(fd, g_buffer, kChunk);
    each[reads] = (double)(bench_now_ns() - t0);
    if (n <= 0) bench_die("read", (long)n);
    done += (size_t)n;
    sum += each[reads];
  }
  close(fd);
  qsort(copy, kTries, sizeof copy[0], compare_doubles);
  qsort(request, kTries, sizeof request[0], compare_doubles);
  qsort(small, kTries, sizeof small[0], compare_doubles);
  qsort(large, kTries, sizeof large[0], compare_doubles);
  qsort(each, reads, sizeof each[0], compare_doubles);
  bench_out(
      "INFO file_read_64m_warm memcpy_64k_ns=%.0f pread_cached_ns 1=%.0f 4k=%.0f 64k=%.0f "
      "read_64k_ns median=%.0f p90=%.0f max=%.0f reads=%zu sum_ms=%.1f\n",
      copy[kTries / 2], request[kTries / 2], small[kTries / 2], large[kTries / 2], each[reads / 2],
      each[reads * 9 / 10], each[reads - 1], reads, sum / 1e6);
  free(each);
  free(from);
}

static int compare_doubles(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

/* A BENCH line for `reps` values already taken (a figure that cannot
 * repeat itself, as a cold read). */
static void print(const char* name, double* v, int reps) {
  qsort(v, (size_t)reps, sizeof v[0], compare_doubles);
  bench_out("BENCH name=%s iters=1 ns_per_op=%.1f reps=%d min=%.1f max=%.1f\n", name, v[reps / 2],
            reps, v[0], v[reps - 1]);
}

void bench_storage(long div, int (*wanted)(const char* name)) {
  g_root = os_storage_root();
  if (!g_root) {
    bench_out("INFO storage=none (no disk, or it did not mount)\n");
    return;
  }
  g_bytes = FILE_BYTES / (size_t)div;
  if (g_bytes < kChunk) g_bytes = kChunk;
  if (!(g_buffer = malloc(kChunk))) bench_die("malloc", kChunk);
  memset(g_buffer, 0x5a, kChunk);
  bench_out("INFO storage=%s file_bytes=%lu chunk=%d\n", g_root[0] ? g_root : "/",
            (unsigned long)g_bytes, kChunk);
  double v[kReadReps > kColdFiles ? kReadReps : kColdFiles];
  if (wanted("file_read_64m_cold")) {
    for (int r = 0; r < kColdFiles; r++) {
      char name[16];
      snprintf(name, sizeof name, "cold%d", r);
      v[r] = read_file(name);
    }
    print("file_read_64m_cold", v, kColdFiles);
  }
  if (wanted("file_read_64m_warm")) {
    read_file("warm");
    explain_warm_read();
    /* The second timed read's counts, per 64 KiB read call (an INFO line). */
    static int calls;
    for (int r = 0; r < kReadReps; r++) {
      os_counts_begin();
      v[r] = read_file("warm");
      os_counts_end("file_read_64m_warm", (long)(g_bytes / kChunk), &calls);
    }
    print("file_read_64m_warm", v, kReadReps);
  }
  if (wanted("file_write_64m_sync")) {
    for (int r = 0; r < kWriteReps; r++) v[r] = write_file("out", 1);
    print("file_write_64m_sync", v, kWriteReps);
  }
  if (wanted("file_write_64m")) {
    for (int r = 0; r < kWriteReps; r++) v[r] = write_file("out", 0);
    print("file_write_64m", v, kWriteReps);
  }
  bench_run("files_create_stat_unlink", fig_files_create_stat_unlink, kSmallFiles);
  free(g_buffer);
}
