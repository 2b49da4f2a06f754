// Corrupt images (superblock, group descriptors, inodes, directory
// entries, block pointers): the mount or the operation fails with an
// error, never a crash or a hang.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "userland/servers/fsd/exercise.h"
#include "userland/servers/fsd/ext2_format.h"

using namespace fsd_test;

namespace {

constexpr size_t kSb = 1024;  // the superblock's byte on the disk

std::vector<uint8_t> Image() { return TemplateImage(); }

int MountStatus(std::vector<uint8_t> bytes) {
  MemoryDevice device(std::move(bytes));
  ext2_fs* fs = nullptr;
  char why[128];
  int r = ext2_mount(device.dev(), nullptr, &fs, why, sizeof(why));
  if (r == 0) ext2_unmount(fs);
  return r;
}

void Set32(std::vector<uint8_t>& b, size_t at, uint32_t v) { put32(b.data() + at, v); }

// The byte where inode `ino` starts (1 KiB blocks, one group).
size_t InodeAt(const std::vector<uint8_t>& b, uint32_t ino) {
  uint32_t table = le32(b.data() + 2048 + GD_INODE_TABLE);
  uint32_t size = le16(b.data() + kSb + SB_INODE_SIZE);
  return table * 1024u + (ino - 1) * size;
}

// The inode a name in the root directory has.
uint32_t Lookup(const std::vector<uint8_t>& b, const char* name) {
  uint32_t root_block = le32(b.data() + InodeAt(b, 2) + I_BLOCK);
  for (size_t at = 0; at < 1024;) {
    const uint8_t* e = b.data() + root_block * 1024 + at;
    if (e[DE_NAME_LEN] == strlen(name) && memcmp(e + DE_NAME, name, strlen(name)) == 0)
      return le32(e);
    if (le16(e + DE_REC_LEN) == 0) break;
    at += le16(e + DE_REC_LEN);
  }
  return 0;
}

TEST(Corrupt, TheTemplateIsHealthy) {
  MemoryDevice device(Image());
  EXPECT_EQ(Exercise(device.dev()), 0);
}

TEST(Corrupt, BadSuperblocksAreNotMounted) {
  struct Case {
    const char* what;
    size_t field;
    uint32_t value;
    int bytes;
  } cases[] = {
      {"magic", SB_MAGIC, 0x1234, 2},
      {"block size", SB_LOG_BLOCK_SIZE, 7, 4},
      {"blocks beyond the disk", SB_BLOCKS_COUNT, 0x7FFFFFFF, 4},
      {"no blocks per group", SB_BLOCKS_PER_GROUP, 0, 4},
      {"no inodes per group", SB_INODES_PER_GROUP, 0, 4},
      {"an inode count that disagrees", SB_INODES_COUNT, 12345, 4},
      {"an odd inode size", SB_INODE_SIZE, 200, 2},
      {"a revision from the future", SB_REV_LEVEL, 9, 4},
      {"first data block", SB_FIRST_DATA_BLOCK, 0, 4},
      {"first inode", SB_FIRST_INO, 3, 4},
  };
  for (auto& c : cases) {
    std::vector<uint8_t> b = Image();
    if (c.bytes == 2)
      put16(b.data() + kSb + c.field, static_cast<uint16_t>(c.value));
    else
      Set32(b, kSb + c.field, c.value);
    EXPECT_LT(MountStatus(b), 0) << c.what;
  }
  std::vector<uint8_t> b = Image();
  Set32(b, 2048 + GD_INODE_TABLE, 0xFFFFFF00);
  EXPECT_EQ(MountStatus(b), -EUCLEAN) << "an inode table off the disk";
  b.resize(1500);
  EXPECT_LT(MountStatus(b), 0) << "a disk too small for a superblock";
}

TEST(Corrupt, BadBlockPointersFailTheRead) {
  std::vector<uint8_t> b = Image();
  uint32_t ino = Lookup(b, "indirect");
  ASSERT_NE(ino, 0u);
  size_t at = InodeAt(b, ino);
  Set32(b, at + I_BLOCK, 0xFFFFFFF0);  // a direct pointer off the disk
  uint32_t indirect = le32(b.data() + at + I_BLOCK + 4 * EXT2_IND_BLOCK);
  ASSERT_NE(indirect, 0u);
  memset(b.data() + indirect * 1024, 0xEE, 1024);  // an indirect block of garbage
  MemoryDevice device(b);
  ext2_fs* fs = nullptr;
  ASSERT_EQ(ext2_mount(device.dev(), nullptr, &fs, nullptr, 0), 0);
  uint32_t file;
  int is_dir;
  ASSERT_EQ(ext2_open(fs, 2, "indirect", 8, O_RDWR, 0, &file, &is_dir), 0);
  char buffer[1024];
  EXPECT_EQ(ext2_read(fs, file, 0, buffer, sizeof(buffer)), -EIO);
  EXPECT_EQ(ext2_read(fs, file, 13 * 1024, buffer, sizeof(buffer)), -EIO);
  EXPECT_EQ(ext2_truncate(fs, file, 0), -EIO);
  ext2_close(fs, file);
  ext2_unmount(fs);
}

TEST(Corrupt, BadDirectoryEntriesFailTheLookup) {
  for (uint32_t rec_len : {0u, 3u, 6u, 2000u}) {
    std::vector<uint8_t> b = Image();
    uint32_t dir = Lookup(b, "dir");
    ASSERT_NE(dir, 0u);
    uint32_t block = le32(b.data() + InodeAt(b, dir) + I_BLOCK);
    put16(b.data() + block * 1024 + 12 + DE_REC_LEN, static_cast<uint16_t>(rec_len));  // ".."
    MemoryDevice device(b);
    ext2_fs* fs = nullptr;
    ASSERT_EQ(ext2_mount(device.dev(), nullptr, &fs, nullptr, 0), 0);
    viper_fs_stat st;
    EXPECT_EQ(ext2_stat(fs, 2, "dir/entry5", 10, &st), -EIO) << rec_len;
    EXPECT_EQ(ext2_mkdir(fs, 2, "dir/new", 7, 0755), -EIO) << rec_len;
    ext2_unmount(fs);
  }
  std::vector<uint8_t> b = Image();
  uint32_t dir = Lookup(b, "dir");
  Set32(b, InodeAt(b, dir) + I_SIZE, 0x40000000);  // larger than its blocks
  MemoryDevice device(b);
  ext2_fs* fs = nullptr;
  ASSERT_EQ(ext2_mount(device.dev(), nullptr, &fs, nullptr, 0), 0);
  viper_fs_stat st;
  EXPECT_EQ(ext2_stat(fs, 2, "dir/entry5", 10, &st), -EIO);
  ext2_unmount(fs);
}

TEST(Corrupt, BadInodesFailTheOperation) {
  std::vector<uint8_t> b = Image();
  uint32_t ino = Lookup(b, "small");
  size_t at = InodeAt(b, ino);
  Set32(b, at + I_FLAGS, EXT2_EXTENTS_FL);  // an extent inode on an ext2 image
  uint32_t dir = Lookup(b, "dir");
  put16(b.data() + InodeAt(b, dir) + I_MODE, 0x8000 | 0644);  // a "directory" that is a file
  MemoryDevice device(b);
  ext2_fs* fs = nullptr;
  ASSERT_EQ(ext2_mount(device.dev(), nullptr, &fs, nullptr, 0), 0);
  uint32_t file;
  int is_dir;
  ASSERT_EQ(ext2_open(fs, 2, "small", 5, O_RDONLY, 0, &file, &is_dir), 0);
  char buffer[64];
  EXPECT_EQ(ext2_read(fs, file, 0, buffer, sizeof(buffer)), -EIO);
  ext2_close(fs, file);
  viper_fs_stat st;
  EXPECT_EQ(ext2_stat(fs, 2, "dir/entry5", 10, &st), -ENOTDIR);
  ext2_unmount(fs);
}

TEST(Corrupt, RandomDamageToTheMetadataNeverCrashesOrHangs) {
  const std::vector<uint8_t>& image = TemplateImage();
  // The metadata: superblock, descriptors, bitmaps, inode table, the first
  // directory and indirect blocks.
  const size_t area = 96 * 1024;
  int mounted = 0;
  for (uint32_t seed = 1; seed <= 400; ++seed) {
    std::mt19937 random(seed);
    std::vector<uint8_t> b = image;
    int flips = 1 + static_cast<int>(random() % 24);
    for (int i = 0; i < flips; ++i) b[1024 + random() % (area - 1024)] ^= 1u << (random() % 8);
    MemoryDevice device(std::move(b));
    MountStatus(device.bytes()) == 0 && ++mounted;
    Exercise(device.dev());
  }
  EXPECT_GT(mounted, 100) << "most damage is past the superblock";
}

}  // namespace
