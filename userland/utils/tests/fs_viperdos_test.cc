// The boot archive as a file system (lib/fs_viperdos.c), on the host over a
// made-up archive: names are paths, a directory is a prefix some name
// continues with '/', and every change is refused as read-only.
#include <errno.h>
#include <gtest/gtest.h>
#include <string.h>
#include <viperdos/errors.h>

#include <set>
#include <string>

extern "C" {
#include "userland/utils/lib/fs.h"
}

namespace {

const char* const kArchive[] = {"bin/cat", "bin/ls", "etc/init.conf", "etc/x/deep", "README"};
bool g_list_fails = false;

std::set<std::string> list(const char* path) {
  std::set<std::string> names;
  fs_dir* dir = fs_dir_open(path);
  EXPECT_NE(dir, nullptr) << path;
  if (dir == nullptr) return names;
  for (const char* name; (name = fs_dir_next(dir)) != nullptr;) {
    EXPECT_TRUE(names.insert(name).second) << name << " listed twice";
  }
  EXPECT_EQ(errno, 0);
  fs_dir_close(dir);
  return names;
}

TEST(ArchiveFs, ListsEachDirectoryOnceAtEveryLevel) {
  EXPECT_EQ(list("."), (std::set<std::string>{"README", "bin", "etc"}));
  EXPECT_EQ(list("/"), list(""));
  EXPECT_EQ(list("/bin/"), (std::set<std::string>{"cat", "ls"}));
  EXPECT_EQ(list("./etc"), (std::set<std::string>{"init.conf", "x"}));
  EXPECT_EQ(list("etc/x"), (std::set<std::string>{"deep"}));
}

TEST(ArchiveFs, StatsFilesAndDirectories) {
  fs_info info;
  ASSERT_EQ(fs_stat("bin/cat", &info, 1), 0);
  EXPECT_FALSE(info.is_directory);
  EXPECT_EQ(info.size, strlen("bin/cat"));  // the fake's sizes are the names' lengths
  EXPECT_EQ(info.mode, 0444u);
  ASSERT_EQ(fs_stat("/etc", &info, 0), 0);
  EXPECT_TRUE(info.is_directory);
  ASSERT_EQ(fs_stat(".", &info, 0), 0);
  EXPECT_TRUE(info.is_directory);
}

TEST(ArchiveFs, RefusesWhatIsNotThere) {
  fs_info info;
  EXPECT_EQ(fs_stat("bi", &info, 1), -1);  // a prefix of a name is not a directory
  EXPECT_EQ(errno, ENOENT);
  EXPECT_EQ(fs_dir_open("bin/cat"), nullptr);
  EXPECT_EQ(errno, ENOTDIR);
  EXPECT_EQ(fs_dir_open("nothing"), nullptr);
  EXPECT_EQ(errno, ENOENT);
  EXPECT_EQ(fs_stat(std::string(300, 'a').c_str(), &info, 1), -1);
  EXPECT_EQ(errno, ENAMETOOLONG);
}

TEST(ArchiveFs, EveryChangeIsReadOnly) {
  for (int result :
       {fs_mkdir("tmp"), fs_rmdir("bin"), fs_unlink("bin/cat"), fs_rename("bin/cat", "bin/dog"),
        fs_touch("etc/init.conf"), fs_create("new", 0644), fs_chmod("bin/cat", 0755)}) {
    EXPECT_EQ(result, -1);
    EXPECT_EQ(errno, EROFS);
  }
}

TEST(ArchiveFs, AListingTheKernelRefusesIsAnErrorNotAnEnd) {
  fs_dir* dir = fs_dir_open(".");
  ASSERT_NE(dir, nullptr);
  g_list_fails = true;
  EXPECT_EQ(fs_dir_next(dir), nullptr);
  EXPECT_EQ(errno, ENOSYS);
  g_list_fails = false;
  fs_dir_close(dir);
}

}  // namespace

extern "C" int64_t viper_bootfs_stat(const char* path) {
  for (const char* name : kArchive) {
    if (strcmp(name, path) == 0) return static_cast<int64_t>(strlen(name));
  }
  return VIPER_ERR_NOT_FOUND;
}

extern "C" int64_t viper_bootfs_list(uint64_t index, char* name, size_t capacity) {
  if (g_list_fails) return VIPER_ERR_NOT_SUPPORTED;
  if (index >= sizeof(kArchive) / sizeof(kArchive[0])) return VIPER_ERR_OUT_OF_RANGE;
  const size_t length = strlen(kArchive[index]);
  if (length + 1 > capacity) return VIPER_ERR_OUT_OF_RANGE;
  memcpy(name, kArchive[index], length + 1);
  return static_cast<int64_t>(length);
}
