// The library changes an image made by mke2fs, then e2fsck -fn must find it
// clean and debugfs must read back exactly the tree and bytes a model of
// the operations predicts.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "userland/servers/fsd/test_image.h"

using namespace fsd_test;

namespace {

constexpr uint32_t kRoot = 2;

int Open(ext2_fs* fs, const std::string& path, uint32_t flags, uint32_t* ino) {
  int is_dir;
  return ext2_open(fs, kRoot, path.data(), path.size(), flags, 0644, ino, &is_dir);
}

void WriteAt(ext2_fs* fs, uint32_t ino, uint64_t offset, const std::string& bytes) {
  for (size_t done = 0; done < bytes.size();) {
    size_t n = std::min<size_t>(VIPER_FS_IO_MAX, bytes.size() - done);
    uint64_t end;
    ASSERT_EQ(ext2_write(fs, ino, offset + done, bytes.data() + done, n, 0, &end), (int64_t)n);
    done += n;
  }
}

void Put(ext2_fs* fs, const std::string& path, const std::string& bytes) {
  uint32_t ino;
  ASSERT_EQ(Open(fs, path, O_CREAT | O_WRONLY | O_TRUNC, &ino), 0) << path;
  WriteAt(fs, ino, 0, bytes);
  ASSERT_EQ(ext2_close(fs, ino), 0);
}

std::string Get(ext2_fs* fs, const std::string& path) {
  uint32_t ino;
  EXPECT_EQ(Open(fs, path, O_RDONLY, &ino), 0) << path;
  std::string out, chunk(VIPER_FS_IO_MAX, '\0');
  for (int64_t n; (n = ext2_read(fs, ino, out.size(), chunk.data(), chunk.size())) > 0;)
    out.append(chunk.data(), (size_t)n);
  ext2_close(fs, ino);
  return out;
}

#define P(s) (s).data(), (s).size()

// The expected tree: files with their bytes, directories, symbolic links.
struct Model {
  std::map<std::string, std::string> files;
  std::set<std::string> dirs{""}, links;

  std::vector<std::string> Children(const std::string& dir) const {
    std::vector<std::string> out;
    auto add = [&](const std::string& path) {
      size_t slash = path.rfind('/');
      std::string parent = slash == std::string::npos ? "" : path.substr(0, slash);
      if (parent == dir && !path.empty()) out.push_back(path.substr(slash + 1));
    };
    for (auto& [p, bytes] : files) add(p);
    for (auto& p : dirs) add(p);
    for (auto& p : links) add(p);
    std::sort(out.begin(), out.end());
    return out;
  }

