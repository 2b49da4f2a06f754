/* The shared buffer of a file connection (VIPER_FS_SHARE, READ_SHARED,
 * WRITE_SHARED) against the real fsd, as init (//kernel:fsd_share_test):
 * the handles SHARE refuses, with real handles, and libc's reads and
 * writes through the buffer (the bytes, fork, another connection's
 * writes). The disk is //userland/tests:read_cost_disk: /cold, 4 MiB,
 * byte i is i * 13 + i / 4096. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <viperdos/fs_protocol.h>
#include <viperdos/viper.h>

#include "userland/testing/utest.h"

#define COLD_BYTES (4u << 20)
#define CHUNK (64u << 10)

static unsigned char expected(uint64_t i) { return (unsigned char)(i * 13 + i / 4096); }

static int pattern_at(const unsigned char* bytes, size_t n, uint64_t at) {
  for (size_t i = 0; i < n; ++i)
    if (bytes[i] != expected(at + i)) return 0;
  return 1;
}

/* The first disk the kernel gave init ("console", then "block" per disk). */
static viper_handle_t first_disk(void) {
  const viper_handle_t bootstrap = viper_bootstrap_handle();
  for (;;) {
    char tag[16];
    viper_handle_t handles[1] = {0};
    struct viper_message m = {tag, 0, sizeof tag, handles, 0, 1};
    if (viper_channel_read(bootstrap, &m, 0) < 0) return 0;
    if (m.byte_count == 5 && memcmp(tag, "block", 5) == 0 && m.handle_count == 1) return handles[0];
  }
}

/* A raw request with `handles`, its reply header: status (or a channel
 * error below -1000). */
static int32_t raw(viper_handle_t channel, uint32_t op, uint32_t flags, uint64_t offset,
                   uint64_t count, const char* path, viper_handle_t* handles, size_t n,
                   viper_handle_t* conn_out, struct viper_fs_reply* header) {
  unsigned char request[sizeof(struct viper_fs_request) + 64];
  const size_t path_bytes = path ? strlen(path) : 0;
  struct viper_fs_request h = {op, flags, offset, count, 0, (uint32_t)path_bytes};
  memcpy(request, &h, sizeof h);
  if (path_bytes) memcpy(request + sizeof h, path, path_bytes);
  if (viper_channel_write(channel, request, sizeof h + path_bytes, handles, n) < 0) return -1001;
  static unsigned char reply[sizeof(struct viper_fs_reply) + VIPER_FS_IO_MAX];
  viper_handle_t got[1] = {0};
  struct viper_message m = {reply, 0, sizeof reply, got, 0, 1};
  if (viper_channel_read(channel, &m, VIPER_DEADLINE_NEVER) < 0) return -1002;
  struct viper_fs_reply r;
  memcpy(&r, reply, sizeof r);
  if (header) *header = r;
  if (conn_out) *conn_out = m.handle_count ? got[0] : 0;
  return r.status;
}

static viper_handle_t g_root; /* a raw connection to the root (a CLONE of libc's) */

/* fsd on the disk, as init's `fs` line starts it; "/" is the disk. */
static void start_fsd(void) {
  if (g_root) return;
  const viper_handle_t disk = first_disk();
  viper_handle_t pair[2];
  if (!disk || viper_channel_create(pair) != 0) return;
  if (viper_channel_write(pair[0], "block", 5, &disk, 1) != 0) return;
  const char* const argv[] = {"bin/fsd"};
  const struct viper_spawn_args args = {
      .path = argv[0], .argv = argv, .argc = 1, .envp = 0, .envc = 0, .bootstrap = pair[1]};
  if (viper_process_spawn(&args) < 0) return;
  viper_handle_t clone = 0;
  if (raw(pair[0], VIPER_FS_CLONE, 0, 0, 0, 0, 0, 0, &clone, 0) != 0 || !clone) return;
  if (viper_fs_set_root(pair[0]) != 0) return;
  g_root = clone;
}

static viper_handle_t open_raw(const char* path, uint32_t flags) {
  viper_handle_t file = 0;
  return raw(g_root, VIPER_FS_OPEN, flags, 0, 0, path, 0, 0, &file, 0) == 0 ? file : 0;
}

static int32_t share(viper_handle_t file, viper_handle_t handle) {
  return raw(file, VIPER_FS_SHARE, 0, 0, 0, 0, &handle, handle ? 1 : 0, 0, 0);
}

