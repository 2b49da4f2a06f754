// Files made on the host by mke2fs -d read byte-exact through the library:
// large files over every indirect level, sparse files, a directory of
// thousands of entries, hard links and symbolic links, on 1 KiB and 4 KiB
// block images.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <set>
#include <string>

#include "userland/servers/fsd/test_image.h"

using namespace fsd_test;

namespace {

constexpr uint32_t kRoot = 2;

std::string ReadAll(ext2_fs* fs, const std::string& path) {
  uint32_t ino;
  int is_dir;
  EXPECT_EQ(ext2_open(fs, kRoot, path.data(), path.size(), O_RDONLY, 0, &ino, &is_dir), 0) << path;
  std::string out;
  std::string chunk(VIPER_FS_IO_MAX, '\0');
  for (;;) {
    int64_t n = ext2_read(fs, ino, out.size(), chunk.data(), chunk.size());
    EXPECT_GE(n, 0);
    if (n <= 0) break;
    out.append(chunk.data(), static_cast<size_t>(n));
  }
  ext2_close(fs, ino);
  return out;
}

int Collect(void* context, uint32_t, uint8_t, const char* name, size_t len) {
  static_cast<std::set<std::string>*>(context)->insert(std::string(name, len));
  return 0;
}

std::set<std::string> List(ext2_fs* fs, const std::string& path) {
  uint32_t ino;
  int is_dir;
  EXPECT_EQ(
      ext2_open(fs, kRoot, path.data(), path.size(), O_RDONLY | O_DIRECTORY, 0, &ino, &is_dir), 0);
  std::set<std::string> names;
  uint64_t next = 0;
  EXPECT_EQ(ext2_readdir(fs, ino, 0, Collect, &names, &next), 0);
  EXPECT_EQ(next, 0u);
  ext2_close(fs, ino);
  return names;
}

class HostImage : public ::testing::TestWithParam<uint32_t> {};

TEST_P(HostImage, FilesMadeOnTheHostReadByteExact) {
  const uint32_t block = GetParam();
  std::string tree = TempDir("tree" + std::to_string(block));
  std::map<std::string, std::string> model;
  model["small"] = "hello, ext2\n";
  model["empty"] = "";
  // Past the direct blocks, the single and well into the double indirect.
  const size_t big = block == 1024 ? 3u << 20 : 6u << 20;
  model["big"] = Pattern(big, 1);
  for (auto& [name, bytes] : model) WriteFile(tree + "/" + name, bytes);
  // Sparse: data at the start, a hole, data far out (1 KiB blocks: in the
  // triple-indirect range, past 64 MiB).
  const uint64_t far = block == 1024 ? (70ull << 20) : (9ull << 20);
  {
    std::string head = Pattern(5000, 2), tail = Pattern(3000, 3);
    int fd = open((tree + "/sparse").c_str(), O_CREAT | O_WRONLY, 0644);
    ASSERT_EQ(pwrite(fd, head.data(), head.size(), 0), (ssize_t)head.size());
    ASSERT_EQ(pwrite(fd, tail.data(), tail.size(), (off_t)far), (ssize_t)tail.size());
    close(fd);
  }
  mkdir((tree + "/many").c_str(), 0755);
  std::set<std::string> many;
  for (int i = 0; i < 3000; ++i) {
    std::string name = "entry-with-a-longish-name-" + std::to_string(i);
    many.insert(name);
    WriteFile(tree + "/many/" + name, std::to_string(i));
  }
  ASSERT_EQ(link((tree + "/small").c_str(), (tree + "/hardlink").c_str()), 0);
  ASSERT_EQ(symlink("small", (tree + "/fast-link").c_str()), 0);
  std::string long_target(200, 'x');
  ASSERT_EQ(symlink(long_target.c_str(), (tree + "/slow-link").c_str()), 0);

  std::string image = MakeImage("host" + std::to_string(block), block, 64 * 1024, tree);
  FileDevice device(image);
  ext2_fs* fs = Mount(device);
  ASSERT_NE(fs, nullptr);

  for (auto& [name, bytes] : model) EXPECT_TRUE(ReadAll(fs, name) == bytes) << name;
  EXPECT_TRUE(ReadAll(fs, "hardlink") == model["small"]);
  std::string sparse = ReadAll(fs, "sparse");
  ASSERT_EQ(sparse.size(), far + 3000);
  EXPECT_TRUE(sparse.substr(0, 5000) == Pattern(5000, 2));
  EXPECT_TRUE(sparse.substr(5000, far - 5000) == std::string(far - 5000, '\0'));
  EXPECT_TRUE(sparse.substr(far) == Pattern(3000, 3));

  viper_fs_stat st;
  ASSERT_EQ(ext2_stat(fs, kRoot, "sparse", 6, &st), 0);
  EXPECT_LT(st.blocks * 512, 64u * 1024) << "the hole takes no blocks";
  ASSERT_EQ(ext2_stat(fs, kRoot, "hardlink", 8, &st), 0);
  EXPECT_EQ(st.nlink, 2u);
  EXPECT_EQ(st.mode & 0xF000, 0x8000u);

  char target[300];
  EXPECT_EQ(ext2_readlink(fs, kRoot, "fast-link", 9, target, sizeof(target)), 5);
  EXPECT_EQ(std::string(target, 5), "small");
  EXPECT_EQ(ext2_readlink(fs, kRoot, "slow-link", 9, target, sizeof(target)), 200);
  EXPECT_EQ(std::string(target, 200), long_target);

  std::set<std::string> listed = List(fs, "many");
  listed.erase(".");
  listed.erase("..");
  EXPECT_EQ(listed, many);
  EXPECT_EQ(ReadAll(fs, "many/entry-with-a-longish-name-2999"), "2999");

  ASSERT_EQ(ext2_unmount(fs), 0);
  fsd_test::Run fsck = Fsck(image);
  EXPECT_EQ(fsck.status, 0) << fsck.out;
}

INSTANTIATE_TEST_SUITE_P(BlockSizes, HostImage, ::testing::Values(1024u, 2048u, 4096u));

}  // namespace