  void Check(const std::string& image) const {
    fsd_test::Run fsck = Fsck(image);
    EXPECT_EQ(fsck.status, 0) << fsck.out;
    for (auto& [path, bytes] : files)
      EXPECT_TRUE(DebugfsCat(image, "/" + path) == bytes) << path << " differs";
    for (auto& dir : dirs) {
      std::vector<std::string> names = DebugfsLs(image, "/" + dir);
      names.erase(std::remove(names.begin(), names.end(), "lost+found"), names.end());
      std::sort(names.begin(), names.end());
      EXPECT_EQ(names, Children(dir)) << "directory /" << dir;
    }
  }
};

class Interop : public ::testing::TestWithParam<uint32_t> {};

TEST_P(Interop, WritesRenamesTruncatesDeletesAndE2fsckAgrees) {
  const uint32_t block = GetParam();
  std::string tree = TempDir("wtree" + std::to_string(block));
  Model m;
  m.files["host.txt"] = Pattern(20000, 7);
  WriteFile(tree + "/host.txt", m.files["host.txt"]);
  mkdir((tree + "/many").c_str(), 0755);
  m.dirs.insert("many");
  for (int i = 0; i < 1500; ++i) {
    std::string p = "many/f" + std::to_string(i);
    m.files[p] = std::to_string(i);
    WriteFile(tree + "/" + p, m.files[p]);
  }
  std::string image =
      MakeImage("interop" + std::to_string(block), block, 32 * 1024, tree, "-O dir_index");
  // e2fsck -D indexes the big directory (dir_index): fsd reads it linearly
  // and drops the index when it changes it.
  EXPECT_LE(Shell(Tool("e2fsck") + " -fyD " + image).status, 1);
  EXPECT_EQ(Shell(Tool("debugfs") + " -R 'htree /many' " + image).out.find("Not a hash-indexed"),
            std::string::npos);
  FileDevice device(image);
  ext2_fs* fs = Mount(device);
  ASSERT_NE(fs, nullptr);
  EXPECT_EQ(Get(fs, "many/f1234"), "1234") << "found in an indexed directory";

  // Files of every size class; a large one over the indirect levels.
  Put(fs, "a", "alpha");
  m.files["a"] = "alpha";
  ASSERT_EQ(ext2_mkdir(fs, kRoot, P(std::string("dir1")), 0755), 0);
  m.dirs.insert("dir1");
  std::string big = Pattern(block == 1024 ? (3u << 20) : (5u << 20), 9);
  Put(fs, "dir1/big", big);
  m.files["dir1/big"] = big;
  EXPECT_TRUE(Get(fs, "dir1/big") == big);

  // Truncate: shrinking frees blocks, growing is sparse and reads zeros.
  Put(fs, "dir1/c", Pattern(300000, 10));
  uint32_t ino;
  ASSERT_EQ(Open(fs, "dir1/c", O_RDWR, &ino), 0);
  ASSERT_EQ(ext2_truncate(fs, ino, 1000), 0);
  ASSERT_EQ(ext2_truncate(fs, ino, 5000), 0);
  WriteAt(fs, ino, 2 << 20, "tail");
  ext2_close(fs, ino);
  m.files["dir1/c"] = Pattern(1000, 10) + std::string(4000, '\0');
  m.files["dir1/c"].resize(2 << 20, '\0');
  m.files["dir1/c"] += "tail";
  EXPECT_TRUE(Get(fs, "dir1/c") == m.files["dir1/c"]);

  // rename: across directories, over an existing name, a directory (its
  // ".." follows), never into its own subtree.
  ASSERT_EQ(ext2_rename(fs, kRoot, P(std::string("a")), P(std::string("dir1/a2"))), 0);
  m.files["dir1/a2"] = m.files["a"];
  m.files.erase("a");
  Put(fs, "victim", "to be replaced");
  ASSERT_EQ(ext2_rename(fs, kRoot, P(std::string("dir1/c")), P(std::string("victim"))), 0);
  m.files["victim"] = m.files["dir1/c"];
  m.files.erase("dir1/c");
  ASSERT_EQ(ext2_mkdir(fs, kRoot, P(std::string("dir2")), 0755), 0);
  ASSERT_EQ(ext2_mkdir(fs, kRoot, P(std::string("dir2/sub")), 0700), 0);
  Put(fs, "dir2/sub/deep", "deep");
  ASSERT_EQ(ext2_rename(fs, kRoot, P(std::string("dir2")), P(std::string("dir1/moved"))), 0);
  m.dirs.insert("dir1/moved");
  m.dirs.insert("dir1/moved/sub");
  m.files["dir1/moved/sub/deep"] = "deep";
  EXPECT_EQ(ext2_rename(fs, kRoot, P(std::string("dir1")), P(std::string("dir1/moved/sub/x"))),
            -EINVAL);
  EXPECT_EQ(ext2_rename(fs, kRoot, P(std::string("dir1")), P(std::string("dir1/moved"))), -EINVAL);
  ASSERT_EQ(ext2_mkdir(fs, kRoot, P(std::string("e2")), 0755), 0);
  EXPECT_EQ(ext2_rename(fs, kRoot, P(std::string("e2")), P(std::string("dir1/moved"))), -ENOTEMPTY);
  ASSERT_EQ(ext2_rmdir(fs, kRoot, P(std::string("e2"))), 0);
  EXPECT_EQ(ext2_rename(fs, kRoot, P(std::string("nothing")), P(std::string("x"))), -ENOENT);
  ASSERT_EQ(ext2_mkdir(fs, kRoot, P(std::string("empty")), 0755), 0);
  ASSERT_EQ(ext2_mkdir(fs, kRoot, P(std::string("dir1/target")), 0755), 0);
  ASSERT_EQ(ext2_rename(fs, kRoot, P(std::string("empty")), P(std::string("dir1/target"))), 0);
  m.dirs.insert("dir1/target");

  // rmdir only when empty; unlink refuses directories.
  EXPECT_EQ(ext2_rmdir(fs, kRoot, P(std::string("dir1"))), -ENOTEMPTY);
  EXPECT_EQ(ext2_unlink(fs, kRoot, P(std::string("dir1"))), -EISDIR);
  EXPECT_EQ(ext2_rmdir(fs, kRoot, P(std::string("victim"))), -ENOTDIR);
  ASSERT_EQ(ext2_mkdir(fs, kRoot, P(std::string("gone")), 0755), 0);
  ASSERT_EQ(ext2_rmdir(fs, kRoot, P(std::string("gone"))), 0);
  EXPECT_EQ(ext2_mkdir(fs, kRoot, P(std::string("dir1")), 0755), -EEXIST);

  // Hard links: the data lives while a name does.
  ASSERT_EQ(ext2_link(fs, kRoot, P(std::string("dir1/big")), P(std::string("big-link"))), 0);
  ASSERT_EQ(ext2_unlink(fs, kRoot, P(std::string("dir1/big"))), 0);
  m.files["big-link"] = big;
  m.files.erase("dir1/big");
  EXPECT_EQ(ext2_link(fs, kRoot, P(std::string("dir1")), P(std::string("dir-link"))), -EPERM);

  // Symbolic links, fast and slow.
  ASSERT_EQ(ext2_symlink(fs, kRoot, P(std::string("dir1/a2")), P(std::string("fast"))), 0);
  std::string long_target(300, 'q');
  ASSERT_EQ(ext2_symlink(fs, kRoot, P(long_target), P(std::string("slow"))), 0);
  m.links.insert("fast");
  m.links.insert("slow");
  char target[400];
  EXPECT_EQ(ext2_readlink(fs, kRoot, P(std::string("slow")), target, sizeof(target)), 300);
  EXPECT_EQ(std::string(target, 300), long_target);

  // Unlinked while open: readable until the last close frees it.
  Put(fs, "open-then-unlinked", "still here");
  ASSERT_EQ(Open(fs, "open-then-unlinked", O_RDONLY, &ino), 0);
  ASSERT_EQ(ext2_unlink(fs, kRoot, P(std::string("open-then-unlinked"))), 0);
  char buffer[32];
  EXPECT_EQ(ext2_read(fs, ino, 0, buffer, sizeof(buffer)), 10);
  ext2_close(fs, ino);

  // The big directory (dir_index from mke2fs): half its entries go, more come.
  for (int i = 0; i < 1500; i += 2) {
    std::string p = "many/f" + std::to_string(i);
    ASSERT_EQ(ext2_unlink(fs, kRoot, P(p)), 0) << p;
    m.files.erase(p);
  }
  for (int i = 0; i < 400; ++i) {
    std::string p = "many/new-" + std::to_string(i);
    Put(fs, p, p);
    m.files[p] = p;
  }

  ASSERT_EQ(ext2_unmount(fs), 0);
  m.Check(image);
}

INSTANTIATE_TEST_SUITE_P(BlockSizes, Interop, ::testing::Values(1024u, 4096u));

TEST(Attributes, ModeAndTimesComeFromTheCallsAndTheWallClock) {
  std::string image = MakeImage("attr", 1024, 4096, "");
  FileDevice device(image);
  static int64_t now = 1764547200123456789;  // 2025-12-01, with nanoseconds
  ext2_mount_options options{0, 64, [] { return now; }, nullptr, 0};
  ext2_fs* fs = nullptr;
  char why[128];
  ASSERT_EQ(ext2_mount(device.dev(), &options, &fs, why, sizeof(why)), 0) << why;
  Put(fs, "f", "x");
  viper_fs_stat st;
  ASSERT_EQ(ext2_stat(fs, kRoot, "f", 1, &st), 0);
  EXPECT_EQ(st.mtime_ns, now);
  EXPECT_EQ(st.ctime_ns, now);
  EXPECT_EQ(st.mode, 0x8000u | 0644);
  now += 5000000000;
  ASSERT_EQ(ext2_chmod(fs, kRoot, "f", 1, 0600), 0);
  ASSERT_EQ(ext2_utimes(fs, kRoot, "f", 1, 1000000000, 2000000007), 0);
  ASSERT_EQ(ext2_stat(fs, kRoot, "f", 1, &st), 0);
  EXPECT_EQ(st.mode, 0x8000u | 0600);
  EXPECT_EQ(st.atime_ns, 1000000000);
  EXPECT_EQ(st.mtime_ns, 2000000007);
  EXPECT_EQ(st.ctime_ns, now);
  EXPECT_EQ(ext2_chmod(fs, kRoot, "f", 1, 0170000), -EINVAL);
  ASSERT_EQ(ext2_unmount(fs), 0);
  EXPECT_EQ(Fsck(image).status, 0);
}

TEST(Fsync, TheFilesBytesAreOnTheDiskAndTheDeviceFlushed) {
  std::string tree = TempDir("fsync-tree");
  WriteFile(tree + "/durable", "old");
  std::string image = MakeImage("fsync", 1024, 8192, tree);
  FileDevice device(image);
  ext2_fs* fs = Mount(device);
  uint32_t ino;
  ASSERT_EQ(Open(fs, "durable", O_WRONLY, &ino), 0);
  std::string bytes = Pattern(400000, 4);  // new blocks, an indirect one too
  WriteAt(fs, ino, 0, bytes);
  uint64_t flushes = device.flushes();
  ASSERT_EQ(ext2_fsync(fs, ino), 0);
  EXPECT_GT(device.flushes(), flushes);
  // Still mounted (as if the machine died now): debugfs reads it all.
  EXPECT_TRUE(DebugfsCat(image, "/durable") == bytes);
  ext2_close(fs, ino);
  ASSERT_EQ(ext2_unmount(fs), 0);
  EXPECT_EQ(Fsck(image).status, 0);
}

TEST(Paths, BadComponentsAreRefused) {
  std::string image = MakeImage("paths", 1024, 2048, "");
  FileDevice device(image);
  ext2_fs* fs = Mount(device);
  uint32_t ino;
  for (std::string bad : std::vector<std::string>{"a//b", "/a", "a/", ".", "..", "a/../b", "./a",
                                                  std::string("a\0b", 3)})
    EXPECT_EQ(Open(fs, bad, O_CREAT | O_WRONLY, &ino), -EINVAL) << bad;
  EXPECT_EQ(Open(fs, std::string(256, 'n'), O_CREAT | O_WRONLY, &ino), -ENAMETOOLONG);
  EXPECT_EQ(Open(fs, std::string(255, 'n'), O_CREAT | O_WRONLY, &ino), 0);
  ext2_close(fs, ino);
  EXPECT_EQ(Open(fs, "missing/x", O_CREAT | O_WRONLY, &ino), -ENOENT);
  Put(fs, "file", "f");
  EXPECT_EQ(Open(fs, "file/x", O_RDONLY, &ino), -ENOTDIR);
  EXPECT_EQ(Open(fs, "file", O_RDONLY | O_DIRECTORY, &ino), -ENOTDIR);
  EXPECT_EQ(Open(fs, "file", O_CREAT | O_EXCL | O_WRONLY, &ino), -EEXIST);
  EXPECT_EQ(Open(fs, "", O_WRONLY, &ino), -EISDIR);
  EXPECT_EQ(ext2_read(fs, 12345, 0, nullptr, 0), -EBADF) << "an inode nobody opened";
  ASSERT_EQ(ext2_unmount(fs), 0);
  EXPECT_EQ(Fsck(image).status, 0);
}

}  // namespace