UTEST(share, refuses_what_is_not_a_buffer_it_can_use) {
  start_fsd();
  UASSERT(g_root != 0);
  const viper_handle_t file = open_raw("cold", O_RDWR);
  UASSERT(file != 0);
  UEXPECT_EQ(share(file, 0), -EINVAL); /* no handle */
  viper_handle_t pair[2];
  UASSERT(viper_channel_create(pair) == 0);
  UEXPECT_EQ(share(file, pair[0]), -EINVAL); /* a channel, not a VMO */
  const int64_t vmo = viper_vmo_create(CHUNK);
  UASSERT(vmo > 0);
  const int64_t read_only =
      viper_handle_duplicate((viper_handle_t)vmo, VIPER_RIGHT_READ | VIPER_RIGHT_TRANSFER);
  UASSERT(read_only > 0);
  UEXPECT_EQ(share(file, (viper_handle_t)read_only), -EACCES); /* fsd must write into it */
  const int64_t large = viper_vmo_create(VIPER_FS_SHARED_MAX * 2);
  UASSERT(large > 0);
  UEXPECT_EQ(share(file, (viper_handle_t)large), -EINVAL); /* too large */
  UEXPECT_EQ(raw(file, VIPER_FS_READ_SHARED, 0, 0, 1, 0, 0, 0, 0, 0), -ENOBUFS);

  const int64_t mapped = viper_vmo_map((viper_handle_t)vmo, 0, VIPER_PROT_READ);
  UASSERT(mapped > 0);
  const int64_t copy = viper_handle_duplicate((viper_handle_t)vmo, VIPER_RIGHTS_ALL);
  UASSERT(copy > 0);
  UEXPECT_EQ(share(file, (viper_handle_t)copy), 0);
  UEXPECT_EQ(share(file, (viper_handle_t)vmo), -EBUSY); /* a second buffer */
  UEXPECT_EQ(raw(file, VIPER_FS_READ_SHARED, 0, 0, CHUNK + 1, 0, 0, 0, 0, 0), -EINVAL);
  struct viper_fs_reply header;
  UEXPECT_EQ(raw(file, VIPER_FS_READ_SHARED, 0, 4000, CHUNK, 0, 0, 0, 0, &header), 0);
  UEXPECT_EQ(header.value, (uint64_t)CHUNK);
  UEXPECT(pattern_at((const unsigned char*)(uintptr_t)mapped, CHUNK, 4000));
  UEXPECT_EQ(raw(file, VIPER_FS_READ_SHARED, 0, COLD_BYTES - 10, CHUNK, 0, 0, 0, 0, &header), 0);
  UEXPECT_EQ(header.value, 10u); /* short at the end */
  /* A clone of the connection does not inherit the buffer. */
  viper_handle_t clone = 0;
  UEXPECT_EQ(raw(file, VIPER_FS_CLONE, 0, 0, 0, 0, 0, 0, &clone, 0), 0);
  UEXPECT_EQ(raw(clone, VIPER_FS_READ_SHARED, 0, 0, 1, 0, 0, 0, 0, 0), -ENOBUFS);
  viper_handle_close(clone);
  viper_vm_unmap((uint64_t)mapped, CHUNK);
  viper_handle_close(file); /* fsd unmaps it and closes its handle */
  viper_handle_close(pair[0]);
  viper_handle_close(pair[1]);
}

/* libc's reads of more than half a message go through the buffer once the
 * file has shown it is large: every byte right, one request per read. */
UTEST(share, libc_reads_a_large_file_through_it) {
  start_fsd();
  UASSERT(g_root != 0);
  const int fd = open("/cold", O_RDONLY);
  UASSERT(fd >= 0);
  unsigned char* buffer = malloc(CHUNK);
  UASSERT(buffer != 0);
  int wrong = 0;
  uint64_t at = 0;
  struct viper_system_info before, after;
  viper_system_info(&before);
  while (at < COLD_BYTES) {
    const ssize_t n = read(fd, buffer, CHUNK);
    if (n <= 0) break;
    wrong += !pattern_at(buffer, (size_t)n, at);
    at += (uint64_t)n;
  }
  viper_system_info(&after);
  UEXPECT_EQ(wrong, 0);
  UEXPECT_EQ(at, (uint64_t)COLD_BYTES);
  UEXPECT_EQ(read(fd, buffer, CHUNK), 0);
  utest_log("4 MiB in 64 KiB reads: %llu fast-path deliveries",
            (unsigned long long)(after.ipc_fast_path_deliveries - before.ipc_fast_path_deliveries));
  /* pread through it too, at an odd offset. */
  UEXPECT_EQ(pread(fd, buffer, CHUNK, 12345), (ssize_t)CHUNK);
  UEXPECT(pattern_at(buffer, CHUNK, 12345));
  close(fd);
  free(buffer);
}

/* Writes of more than a message go through it; another connection reads
 * them at once, and a read after another connection's write sees it. */
