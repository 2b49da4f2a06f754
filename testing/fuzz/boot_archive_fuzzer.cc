// libFuzzer target: the boot archive reader (kernel/loader) on arbitrary
// bytes. It must never crash or read outside the input; an archive it
// accepts must walk to exactly size() entries, each inside the input, and
// every entry must be found again by its name.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kernel/loader/boot_archive.h"

namespace {

void require(bool condition) {
  if (!condition) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* reason = nullptr;
  auto archive = viper::loader::BootArchive::open(viper::ConstBytes(data, size), &reason);
  if (!archive.ok()) {
    require(reason != nullptr && archive.error() == viper::Error::kCorrupt);
    return 0;
  }
  size_t walked = 0;
  for (viper::loader::ArchiveEntry entry : *archive) {
    const uint8_t* begin = entry.contents.data();
    require(begin >= data && begin + entry.contents.size() <= data + size);
    auto found = archive->find(entry.name);
    require(found.ok() && found->contents.data() == begin);
    ++walked;
  }
  require(walked == archive->size());
  return 0;
}