namespace {

int Nothing(void*, uint32_t, uint8_t, const char*, size_t) { return 0; }

TEST(EntryPoints, EachRefusesBadInputWithAClearError) {
  std::string image = MakeImage("entry-points", 1024, 2048, "");
  FileDevice device(image);
  ext2_fs* fs = Mount(device);
  ASSERT_NE(fs, nullptr);
  Put(fs, "f", "data");
  uint32_t file, dir;
  ASSERT_EQ(Open(fs, "f", O_RDWR, &file), 0);
  ASSERT_EQ(Open(fs, "", O_RDONLY, &dir), 0);
  const uint32_t unopened = 11;
  uint64_t end, next;
  char buffer[8];
  viper_fs_stat st;
  EXPECT_EQ(ext2_ref(fs, unopened), -EINVAL);
  EXPECT_EQ(ext2_close(fs, unopened), -EINVAL);
  EXPECT_EQ(ext2_read(fs, unopened, 0, buffer, sizeof(buffer)), -EBADF);
  EXPECT_EQ(ext2_read(fs, dir, 0, buffer, sizeof(buffer)), -EISDIR);
  EXPECT_EQ(ext2_read(fs, file, 0, nullptr, 4), -EINVAL);
  EXPECT_EQ(ext2_write(fs, unopened, 0, "x", 1, 0, &end), -EBADF);
  EXPECT_EQ(ext2_write(fs, file, 0, nullptr, 1, 0, &end), -EINVAL);
  EXPECT_EQ(ext2_write(fs, file, UINT64_MAX - 1, "xx", 2, 0, &end), -EFBIG);
  EXPECT_EQ(ext2_truncate(fs, dir, 0), -EISDIR);
  EXPECT_EQ(ext2_truncate(fs, file, UINT64_MAX), -EFBIG);
  EXPECT_EQ(ext2_fsync(fs, unopened), -EBADF);
  EXPECT_EQ(ext2_readdir(fs, file, 0, Nothing, nullptr, &next), -ENOTDIR);
  EXPECT_EQ(ext2_readdir(fs, dir, 0, nullptr, nullptr, &next), -EINVAL);
  EXPECT_EQ(ext2_stat(fs, kRoot, "f", 1, nullptr), -EINVAL);
  EXPECT_EQ(ext2_stat(fs, kRoot, "missing", 7, &st), -ENOENT);
  EXPECT_EQ(ext2_statfs(fs, nullptr), -EINVAL);
  EXPECT_EQ(ext2_utimes(fs, kRoot, "missing", 7, 0, 0), -ENOENT);
  EXPECT_EQ(ext2_symlink(fs, kRoot, "t", 1, "f", 1), -EEXIST);
  EXPECT_EQ(ext2_link(fs, kRoot, "f", 1, "f", 1), -EEXIST);
  EXPECT_EQ(ext2_readlink(fs, kRoot, "f", 1, nullptr, 8), -EINVAL);
  EXPECT_EQ(ext2_rename(fs, kRoot, "f", 1, "", 0), -EBUSY);
  EXPECT_EQ(ext2_rmdir(fs, kRoot, "", 0), -EBUSY);
  EXPECT_EQ(ext2_open(fs, kRoot, "f", 1, O_RDONLY, 0, nullptr, nullptr), -EINVAL);
  ext2_close(fs, file);
  ext2_close(fs, dir);
  ASSERT_EQ(ext2_unmount(fs), 0);
  EXPECT_EQ(Fsck(image).status, 0);
}

}  // namespace

