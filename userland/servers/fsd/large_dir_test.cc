// A directory of 5 000 entries on 1, 2 and 4 KiB blocks: every name is
// found (stat, open, read, close) and listed, and the cost grows with the
// directory's blocks, not faster (5 000 entries once took 271 s of guest
// time on 1 KiB blocks and 11 s on 4 KiB).
#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "userland/servers/fsd/test_image.h"

using namespace fsd_test;

namespace {

constexpr uint32_t kRoot = 2;
constexpr int kEntries = 5000;

std::string Name(int i) { return "many/entry-" + std::to_string(10000 + i); }

int CountOne(void* context, uint32_t, uint8_t, const char*, size_t) {
  ++*static_cast<int*>(context);
  return 0;
}

class LargeDirectory : public ::testing::TestWithParam<uint32_t> {};

TEST_P(LargeDirectory, EveryEntryIsFoundAndListed) {
  const uint32_t block = GetParam();
  std::string tree = TempDir("large" + std::to_string(block));
  ASSERT_EQ(mkdir((tree + "/many").c_str(), 0755), 0);
  for (int i = 0; i < kEntries; ++i) WriteFile(tree + "/" + Name(i), std::to_string(i));
  std::string image = MakeImage("large" + std::to_string(block), block, 64 * 1024, tree);
  FileDevice device(image);
  ext2_fs* fs = Mount(device);
  ASSERT_NE(fs, nullptr);

  const auto start = std::chrono::steady_clock::now();
  int failures = 0;
  for (int i = 0; i < kEntries; ++i) {
    const std::string path = Name(i), want = std::to_string(i);
    viper_fs_stat st;
    uint32_t ino;
    int is_dir;
    char bytes[16];
    if (ext2_stat(fs, kRoot, path.data(), path.size(), &st) != 0 ||
        ext2_open(fs, kRoot, path.data(), path.size(), O_RDONLY, 0, &ino, &is_dir) != 0) {
      ++failures;
      continue;
    }
    if (ext2_read(fs, ino, 0, bytes, sizeof(bytes)) != (int64_t)want.size() ||
        std::string(bytes, want.size()) != want)
      ++failures;
    ext2_close(fs, ino);
  }
  EXPECT_EQ(failures, 0);
  uint32_t dir;
  int is_dir;
  ASSERT_EQ(ext2_open(fs, kRoot, "many", 4, O_RDONLY | O_DIRECTORY, 0, &dir, &is_dir), 0);
  int listed = 0;
  uint64_t next = 0;
  EXPECT_EQ(ext2_readdir(fs, dir, 0, CountOne, &listed, &next), 0);
  EXPECT_EQ(listed, kEntries + 2);
  ext2_close(fs, dir);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  printf("%u-byte blocks: %d entries found and listed in %.1f ms\n", block, kEntries, ms);
  EXPECT_EQ(ext2_unmount(fs), 0);
  EXPECT_EQ(Fsck(image).status, 0) << Fsck(image).out;
}

// Searches start where the last one ended (dir.c's hints) and wrap
// around: room freed before that point is still found and used, and a
// name there is still found.
TEST_P(LargeDirectory, RoomFreedAnywhereIsReusedAndNamesThereFound) {
  const uint32_t block = GetParam();
  std::string tree = TempDir("reuse" + std::to_string(block));
  ASSERT_EQ(mkdir((tree + "/many").c_str(), 0755), 0);
  std::string image = MakeImage("reuse" + std::to_string(block), block, 16 * 1024, tree);
  FileDevice device(image);
  ext2_fs* fs = Mount(device);
  ASSERT_NE(fs, nullptr);
  auto create = [&](const std::string& path) {
    uint32_t ino;
    int is_dir;
    int r = ext2_open(fs, kRoot, path.data(), path.size(), O_CREAT | O_EXCL | O_RDWR, 0644, &ino,
                      &is_dir);
    if (r == 0) ext2_close(fs, ino);
    return r;
  };
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(create(Name(i)), 0);
  viper_fs_stat full;
  ASSERT_EQ(ext2_stat(fs, kRoot, "many", 4, &full), 0);
  // The first names (the first blocks) go; the last add was at the end.
  for (int i = 0; i < 100; ++i)
    ASSERT_EQ(ext2_unlink(fs, kRoot, Name(i).data(), Name(i).size()), 0);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(create(Name(5000 + i)), 0);
  viper_fs_stat after;
  ASSERT_EQ(ext2_stat(fs, kRoot, "many", 4, &after), 0);
  EXPECT_EQ(after.size, full.size) << "the freed room was used, the directory did not grow";
  viper_fs_stat st;
  EXPECT_EQ(ext2_stat(fs, kRoot, Name(999).data(), Name(999).size(), &st), 0);
  EXPECT_EQ(ext2_stat(fs, kRoot, Name(5000).data(), Name(5000).size(), &st), 0);
  EXPECT_EQ(ext2_stat(fs, kRoot, Name(0).data(), Name(0).size(), &st), -ENOENT);
  EXPECT_EQ(create(Name(5000)), -EEXIST);
  EXPECT_EQ(ext2_unmount(fs), 0);
  EXPECT_EQ(Fsck(image).status, 0) << Fsck(image).out;
}

INSTANTIATE_TEST_SUITE_P(Blocks, LargeDirectory, ::testing::Values(1024u, 2048u, 4096u));

}  // namespace
