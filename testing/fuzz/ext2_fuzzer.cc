// libFuzzer target: the ext2 parsing code on damaged images. The input is
// a list of damages, 5 bytes each (a little-endian offset into the first
// 128 KiB of a small mke2fs image — superblock, descriptors, bitmaps,
// inode table, directory and indirect blocks — and a byte to XOR there).
// The library must mount or refuse, and then walk, read, change and
// unmount, without a crash, a sanitizer report or a hang.
//
//   bazel run --config=fuzz //testing/fuzz:ext2_fuzzer -- -max_total_time=20 CORPUS
#include <cstddef>
#include <cstdint>
#include <vector>

#include "userland/servers/fsd/exercise.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t>& image = fsd_test::TemplateImage();
  const size_t area = std::min<size_t>(128 * 1024, image.size());
  std::vector<uint8_t> bytes = image;
  for (size_t i = 0; i + 5 <= size; i += 5) {
    uint32_t offset = static_cast<uint32_t>(data[i] | data[i + 1] << 8 | data[i + 2] << 16 |
                                            static_cast<uint32_t>(data[i + 3]) << 24);
    bytes[offset % area] ^= data[i + 4];
  }
  fsd_test::MemoryDevice device(std::move(bytes));
  fsd_test::Exercise(device.dev());
  return 0;
}