namespace {

// fsync of a sparse file with data in the triple indirect range, 15 GiB
// in on 1 KiB blocks: both ends are on the disk (a copy of it, mounted as
// if the machine had died, reads them).
TEST(Fsync, ASparseFilesFarBytesAreOnTheDisk) {
  std::string tree = TempDir("fsync-sparse-tree");
  WriteFile(tree + "/sparse", "");
  std::string image = MakeImage("fsync-sparse", 1024, 8192, tree);
  FileDevice device(image);
  ext2_fs* fs = Mount(device);
  uint32_t ino;
  ASSERT_EQ(Open(fs, "sparse", O_WRONLY, &ino), 0);
  const uint64_t far = 15ull << 30;
  const std::string head = Pattern(5000, 11), tail = Pattern(3000, 12);
  WriteAt(fs, ino, 0, head);
  WriteAt(fs, ino, far, tail);
  ASSERT_EQ(ext2_fsync(fs, ino), 0);
  // As if the machine died now: a copy of the disk, mounted, has it all.
  std::string crashed = image + ".crashed";
  ASSERT_EQ(Shell("cp " + image + " " + crashed).status, 0);
  {
    FileDevice copy(crashed);
    ext2_fs* after = Mount(copy);
    ASSERT_NE(after, nullptr);
    uint32_t same;
    ASSERT_EQ(Open(after, "sparse", O_RDONLY, &same), 0);
    std::string got(tail.size(), '\0');
    EXPECT_EQ(ext2_read(after, same, far, got.data(), got.size()), (int64_t)tail.size());
    EXPECT_TRUE(got == tail);
    got.assign(head.size(), '\0');
    EXPECT_EQ(ext2_read(after, same, 0, got.data(), got.size()), (int64_t)head.size());
    EXPECT_TRUE(got == head);
    ext2_close(after, same);
    ext2_unmount(after);
  }
  ext2_close(fs, ino);
  ASSERT_EQ(ext2_unmount(fs), 0);
  EXPECT_EQ(Fsck(image).status, 0);
}

TEST(Crash, AKillAfterFsyncKeepsWhatItCoveredAndE2fsckRepairsTheRest) {
  std::string tree = TempDir("crash-tree");
  WriteFile(tree + "/existing", "old contents");
  std::string image = MakeImage("crash", 1024, 16384, tree);
  FileDevice device(image);
  ext2_fs* fs = Mount(device);  // a small cache: dirty blocks are evicted in any order
  ASSERT_NE(fs, nullptr);
  for (int i = 0; i < 50; ++i) Put(fs, "busy-" + std::to_string(i), Pattern(3000, i));
  Put(fs, "large", Pattern(2 << 20, 77));
  ASSERT_EQ(ext2_unlink(fs, kRoot, "busy-7", 6), 0);
  uint32_t ino;
  ASSERT_EQ(Open(fs, "existing", O_WRONLY | O_TRUNC, &ino), 0);
  std::string durable = Pattern(150000, 78);
  WriteAt(fs, ino, 0, durable);
  ASSERT_EQ(ext2_fsync(fs, ino), 0);
  // The machine dies here: the disk is what it is now.
  std::string crashed = image + ".crashed";
  ASSERT_EQ(Shell("cp " + image + " " + crashed).status, 0);
  fsd_test::Run repair = Shell(Tool("e2fsck") + " -fy " + crashed);
  EXPECT_LE(repair.status, 1) << "e2fsck repairs what the crash left\n" << repair.out;
  fsd_test::Run after = Fsck(crashed);
  EXPECT_EQ(after.status, 0) << after.out;
  EXPECT_TRUE(DebugfsCat(crashed, "/existing") == durable) << "what fsync covered is there";
  ext2_close(fs, ino);
  ASSERT_EQ(ext2_unmount(fs), 0);
  EXPECT_EQ(Fsck(image).status, 0);
}

}  // namespace