UTEST(share, writes_and_reads_through_it_stay_coherent) {
  start_fsd();
  UASSERT(g_root != 0);
  const int writer = open("/shared-out", O_RDWR | O_CREAT | O_TRUNC, 0644);
  const int reader = open("/shared-out", O_RDONLY);
  UASSERT(writer >= 0 && reader >= 0);
  const size_t size = 3 * CHUNK + 100;
  unsigned char* data = malloc(size);
  unsigned char* got = malloc(size);
  UASSERT(data && got);
  for (size_t i = 0; i < size; ++i) data[i] = expected(i + 7);
  UEXPECT_EQ(write(writer, data, size), (ssize_t)size);
  UEXPECT_EQ(pread(reader, got, VIPER_FS_IO_MAX, 0), (ssize_t)VIPER_FS_IO_MAX); /* streaming */
  UEXPECT_EQ(pread(reader, got, size, 0), (ssize_t)size);
  UEXPECT(memcmp(got, data, size) == 0);
  memset(data + CHUNK, 0x5a, CHUNK);
  UEXPECT_EQ(pwrite(writer, data + CHUNK, CHUNK, CHUNK), (ssize_t)CHUNK);
  UEXPECT_EQ(pread(reader, got, size, 0), (ssize_t)size);
  UEXPECT(memcmp(got, data, size) == 0); /* the second read sees the write */
  /* O_APPEND through the buffer ends where fsd says. */
  const int appender = open("/shared-out", O_WRONLY | O_APPEND);
  UASSERT(appender >= 0);
  UEXPECT_EQ(write(appender, data, 2 * CHUNK), (ssize_t)(2 * CHUNK));
  UEXPECT_EQ(lseek(appender, 0, SEEK_CUR), (off_t)(size + 2 * CHUNK));
  close(appender);
  close(writer);
  close(reader);
  UEXPECT_EQ(unlink("/shared-out"), 0);
  free(data);
  free(got);
}

/* After fork the child's descriptor is a clone without the buffer: its
 * reads share a buffer of their own, and neither side sees the other's. */
UTEST(share, a_forked_child_reads_through_a_buffer_of_its_own) {
  start_fsd();
  UASSERT(g_root != 0);
  const int fd = open("/cold", O_RDONLY);
  UASSERT(fd >= 0);
  static unsigned char buffer[CHUNK];
  UEXPECT_EQ(pread(fd, buffer, VIPER_FS_IO_MAX, 0), (ssize_t)VIPER_FS_IO_MAX);
  UEXPECT_EQ(pread(fd, buffer, CHUNK, CHUNK), (ssize_t)CHUNK); /* the parent's buffer */
  const pid_t child = fork();
  UASSERT(child >= 0);
  if (child == 0) {
    int wrong = 0;
    for (uint64_t at = 0; at < COLD_BYTES / 2; at += CHUNK)
      wrong +=
          pread(fd, buffer, CHUNK, (off_t)at) != (ssize_t)CHUNK || !pattern_at(buffer, CHUNK, at);
    _exit(wrong ? 1 : 0);
  }
  int wrong = 0;
  for (uint64_t at = COLD_BYTES / 2; at < COLD_BYTES; at += CHUNK)
    wrong +=
        pread(fd, buffer, CHUNK, (off_t)at) != (ssize_t)CHUNK || !pattern_at(buffer, CHUNK, at);
  int status = -1;
  UEXPECT_EQ(waitpid(child, &status, 0), child);
  UEXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  UEXPECT_EQ(wrong, 0);
  close(fd);
}

/* Read-ahead: a sequential reader's next reads come from its buffer with
 * no request, and a write through another connection (this process's or
 * another's) that returned before a read is seen by that read: the write
 * generation, not luck (without its check these reads return the bytes
 * fetched before the write). */
static uint64_t requests_so_far(void) {
  struct viper_system_info info;
  viper_system_info(&info);
  return info.ipc_fast_path_deliveries; /* one per channel call's reply */
}

