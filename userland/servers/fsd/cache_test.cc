// The block cache under memory pressure and in caller-provided memory:
// a cache larger than memory allows must shrink to what it gets, never
// fail a write while buffers it already has could be reused (fsd's cache
// once outgrew the program's heap, and the third 16 MiB file of a boot
// failed with ENOMEM); and a cache in fsd's mapped memory serves from it.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

#include "userland/servers/fsd/test_image.h"

// This binary links with -Wl,--wrap=malloc: while `g_fail_block_buffers`
// is set, allocations of exactly one block fail (the cache's buffers).
extern "C" void* __real_malloc(size_t size);
static std::atomic<bool> g_fail_block_buffers{false};
static constexpr size_t kBlock = 1024;
extern "C" void* __wrap_malloc(size_t size) {
  if (g_fail_block_buffers.load() && size == kBlock) return nullptr;
  return __real_malloc(size);
}

using namespace fsd_test;

namespace {

constexpr uint32_t kRoot = 2;

int Open(ext2_fs* fs, const std::string& path, uint32_t flags, uint32_t* ino) {
  int is_dir;
  return ext2_open(fs, kRoot, path.data(), path.size(), flags, 0644, ino, &is_dir);
}

// Writes then reads back `bytes` at `path`: 0, or the first error.
int64_t RoundTrip(ext2_fs* fs, const std::string& path, const std::string& bytes) {
  uint32_t ino;
  if (int r = Open(fs, path, O_CREAT | O_RDWR | O_TRUNC, &ino); r < 0) return r;
  uint64_t end;
  for (size_t done = 0; done < bytes.size();) {
    const size_t n = std::min<size_t>(VIPER_FS_IO_MAX, bytes.size() - done);
    const int64_t w = ext2_write(fs, ino, done, bytes.data() + done, n, 0, &end);
    if (w < 0) return ext2_close(fs, ino), w;
    done += (size_t)w;
  }
  std::string back(bytes.size(), '\0');
  for (size_t done = 0; done < bytes.size();) {
    const int64_t r = ext2_read(fs, ino, done, back.data() + done, bytes.size() - done);
    if (r <= 0) return ext2_close(fs, ino), r < 0 ? r : -EIO;
    done += (size_t)r;
  }
  ext2_close(fs, ino);
  return back == bytes ? 0 : -EIO;
}

TEST(Cache, BuffersItCannotGetMemoryForAreDoneWithoutAndTheOthersReused) {
  const std::string image = MakeImage("oom", kBlock, 8192, "");
  FileDevice device(image);
  ext2_mount_options options = {};
  options.cache_blocks = 4096;  // far more than it will get
  ext2_fs* fs = nullptr;
  char why[160];
  ASSERT_EQ(ext2_mount(device.dev(), &options, &fs, why, sizeof(why)), 0) << why;
  // A few files first, so the cache has some buffers; then no more memory.
  ASSERT_EQ(RoundTrip(fs, "warm", Pattern(64 * kBlock, 1)), 0);
  g_fail_block_buffers = true;
  const std::string big = Pattern(1024 * kBlock, 2);  // many times what it has
  EXPECT_EQ(RoundTrip(fs, "big", big), 0) << "a write failed though buffers could be reused";
  EXPECT_EQ(RoundTrip(fs, "again", Pattern(300 * kBlock, 3)), 0);
  g_fail_block_buffers = false;
  ASSERT_EQ(ext2_unmount(fs), 0);
  const fsd_test::Run fsck = Fsck(image);
  EXPECT_EQ(fsck.status, 0) << fsck.out;
  EXPECT_EQ(DebugfsCat(image, "/big"), big);
}

TEST(Cache, BuffersLiveInTheMemoryTheCallerGives) {
  const std::string image = MakeImage("arena", kBlock, 8192, "");
  FileDevice device(image);
  std::vector<uint8_t> memory(200 * kBlock + 100);  // room for 200 buffers
  ext2_mount_options options = {};
  options.cache_memory = memory.data();
  options.cache_memory_bytes = memory.size();
  ext2_fs* fs = nullptr;
  char why[160];
  ASSERT_EQ(ext2_mount(device.dev(), &options, &fs, why, sizeof(why)), 0) << why;
  g_fail_block_buffers = true;  // no buffer may come from malloc
  const std::string bytes = Pattern(700 * kBlock, 4);
  EXPECT_EQ(RoundTrip(fs, "file", bytes), 0);
  g_fail_block_buffers = false;
  ASSERT_EQ(ext2_unmount(fs), 0);
  EXPECT_EQ(DebugfsCat(image, "/file"), bytes);
}

TEST(Cache, TooLittleCallerMemoryIsRefusedAtMount) {
  const std::string image = MakeImage("tiny", kBlock, 1024, "");
  FileDevice device(image);
  std::vector<uint8_t> memory(8 * kBlock);  // fewer than an operation pins
  ext2_mount_options options = {};
  options.cache_memory = memory.data();
  options.cache_memory_bytes = memory.size();
  ext2_fs* fs = nullptr;
  char why[160];
  EXPECT_EQ(ext2_mount(device.dev(), &options, &fs, why, sizeof(why)), -EINVAL);
}

}  // namespace