namespace {

TEST(OpenReferences, ThousandsOpenAndCloseInAnyOrder) {
  std::string image = MakeImage("opens", 1024, 8192, "", "-N 4096");
  FileDevice device(image);
  ext2_fs* fs = Mount(device);
  ASSERT_NE(fs, nullptr);
  constexpr int kFiles = 3000;
  std::vector<uint32_t> inos;
  for (int i = 0; i < kFiles; ++i) {
    std::string name = "o" + std::to_string(i);
    uint32_t ino;
    ASSERT_EQ(Open(fs, name, O_CREAT | O_RDWR, &ino), 0);
    inos.push_back(ino);
    if (i % 3 == 0) ASSERT_EQ(ext2_ref(fs, ino), 0);  // a second reference (CLONE)
  }
  std::vector<int> order(kFiles);
  for (int i = 0; i < kFiles; ++i) order[i] = (i * 1237) % kFiles;  // 1237 is prime to 3000
  char byte;
  for (int i : order) {
    ASSERT_EQ(ext2_read(fs, inos[i], 0, &byte, 1), 0) << "open: readable";
    ASSERT_EQ(ext2_close(fs, inos[i]), 0);
    if (i % 3 == 0) {
      EXPECT_EQ(ext2_read(fs, inos[i], 0, &byte, 1), 0) << "still one reference";
      ASSERT_EQ(ext2_close(fs, inos[i]), 0);
    }
    EXPECT_EQ(ext2_read(fs, inos[i], 0, &byte, 1), -EBADF) << "closed";
  }
  for (int i = 0; i < kFiles; i += 2) {
    std::string name = "o" + std::to_string(i);
    ASSERT_EQ(ext2_unlink(fs, kRoot, name.data(), name.size()), 0);
  }
  ASSERT_EQ(ext2_unmount(fs), 0);
  fsd_test::Run fsck = Fsck(image);
  EXPECT_EQ(fsck.status, 0) << fsck.out;
}

}  // namespace