UTEST(share, read_ahead_sees_every_write_that_returned_before_the_read) {
  start_fsd();
  UASSERT(g_root != 0);
  const int writer = open("/ahead", O_RDWR | O_CREAT | O_TRUNC, 0644);
  UASSERT(writer >= 0);
  static unsigned char got[CHUNK], mark[CHUNK];
  for (uint64_t at = 0; at < 2 * VIPER_FS_SHARED_MAX; at += CHUNK) {
    for (size_t i = 0; i < CHUNK; ++i) mark[i] = expected(at + i);
    UASSERT(write(writer, mark, CHUNK) == (ssize_t)CHUNK);
  }
  const int reader = open("/ahead", O_RDONLY);
  UASSERT(reader >= 0);
  UEXPECT_EQ(read(reader, got, VIPER_FS_IO_MAX), (ssize_t)VIPER_FS_IO_MAX); /* a message */
  UEXPECT_EQ(read(reader, got, CHUNK), (ssize_t)CHUNK);                     /* the buffer */
  UEXPECT_EQ(read(reader, got, CHUNK), (ssize_t)CHUNK); /* sequential: 1 MiB ahead */
  uint64_t before = requests_so_far();
  UEXPECT_EQ(read(reader, got, CHUNK), (ssize_t)CHUNK);
  UEXPECT_EQ(requests_so_far(), before); /* served from the read-ahead */
  UEXPECT(pattern_at(got, CHUNK, VIPER_FS_IO_MAX + 2 * CHUNK));

  /* Another connection overwrites the next chunk, then the reader reads it. */
  const off_t next = VIPER_FS_IO_MAX + 3 * CHUNK;
  memset(mark, 0xa5, sizeof mark);
  UEXPECT_EQ(pwrite(writer, mark, CHUNK, next), (ssize_t)CHUNK);
  UEXPECT_EQ(read(reader, got, CHUNK), (ssize_t)CHUNK);
  UEXPECT(memcmp(got, mark, CHUNK) == 0);

  /* Another process's write, after it ended. */
  const pid_t child = fork();
  UASSERT(child >= 0);
  if (child == 0) {
    memset(mark, 0x3c, sizeof mark);
    _exit(pwrite(writer, mark, CHUNK, next + CHUNK) == (ssize_t)CHUNK ? 0 : 1);
  }
  int status = -1;
  UEXPECT_EQ(waitpid(child, &status, 0), child);
  UEXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  UEXPECT_EQ(read(reader, got, CHUNK), (ssize_t)CHUNK);
  memset(mark, 0x3c, sizeof mark);
  UEXPECT(memcmp(got, mark, CHUNK) == 0);

  /* A truncation is a write too: the reader sees the new end. */
  UEXPECT_EQ(ftruncate(writer, next + 2 * CHUNK + 100), 0);
  UEXPECT_EQ(read(reader, got, CHUNK), 100);
  UEXPECT_EQ(read(reader, got, CHUNK), 0);
  close(reader);
  close(writer);
  UEXPECT_EQ(unlink("/ahead"), 0);
}

/* Where a cached read's time goes (logged, never asserted: docs/fs.md):
 * fsd's and this process's CPU per pread of 1 byte (messages), 4 KiB
 * (messages) and 64 KiB (the shared buffer), and one 64 KiB memcpy here. */
static void cpu_now(uint64_t* fsd, uint64_t* self) {
  static struct viper_process_entry entries[64];
  const int64_t n = viper_process_list(entries, 64);
  const uint64_t me = (uint64_t)viper_process_id();
  *fsd = *self = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (strstr(entries[i].name, "fsd")) *fsd += entries[i].cpu_ns;
    if (entries[i].id == me) *self = entries[i].cpu_ns;
  }
}

UTEST(share, cost_of_a_cached_read_by_size) {
  start_fsd();
  UASSERT(g_root != 0);
  const int fd = open("/cold", O_RDONLY);
  UASSERT(fd >= 0);
  static unsigned char buffer[CHUNK], from[CHUNK];
  UEXPECT_EQ(pread(fd, buffer, VIPER_FS_IO_MAX, 0), (ssize_t)VIPER_FS_IO_MAX); /* streaming */
  UEXPECT_EQ(pread(fd, buffer, CHUNK, 0), (ssize_t)CHUNK); /* the buffer, and cached */
  const size_t sizes[] = {1, 4096, CHUNK};
  for (int s = 0; s < 3; ++s) {
    uint64_t fsd0, self0, fsd1, self1;
    cpu_now(&fsd0, &self0);
    int wrong = 0;
    for (int i = 0; i < 200; ++i) wrong += pread(fd, buffer, sizes[s], 0) != (ssize_t)sizes[s];
    cpu_now(&fsd1, &self1);
    UEXPECT_EQ(wrong, 0);
    utest_log("cached pread of %zu bytes: fsd %llu ns, client %llu ns of CPU per read", sizes[s],
              (unsigned long long)((fsd1 - fsd0) / 200),
              (unsigned long long)((self1 - self0) / 200));
  }
  uint64_t fsd0, self0, fsd1, self1;
  cpu_now(&fsd0, &self0);
  for (int i = 0; i < 200; ++i) {
    from[i] = (unsigned char)i;
    memcpy(buffer, from, CHUNK);
  }
  cpu_now(&fsd1, &self1);
  utest_log("memcpy of 64 KiB here: %llu ns of CPU", (unsigned long long)((self1 - self0) / 200));
  close(fd);
}
