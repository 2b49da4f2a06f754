// libFuzzer target: the ELF parser (kernel/loader) on arbitrary bytes. It
// must never crash, read outside the input, or accept a file that breaks
// what the loader relies on: every accepted segment inside the file and
// the user range, W^X, ascending and non-overlapping, the entry in
// executable code, the TLS image inside a loaded segment.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kernel/loader/elf_image.h"

namespace {

using viper::loader::ElfImage;
using viper::loader::LoadSegment;
using viper::loader::UserRange;

constexpr UserRange kRange{0x1000, 1ull << 48};

void require(bool condition) {
  if (!condition) abort();
}

void check_accepted(const ElfImage& image, size_t file_size) {
  require(image.segment_count > 0 && image.segment_count <= viper::loader::kMaxLoadSegments);
  bool entry_in_text = false;
  for (size_t i = 0; i < image.segment_count; ++i) {
    const LoadSegment& s = image.segments[i];
    require(s.file_size <= s.memory_size);
    require(s.file_offset <= file_size && s.file_size <= file_size - s.file_offset);
    require(s.vaddr >= kRange.lowest && s.vaddr + s.memory_size <= kRange.highest);
    require(!(s.access.write && s.access.execute));
    if (i > 0) {
      const LoadSegment& p = image.segments[i - 1];
      require(s.vaddr >= p.vaddr + p.memory_size);
      require(s.page_start() >= p.page_end() || s.access == p.access);
    }
    entry_in_text |=
        s.access.execute && image.entry >= s.vaddr && image.entry < s.vaddr + s.file_size;
  }
  require(entry_in_text);
  require(!image.tls.present || image.tls.memory_size <= viper::loader::kMaxTlsBytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* reason = nullptr;
  auto image = viper::loader::parse_elf(viper::ConstBytes(data, size), kRange, &reason);
  if (image.ok()) {
    require(reason == nullptr);
    check_accepted(*image, size);
  } else {
    require(reason != nullptr && image.error() != viper::Error::kOk);
  }
  return 0;
}