namespace {

// Reads file block `lblock` of `path` as e2fsprogs maps it (debugfs bmap).
std::string BlockOnDisk(const std::string& image, const std::string& path, uint64_t lblock,
                        uint32_t block_size) {
  fsd_test::Run r =
      Shell(Tool("debugfs") + " -R 'bmap " + path + " " + std::to_string(lblock) + "' " + image);
  uint64_t physical = 0;  // the line that is a number (the banner is another)
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && isdigit(static_cast<unsigned char>(line[0])))
      physical = std::strtoull(line.c_str(), nullptr, 10);
  }
  if (physical == 0) return "";
  std::string bytes(block_size, '\0');
  FILE* f = fopen(image.c_str(), "rb");
  fseeko(f, static_cast<off_t>(physical * block_size), SEEK_SET);
  size_t n = fread(bytes.data(), 1, block_size, f);
  fclose(f);
  bytes.resize(n);
  return bytes;
}

class Triple : public ::testing::TestWithParam<uint32_t> {};

TEST_P(Triple, SparseWritesInTheTripleIndirectRangeAndPastFourGiB) {
  const uint32_t block = GetParam();
  std::string image = MakeImage("triple" + std::to_string(block), block, 16384, "");
  FileDevice device(image);
  ext2_fs* fs = Mount(device);
  ASSERT_NE(fs, nullptr);
  // Past the double-indirect range (1 KiB: 64 MiB; 4 KiB: 4 GiB), so
  // i_size_high and large_file matter too on 4 KiB blocks.
  const uint64_t per = block / 4;
  const uint64_t first_triple = 12 + per + per * per;
  const uint64_t at = (first_triple + 5) * block + 100;
  uint32_t ino;
  ASSERT_EQ(Open(fs, "far", O_CREAT | O_RDWR, &ino), 0);
  std::string data = Pattern(block * 2, 31);
  WriteAt(fs, ino, at, data);
  std::string back(data.size(), '\0');
  ASSERT_EQ(ext2_read(fs, ino, at, back.data(), back.size()), (int64_t)back.size());
  EXPECT_TRUE(back == data);
  char hole[64];
  ASSERT_EQ(ext2_read(fs, ino, at / 2, hole, sizeof(hole)), 64);
  EXPECT_EQ(std::string(hole, 64), std::string(64, '\0'));
  viper_fs_stat st;
  ASSERT_EQ(ext2_stat(fs, kRoot, "far", 3, &st), 0);
  EXPECT_EQ(st.size, at + data.size());
  ext2_close(fs, ino);
  ASSERT_EQ(ext2_unmount(fs), 0);
  fsd_test::Run fsck = Fsck(image);
  EXPECT_EQ(fsck.status, 0) << fsck.out;
  fsd_test::Run stat = Shell(Tool("debugfs") + " -R 'stat /far' " + image);
  EXPECT_NE(stat.out.find("Size: " + std::to_string(at + data.size())), std::string::npos)
      << stat.out;
  const uint64_t lblock = at / block;
  std::string expected = std::string(100, '\0') + data.substr(0, block - 100);
  EXPECT_TRUE(BlockOnDisk(image, "/far", lblock, block) == expected);
  EXPECT_TRUE(BlockOnDisk(image, "/far", lblock + 1, block) == data.substr(block - 100, block));
}

INSTANTIATE_TEST_SUITE_P(BlockSizes, Triple, ::testing::Values(1024u, 4096u));

}  // namespace
