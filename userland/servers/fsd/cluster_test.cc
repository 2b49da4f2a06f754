// Contiguous blocks move in one device request: a sequential read of a
// file the cache does not hold reads ahead a cluster (256 KiB) per request,
// not one block per request, and fsync writes each contiguous dirty run
// in one request; the bytes are the same either way, and e2fsck agrees.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <string>

#include "userland/servers/fsd/ext2_internal.h"
#include "userland/servers/fsd/test_image.h"

using namespace fsd_test;

namespace {

constexpr uint32_t kRoot = 2;
constexpr size_t kFile = 1 << 20;

// The file device, with its requests counted.
struct Counting {
  const fs_blockdev* real;
  fs_blockdev dev;
  int reads = 0, writes = 0;
  static int Read(void* c, uint64_t offset, void* buffer, size_t bytes) {
    auto* self = static_cast<Counting*>(c);
    self->reads++;
    return self->real->read(self->real->context, offset, buffer, bytes);
  }
  static int Write(void* c, uint64_t offset, const void* buffer, size_t bytes) {
    auto* self = static_cast<Counting*>(c);
    self->writes++;
    return self->real->write(self->real->context, offset, buffer, bytes);
  }
  static int Flush(void* c) {
    auto* self = static_cast<Counting*>(c);
    return self->real->flush(self->real->context);
  }
  explicit Counting(const fs_blockdev* r) : real(r), dev(*r) {
    dev.context = this;
    dev.read = Read;
    dev.write = Write;
    dev.flush = Flush;
  }
};

ext2_fs* MountCounting(Counting& c) {
  char why[256];
  ext2_fs* fs = nullptr;
  ext2_mount_options options{0, 2048, nullptr, nullptr, 0};
  EXPECT_EQ(ext2_mount(&c.dev, &options, &fs, why, sizeof(why)), 0) << why;
  return fs;
}

class Clusters : public ::testing::TestWithParam<uint32_t> {};

TEST_P(Clusters, AColdSequentialReadReadsAheadAClusterPerRequest) {
  const uint32_t block = GetParam();
  std::string tree = TempDir("cluster-read" + std::to_string(block));
  const std::string bytes = Pattern(kFile, 7);
  WriteFile(tree + "/file", bytes);
  std::string image = MakeImage("cluster-read" + std::to_string(block), block, 8 * 1024, tree);
  FileDevice file(image, true);
  Counting device(file.dev());
  ext2_fs* fs = MountCounting(device);
  ASSERT_NE(fs, nullptr);
  uint32_t ino;
  int is_dir;
  ASSERT_EQ(ext2_open(fs, kRoot, "file", 4, O_RDONLY, 0, &ino, &is_dir), 0);
  const int before = device.reads;
  std::string back(kFile, '\0');
  for (size_t done = 0; done < kFile;) {
    const int64_t n = ext2_read(fs, ino, done, back.data() + done, VIPER_FS_IO_MAX);
    ASSERT_GT(n, 0);
    done += (size_t)n;
  }
  EXPECT_TRUE(back == bytes);
  // 4 clusters of data, a few indirect blocks: not kFile / block requests.
  EXPECT_LE(device.reads - before, 4 + 8) << "one request per block was " << kFile / block;
  ext2_close(fs, ino);
  EXPECT_EQ(ext2_unmount(fs), 0);
}

// ext2_read_cached (fsd's poller): the bytes when every block is cached,
// -EAGAIN with no device request when one is not, or when the lock is
// held; atime and the rest as ext2_read.
TEST_P(Clusters, ACachedOnlyReadNeverWaitsForTheDeviceOrTheLock) {
  const uint32_t block = GetParam();
  std::string tree = TempDir("cached-read" + std::to_string(block));
  const std::string bytes = Pattern(kFile, 9);
  WriteFile(tree + "/file", bytes);
  std::string image = MakeImage("cached-read" + std::to_string(block), block, 8 * 1024, tree);
  FileDevice file(image, true);
  Counting device(file.dev());
  ext2_fs* fs = MountCounting(device);
  ASSERT_NE(fs, nullptr);
  uint32_t ino;
  int is_dir;
  ASSERT_EQ(ext2_open(fs, kRoot, "file", 4, O_RDONLY, 0, &ino, &is_dir), 0);
  std::string back(VIPER_FS_IO_MAX, '\0');
  int before = device.reads;
  EXPECT_EQ(ext2_read_cached(fs, ino, 0, back.data(), back.size()), -EAGAIN);
  EXPECT_EQ(device.reads, before) << "a miss is not a device request";
  ASSERT_EQ(ext2_read(fs, ino, 0, back.data(), back.size()), (int64_t)back.size());
  back.assign(back.size(), '\0');
  before = device.reads;
  EXPECT_EQ(ext2_read_cached(fs, ino, 0, back.data(), back.size()), (int64_t)back.size());
  EXPECT_EQ(back, bytes.substr(0, back.size()));
  EXPECT_EQ(device.reads, before);
  EXPECT_EQ(ext2_read_cached(fs, ino, kFile - 10, back.data(), back.size()), -EAGAIN)
      << "the end of the file is not cached";
  EXPECT_EQ(ext2_read_cached(fs, ino, kFile, back.data(), back.size()), 0) << "at the end";
  EXPECT_EQ(ext2_read_cached(fs, ino + 1000, 0, back.data(), 1), -EBADF) << "not open";
  fs_mutex_lock(&fs->lock);
  EXPECT_EQ(ext2_read_cached(fs, ino, 0, back.data(), back.size()), -EAGAIN) << "lock held";
  fs_mutex_unlock(&fs->lock);
  EXPECT_EQ(ext2_read(fs, ino, kFile - 10, back.data(), back.size()), 10)
      << "a plain read after a refused one still reads the device";
  ext2_close(fs, ino);
  EXPECT_EQ(ext2_unmount(fs), 0);
}

TEST_P(Clusters, FsyncWritesContiguousDirtyBlocksInOneRequest) {
  const uint32_t block = GetParam();
  std::string image = MakeImage("cluster-write" + std::to_string(block), block, 8 * 1024, "");
  {
    FileDevice file(image);
    Counting device(file.dev());
    ext2_fs* fs = MountCounting(device);
    ASSERT_NE(fs, nullptr);
    uint32_t ino;
    int is_dir;
    ASSERT_EQ(ext2_open(fs, kRoot, "file", 4, O_CREAT | O_RDWR, 0644, &ino, &is_dir), 0);
    const std::string bytes = Pattern(kFile, 8);
    uint64_t end;
    for (size_t done = 0; done < kFile; done += VIPER_FS_IO_MAX)
      ASSERT_EQ(ext2_write(fs, ino, done, bytes.data() + done, VIPER_FS_IO_MAX, 0, &end),
                (int64_t)VIPER_FS_IO_MAX);
    const int before = device.writes;
    ASSERT_EQ(ext2_fsync(fs, ino), 0);
    // Clusters of data (runs broken by indirect blocks), indirect blocks,
    // the inode: a few dozen at most, not one per block.
    EXPECT_LE(device.writes - before, 24) << "one request per block was " << kFile / block;
    EXPECT_EQ(ext2_close(fs, ino), 0);
    EXPECT_EQ(ext2_unmount(fs), 0);
  }
  fsd_test::Run fsck = Fsck(image);
  EXPECT_EQ(fsck.status, 0) << fsck.out;
  EXPECT_TRUE(DebugfsCat(image, "/file") == Pattern(kFile, 8));
}

INSTANTIATE_TEST_SUITE_P(Blocks, Clusters, ::testing::Values(1024u, 4096u));

}  // namespace
