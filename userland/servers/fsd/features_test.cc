// Which images fsd mounts read-write, which read-only, which not at all,
// and that each refusal says why.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <string>

#include "userland/servers/fsd/test_image.h"

using namespace fsd_test;

namespace {

struct Mounted {
  int status;
  std::string message;
  ext2_fs* fs;
};

Mounted TryMount(const FileDevice& device, int read_only = 0) {
  Mounted m{0, "", nullptr};
  char why[256];
  ext2_mount_options options{read_only, 64, nullptr, nullptr, 0};
  m.status = ext2_mount(device.dev(), &options, &m.fs, why, sizeof(why));
  m.message = why;
  return m;
}

std::string TreeWithAFile(const std::string& name) {
  std::string tree = TempDir(name);
  WriteFile(tree + "/hello", "hello");
  return tree;
}

// A read-only mount reads, and refuses every change with -EROFS.
void ExpectReadOnly(ext2_fs* fs) {
  viper_fs_statfs st;
  ASSERT_EQ(ext2_statfs(fs, &st), 0);
  EXPECT_EQ(st.read_only, 1u);
  uint32_t ino;
  int is_dir;
  ASSERT_EQ(ext2_open(fs, 2, "hello", 5, O_RDONLY, 0, &ino, &is_dir), 0);
  char buffer[16];
  EXPECT_EQ(ext2_read(fs, ino, 0, buffer, sizeof(buffer)), 5);
  uint64_t end;
  EXPECT_EQ(ext2_write(fs, ino, 0, "x", 1, 0, &end), -EROFS);
  EXPECT_EQ(ext2_truncate(fs, ino, 0), -EROFS);
  ext2_close(fs, ino);
  EXPECT_EQ(ext2_open(fs, 2, "hello", 5, O_RDWR, 0, &ino, &is_dir), -EROFS);
  EXPECT_EQ(ext2_open(fs, 2, "new", 3, O_CREAT | O_WRONLY, 0644, &ino, &is_dir), -EROFS);
  EXPECT_EQ(ext2_mkdir(fs, 2, "d", 1, 0755), -EROFS);
  EXPECT_EQ(ext2_unlink(fs, 2, "hello", 5), -EROFS);
  EXPECT_EQ(ext2_rename(fs, 2, "hello", 5, "x", 1), -EROFS);
  EXPECT_EQ(ext2_chmod(fs, 2, "hello", 5, 0600), -EROFS);
  EXPECT_EQ(ext2_unmount(fs), 0);
}

class Refused : public ::testing::TestWithParam<const char*> {};

TEST_P(Refused, IncompatibleFeaturesAreNotMountedAtAll) {
  std::string image = MakeImage("refused", 1024, 8192, TreeWithAFile("refused-tree"), GetParam());
  FileDevice device(image);
  Mounted m = TryMount(device);
  EXPECT_EQ(m.status, -EINVAL);
  EXPECT_EQ(m.fs, nullptr);
  EXPECT_NE(m.message.find("refused: unsupported incompatible features"), std::string::npos)
      << m.message;
  EXPECT_EQ(TryMount(device, 1).status, -EINVAL) << "not even read-only";
}

INSTANTIATE_TEST_SUITE_P(Features, Refused,
                         ::testing::Values("-O extents", "-O 64bit,extents",
                                           "-O meta_bg,^resize_inode", "-O inline_data"));

class ReadOnly : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(ReadOnly, FeaturesFsdDoesNotWriteMountReadOnly) {
  std::string image =
      MakeImage("readonly", 1024, 8192, TreeWithAFile("readonly-tree"), GetParam().first);
  FileDevice device(image);
  Mounted m = TryMount(device);
  ASSERT_EQ(m.status, 0) << m.message;
  EXPECT_NE(m.message.find(GetParam().second), std::string::npos) << m.message;
  ExpectReadOnly(m.fs);
  EXPECT_EQ(Fsck(image).status, 0);
}

INSTANTIATE_TEST_SUITE_P(
    Features, ReadOnly,
    ::testing::Values(std::make_pair("-O huge_file", "read-only-compatible"),
                      std::make_pair("-O metadata_csum", "read-only-compatible"),
                      std::make_pair("-O flex_bg", "incompatible features fsd does not write")));

TEST(Journal, AJournalThatNeedsRecoveryMountsReadOnly) {
  std::string image = MakeImage("journal", 1024, 8192, TreeWithAFile("journal-tree"), "-j");
  ASSERT_EQ(Shell(Tool("debugfs") + " -w -R 'feature needs_recovery' " + image).status, 0);
  FileDevice device(image);
  Mounted m = TryMount(device);
  ASSERT_EQ(m.status, 0) << m.message;
  EXPECT_NE(m.message.find("the journal needs recovery"), std::string::npos) << m.message;
  ExpectReadOnly(m.fs);
}

TEST(Journal, AClean_Ext3JournalIsLeftAloneAndTheImageWritable) {
  std::string image = MakeImage("ext3", 1024, 8192, TreeWithAFile("ext3-tree"), "-j");
  FileDevice device(image);
  Mounted m = TryMount(device);
  ASSERT_EQ(m.status, 0) << m.message;
  EXPECT_EQ(m.message, "");
  uint32_t ino;
  int is_dir;
  ASSERT_EQ(ext2_open(m.fs, 2, "new", 3, O_CREAT | O_WRONLY, 0644, &ino, &is_dir), 0);
  uint64_t end;
  EXPECT_EQ(ext2_write(m.fs, ino, 0, "data", 4, 0, &end), 4);
  ext2_close(m.fs, ino);
  ASSERT_EQ(ext2_unmount(m.fs), 0);
  fsd_test::Run fsck = Fsck(image);
  EXPECT_EQ(fsck.status, 0) << fsck.out;
  EXPECT_EQ(DebugfsCat(image, "/new"), "data");
}

TEST(ReadOnlyDisk, ARead_OnlyDiskOrOptionMountsReadOnly) {
  std::string image = MakeImage("rodisk", 1024, 4096, TreeWithAFile("rodisk-tree"));
  {
    FileDevice device(image, /*read_only=*/true);
    Mounted m = TryMount(device);
    ASSERT_EQ(m.status, 0) << m.message;
    EXPECT_NE(m.message.find("read-only: the disk"), std::string::npos) << m.message;
    ExpectReadOnly(m.fs);
  }
  FileDevice device(image);
  Mounted m = TryMount(device, /*read_only=*/1);
  ASSERT_EQ(m.status, 0);
  ExpectReadOnly(m.fs);
}

TEST(Mount, BadArgumentsAreRefused) {
  ext2_fs* fs = nullptr;
  char why[64];
  EXPECT_EQ(ext2_mount(nullptr, nullptr, &fs, why, sizeof(why)), -EINVAL);
  fs_blockdev tiny{nullptr, 512, 0, nullptr, nullptr, nullptr};
  EXPECT_EQ(ext2_mount(&tiny, nullptr, &fs, why, sizeof(why)), -EINVAL) << "no functions";
  EXPECT_EQ(ext2_unmount(nullptr), -EINVAL);
}

}  // namespace
