// Shared by the corrupt-image test and the fuzzer: an image in memory, and
// a walk that makes the library parse everything reachable on it.
#ifndef FSD_EXERCISE_H_
#define FSD_EXERCISE_H_

#include <cstdint>
#include <string>
#include <vector>

extern "C" {
#include "userland/servers/fsd/blockdev.h"
#include "userland/servers/fsd/ext2.h"
}

namespace fsd_test {

// A block device over bytes in memory.
class MemoryDevice {
 public:
  explicit MemoryDevice(std::vector<uint8_t> bytes);
  const fs_blockdev* dev() const { return &dev_; }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  static int Read(void* context, uint64_t offset, void* buffer, size_t bytes);
  static int Write(void* context, uint64_t offset, const void* buffer, size_t bytes);
  static int Flush(void* context);
  std::vector<uint8_t> bytes_;
  fs_blockdev dev_;
};

// A small 1 KiB-block image with files (one over the indirect blocks), a
// directory of entries, links: made once by mke2fs -d (in TMPDIR).
const std::vector<uint8_t>& TemplateImage();

// Mounts, reads everything reachable (bounded), changes a few things,
// unmounts. Returns how many operations failed (errors are expected on a
// corrupt image; crashes and hangs are the bugs).
int Exercise(const fs_blockdev* dev);

}  // namespace fsd_test

#endif  // FSD_EXERCISE_H_
