// Path resolution and the mount table (vfs_path.h) on the host: the same C
// file libc links.
#include "userland/libc/vfs_path.h"

#include <errno.h>

#include <string>

#include "gtest/gtest.h"

namespace {

std::string Normalize(const char* base, const char* path, int expect = 0) {
  char out[VIPER_PATH_MAX];
  EXPECT_EQ(vfs_normalize(base, path, out), expect) << path;
  return expect == 0 ? out : "";
}

TEST(VfsPath, RelativePathsResolveAgainstTheBase) {
  EXPECT_EQ(Normalize("/home/user", "notes.txt"), "home/user/notes.txt");
  EXPECT_EQ(Normalize("/", "tmp"), "tmp");
  EXPECT_EQ(Normalize("/home", "./a/./b"), "home/a/b");
}

TEST(VfsPath, AbsolutePathsIgnoreTheBase) {
  EXPECT_EQ(Normalize("/home", "/tmp/f"), "tmp/f");
  EXPECT_EQ(Normalize("/home", "/"), "");
}

TEST(VfsPath, DotDotAndRepeatedSlashesResolve) {
  EXPECT_EQ(Normalize("/home/user", "../other//x/"), "home/other/x");
  EXPECT_EQ(Normalize("/", "../../.."), "");  // the root's parent is the root
  EXPECT_EQ(Normalize("/a", "b/../../c"), "c");
}

TEST(VfsPath, BadPathsAreRefused) {
  char out[VIPER_PATH_MAX];
  EXPECT_EQ(vfs_normalize("/", nullptr, out), -EFAULT);
  EXPECT_EQ(vfs_normalize("/", "", out), -ENOENT);  // POSIX: "" names nothing
  std::string longest(VIPER_PATH_MAX, 'x');
  EXPECT_EQ(vfs_normalize("/", longest.c_str(), out), -ENAMETOOLONG);
  std::string deep;
  for (int i = 0; i < VIPER_PATH_MAX / 4; ++i) deep += "abc/";
  EXPECT_EQ(vfs_normalize("/", deep.c_str(), out), -ENAMETOOLONG);
}

TEST(VfsPath, ATrailingSlashWantsADirectory) {
  EXPECT_TRUE(vfs_wants_directory("a/"));
  EXPECT_TRUE(vfs_wants_directory("/tmp/f//"));
  EXPECT_TRUE(vfs_wants_directory("a/."));
  EXPECT_FALSE(vfs_wants_directory("a"));
  EXPECT_FALSE(vfs_wants_directory("/"));
  EXPECT_FALSE(vfs_wants_directory("//"));
  EXPECT_FALSE(vfs_wants_directory(""));
  EXPECT_FALSE(vfs_wants_directory(nullptr));
}

TEST(VfsMounts, WithoutADiskTheArchiveIsTheRoot) {
  for (const char* name : {"", "bin/sh", "etc/init.conf", "boot", "tmp/f"}) {
    const struct vfs_route r = vfs_route(name, 0);
    EXPECT_EQ(r.mount, VFS_BOOT) << name;
    EXPECT_STREQ(r.rest, name);
  }
}

TEST(VfsMounts, WithADiskTheDiskIsTheRoot) {
  for (const char* name : {"", "tmp/f", "home", "etc/motd", "binary", "bootstrap/x"}) {
    const struct vfs_route r = vfs_route(name, 1);
    EXPECT_EQ(r.mount, VFS_DISK) << name;
    EXPECT_STREQ(r.rest, name);
  }
}

TEST(VfsMounts, BootIsTheArchiveAndBinItsBin) {
  struct Case {
    const char* name;
    const char* rest;
  } cases[] = {{"boot", ""},
               {"boot/etc/init.conf", "etc/init.conf"},
               {"boot/bin/sh", "bin/sh"},
               {"bin", "bin"},
               {"bin/sh", "bin/sh"}};
  for (const Case& c : cases) {
    const struct vfs_route r = vfs_route(c.name, 1);
    EXPECT_EQ(r.mount, VFS_BOOT) << c.name;
    EXPECT_STREQ(r.rest, c.rest) << c.name;
  }
}

TEST(VfsMounts, MountPointsAreTheRootBootAndBin) {
  EXPECT_TRUE(vfs_is_mount_point("", 0));
  EXPECT_FALSE(vfs_is_mount_point("boot", 0));
  EXPECT_TRUE(vfs_is_mount_point("boot", 1));
  EXPECT_TRUE(vfs_is_mount_point("bin", 1));
  EXPECT_FALSE(vfs_is_mount_point("bin/sh", 1));
  EXPECT_FALSE(vfs_is_mount_point("tmp", 1));
}

}  // namespace
