// Host-test helpers: ext2 images made and checked by e2fsprogs (the tools
// nobody here wrote), and a block device over an image file.
#ifndef FSD_TEST_IMAGE_H_
#define FSD_TEST_IMAGE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

extern "C" {
#include "userland/servers/fsd/blockdev.h"
#include "userland/servers/fsd/ext2.h"
}

namespace fsd_test {

// mke2fs, e2fsck, debugfs: /usr/sbin or /sbin when PATH lacks them.
std::string Tool(const std::string& name);

struct Run {
  int status;
  std::string out;  // stdout and stderr
};
Run Shell(const std::string& command);

// A fresh directory under TEST_TMPDIR.
std::string TempDir(const std::string& name);
void WriteFile(const std::string& path, const std::string& bytes);
std::string Pattern(size_t size, uint32_t seed);  // deterministic bytes

// mke2fs -t ext2 -b BLOCK -d TREE (TREE may be empty), `kib` KiB, `extra`
// more options (-O ...). Fails the test if mke2fs does.
std::string MakeImage(const std::string& name, uint32_t block, uint32_t kib,
                      const std::string& tree, const std::string& extra = "");

// e2fsck -fn: 0 when the image is clean; the output says why not.
Run Fsck(const std::string& image);
// debugfs -R 'cat PATH': the file's bytes as e2fsprogs reads them.
std::string DebugfsCat(const std::string& image, const std::string& path);
// The names in a directory (debugfs ls), without "." and "..".
std::vector<std::string> DebugfsLs(const std::string& image, const std::string& path);

// A block device over an image file (pread/pwrite/fsync).
class FileDevice {
 public:
  explicit FileDevice(const std::string& path, bool read_only = false);
  ~FileDevice();
  const fs_blockdev* dev() const { return &dev_; }
  uint64_t flushes() const { return flushes_; }

 private:
  static int Read(void* context, uint64_t offset, void* buffer, size_t bytes);
  static int Write(void* context, uint64_t offset, const void* buffer, size_t bytes);
  static int Flush(void* context);
  int fd_;
  uint64_t flushes_ = 0;
  fs_blockdev dev_;
};

// Mounts `image` read-write; fails the test if that fails.
ext2_fs* Mount(const FileDevice& device, std::string* message = nullptr);

}  // namespace fsd_test

#endif  // FSD_TEST_IMAGE_H_
