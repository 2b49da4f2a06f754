#include "kernel/loader/elf_image.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "kernel/loader/elf_format.h"
#include "testing/host/expect_ok.h"

namespace viper::loader {
namespace {

constexpr UserRange kUser{0x1000, 1ull << 48};
// The data dependency //kernel:image, relative to the test's runfiles.
constexpr char kKernelElf[] = "kernel/image.elf";

// Builds small ELF files in memory: a header, program headers, contents.
class ElfBuilder {
 public:
  ElfBuilder() {
    std::memcpy(header_.ident, elf::kMagic, 4);
    header_.ident[4] = elf::kClass64;
    header_.ident[5] = elf::kDataLittle;
    header_.ident[6] = elf::kVersionCurrent;
    header_.type = elf::kTypeExec;
    header_.machine = elf::kMachineAarch64;
    header_.version = elf::kVersionCurrent;
    header_.entry = 0x400000;
    header_.phoff = sizeof(elf::FileHeader);
    header_.ehsize = sizeof(elf::FileHeader);
    header_.phentsize = sizeof(elf::ProgramHeader);
  }

  // A typical static program: text at 0x400000, data + bss above it.
  static ElfBuilder typical() {
    ElfBuilder b;
    b.add(elf::kSegmentLoad, elf::kFlagRead | elf::kFlagExecute, 0x1000, 0x400000, 0x800, 0x800);
    b.add(elf::kSegmentLoad, elf::kFlagRead | elf::kFlagWrite, 0x2000, 0x410000, 0x100, 0x3000);
    return b;
  }

  elf::ProgramHeader& add(uint32_t type, uint32_t flags, uint64_t offset, uint64_t vaddr,
                          uint64_t filesz, uint64_t memsz, uint64_t align = 0x1000) {
    phdrs_.push_back({type, flags, offset, vaddr, vaddr, filesz, memsz, align});
    return phdrs_.back();
  }
  elf::FileHeader& header() { return header_; }

  std::vector<uint8_t> build(size_t size = 0x4000) {
    header_.phnum = static_cast<uint16_t>(phdrs_.size());
    std::vector<uint8_t> file(size, 0);
    // Program headers where phoff says, as far as they fit; the file header
    // last, so a table that overlaps it is overwritten as in a real file.
    for (size_t i = 0; i < phdrs_.size() && header_.phoff < file.size(); ++i) {
      const size_t at = header_.phoff + i * sizeof(elf::ProgramHeader);
      if (at + sizeof(elf::ProgramHeader) <= file.size()) {
        std::memcpy(file.data() + at, &phdrs_[i], sizeof(elf::ProgramHeader));
      }
    }
    std::memcpy(file.data(), &header_, sizeof(header_));
    return file;
  }

 private:
  elf::FileHeader header_{};
  std::vector<elf::ProgramHeader> phdrs_;
};

ConstBytes bytes(const std::vector<uint8_t>& file) { return ConstBytes(file.data(), file.size()); }

// Expects a refusal with `code` whose reason mentions `words`.
void expect_refused(const std::vector<uint8_t>& file, Error code, const char* words,
                    UserRange range = kUser) {
  const char* reason = nullptr;
  auto image = parse_elf(bytes(file), range, &reason);
  ASSERT_FALSE(image.ok()) << "accepted a file that should fail with: " << words;
  EXPECT_EQ(image.error(), code) << error_name(image.error()) << ": " << reason
                                 << " (expected: " << words << ")";
  ASSERT_NE(reason, nullptr);
  EXPECT_NE(std::strstr(reason, words), nullptr)
      << "reason was: " << reason << " (expected: " << words << ")";
}

TEST(ElfImage, DescribesATypicalStaticProgram) {
  auto b = ElfBuilder::typical();
  b.add(elf::kSegmentTls, elf::kFlagRead, 0x2000, 0x410000, 0x10, 0x40, 16);
  b.add(elf::kSegmentGnuStack, elf::kFlagRead | elf::kFlagWrite, 0, 0, 0, 0, 16);
  const auto file = b.build();
  const char* reason = "unset";
  auto image = parse_elf(bytes(file), kUser, &reason);
  ASSERT_OK(image) << reason;
  EXPECT_EQ(reason, nullptr);
  EXPECT_EQ(image->entry, 0x400000u);
  ASSERT_EQ(image->segment_count, 2u);
  const LoadSegment& text = image->segments[0];
  EXPECT_EQ(text.vaddr, 0x400000u);
  EXPECT_EQ(text.file_size, 0x800u);
  EXPECT_TRUE(text.access.read && text.access.execute && !text.access.write);
  const LoadSegment& data = image->segments[1];
  EXPECT_EQ(data.memory_size, 0x3000u);  // .bss beyond the file bytes
  EXPECT_TRUE(data.access.write && !data.access.execute);
  EXPECT_EQ(data.page_start(), 0x410000u);
  EXPECT_EQ(data.page_end(), 0x413000u);
  ASSERT_TRUE(image->tls.present);
  EXPECT_EQ(image->tls.memory_size, 0x40u);
  EXPECT_EQ(image->tls.align, 16u);
}

TEST(ElfImage, RefusesTruncatedFiles) {
  const auto file = ElfBuilder::typical().build();
  for (size_t size : {size_t{0}, size_t{4}, size_t{63}}) {
    std::vector<uint8_t> cut(file.begin(), file.begin() + size);
    expect_refused(cut, Error::kCorrupt, "shorter than an ELF header");
  }
  // Header whole, program headers cut off.
  std::vector<uint8_t> cut(file.begin(), file.begin() + 64 + 56 + 10);
  expect_refused(cut, Error::kCorrupt, "program header table outside the file");
  // Headers whole, segment contents cut off.
  std::vector<uint8_t> short_contents(file.begin(), file.begin() + 0x1400);
  expect_refused(short_contents, Error::kCorrupt, "segment outside the file");
}

TEST(ElfImage, RefusesTheWrongKindOfFile) {
  auto bad_magic = ElfBuilder::typical();
  bad_magic.header().ident[1] = 'X';
  expect_refused(bad_magic.build(), Error::kCorrupt, "bad magic");
  auto elf32 = ElfBuilder::typical();
  elf32.header().ident[4] = 1;
  expect_refused(elf32.build(), Error::kCorrupt, "64-bit");
  auto big_endian = ElfBuilder::typical();
  big_endian.header().ident[5] = 2;
  expect_refused(big_endian.build(), Error::kCorrupt, "little-endian");
  auto x86 = ElfBuilder::typical();
  x86.header().machine = 62;
  expect_refused(x86.build(), Error::kCorrupt, "AArch64");
  auto object = ElfBuilder::typical();
  object.header().type = 1;  // ET_REL
  expect_refused(object.build(), Error::kCorrupt, "not an executable");
  auto pie = ElfBuilder::typical();
  pie.header().type = elf::kTypeDyn;
  expect_refused(pie.build(), Error::kNotSupported, "position-independent");
  auto version = ElfBuilder::typical();
  version.header().version = 2;
  expect_refused(version.build(), Error::kCorrupt, "version");
}

TEST(ElfImage, RefusesMalformedProgramHeaderTables) {
  auto entry_size = ElfBuilder::typical();
  entry_size.header().phentsize = 32;
  expect_refused(entry_size.build(), Error::kCorrupt, "entry size");
  auto none = ElfBuilder();
  expect_refused(none.build(), Error::kCorrupt, "no program headers");
  auto misaligned = ElfBuilder::typical();
  misaligned.header().phoff = 65;
  expect_refused(misaligned.build(), Error::kCorrupt, "misaligned program header");
  auto huge_offset = ElfBuilder::typical();
  huge_offset.header().phoff = ~uint64_t{0} - 7;  // offset + size wraps
  expect_refused(huge_offset.build(), Error::kCorrupt, "outside the file");
  auto overlapping_header = ElfBuilder::typical();
  overlapping_header.header().phoff = 8;
  expect_refused(overlapping_header.build(), Error::kCorrupt, "outside the file");
  ElfBuilder many;
  for (int i = 0; i <= kMaxProgramHeaders; ++i) many.add(elf::kSegmentNull, 0, 0, 0, 0, 0);
  expect_refused(many.build(0x10000), Error::kOutOfRange, "too many program headers");
}

TEST(ElfImage, RefusesSegmentsThatDoNotFit) {
  auto file_bigger = ElfBuilder::typical();
  file_bigger.add(elf::kSegmentLoad, elf::kFlagRead, 0x3000, 0x500000, 0x200, 0x100);
  expect_refused(file_bigger.build(), Error::kCorrupt, "larger in the file");
  auto outside = ElfBuilder::typical();
  outside.add(elf::kSegmentLoad, elf::kFlagRead, 0x3f00, 0x500f00, 0x200, 0x200);
  expect_refused(outside.build(), Error::kCorrupt, "segment outside the file");
  auto wraps = ElfBuilder::typical();
  wraps.add(elf::kSegmentLoad, elf::kFlagRead, 0x3000, ~uint64_t{0} - 0xfff, 0, 0x2000);
  expect_refused(wraps.build(), Error::kOutOfRange, "wraps around");
  auto kernel_half = ElfBuilder::typical();
  kernel_half.add(elf::kSegmentLoad, elf::kFlagRead, 0x3000, 0xffff000000000000, 0x10, 0x10);
  expect_refused(kernel_half.build(), Error::kOutOfRange, "user address range");
  auto page_zero = ElfBuilder();
  page_zero.add(elf::kSegmentLoad, elf::kFlagRead | elf::kFlagExecute, 0x1000, 0, 0x10, 0x10);
  expect_refused(page_zero.build(), Error::kOutOfRange, "user address range");
  auto huge = ElfBuilder::typical();
  huge.add(elf::kSegmentLoad, elf::kFlagRead | elf::kFlagWrite, 0x3000, 0x1000000, 0,
           kMaxImageBytes);
  expect_refused(huge.build(), Error::kOutOfRange, "too large");
  auto alignment = ElfBuilder::typical();
  alignment.add(elf::kSegmentLoad, elf::kFlagRead, 0x3000, 0x500000, 0x10, 0x10, 0x3000);
  expect_refused(alignment.build(), Error::kCorrupt, "power of two");
  auto incongruent = ElfBuilder::typical();
  incongruent.add(elf::kSegmentLoad, elf::kFlagRead, 0x3010, 0x500000, 0x10, 0x10);
  expect_refused(incongruent.build(), Error::kCorrupt, "modulo its alignment");
}

TEST(ElfImage, RefusesOverlappingOrUnorderedSegments) {
  // Data right after the text, on the text's last page: read-only text and
  // writable data would need one page with two permissions.
  ElfBuilder same_page;
  same_page.add(elf::kSegmentLoad, elf::kFlagRead | elf::kFlagExecute, 0x1000, 0x400000, 0x800,
                0x800);
  same_page.add(elf::kSegmentLoad, elf::kFlagRead | elf::kFlagWrite, 0x1900, 0x400900, 0x10, 0x10);
  expect_refused(same_page.build(), Error::kCorrupt, "different permissions share a page");
  auto overlapping = ElfBuilder::typical();
  overlapping.add(elf::kSegmentLoad, elf::kFlagRead | elf::kFlagWrite, 0x2000, 0x412000, 0x10,
                  0x10);  // inside the data segment's .bss
  expect_refused(overlapping.build(), Error::kCorrupt, "overlap");
  // Same permissions on a shared page are fine (lld packs read-only
  // sections that way).
  auto shared_read_only = ElfBuilder::typical();
  shared_read_only.add(elf::kSegmentLoad, elf::kFlagRead, 0x3000, 0x500000, 0x100, 0x100);
  shared_read_only.add(elf::kSegmentLoad, elf::kFlagRead, 0x3100, 0x500100, 0x100, 0x100);
  const auto file = shared_read_only.build();
  auto image = parse_elf(bytes(file), kUser);
  ASSERT_OK(image) << error_name(image.error());
  EXPECT_EQ(image->segment_count, 4u);
  ElfBuilder unordered;
  unordered.add(elf::kSegmentLoad, elf::kFlagRead | elf::kFlagWrite, 0x2000, 0x410000, 0x10, 0x10);
  unordered.add(elf::kSegmentLoad, elf::kFlagRead | elf::kFlagExecute, 0x1000, 0x400000, 0x10,
                0x10);
  expect_refused(unordered.build(), Error::kCorrupt, "out of order");
}

TEST(ElfImage, RefusesWritableAndExecutableSegments) {
  auto wx = ElfBuilder::typical();
  wx.add(elf::kSegmentLoad, elf::kFlagRead | elf::kFlagWrite | elf::kFlagExecute, 0x3000, 0x500000,
         0x10, 0x10);
  expect_refused(wx.build(), Error::kCorrupt, "W^X");
  auto exec_stack = ElfBuilder::typical();
  exec_stack.add(elf::kSegmentGnuStack, elf::kFlagRead | elf::kFlagWrite | elf::kFlagExecute, 0, 0,
                 0, 0);
  expect_refused(exec_stack.build(), Error::kCorrupt, "executable stack");
  auto unknown_flags = ElfBuilder::typical();
  unknown_flags.add(elf::kSegmentLoad, elf::kFlagRead | 0x100000, 0x3000, 0x500000, 0x10, 0x10);
  expect_refused(unknown_flags.build(), Error::kCorrupt, "unknown flags");
}

TEST(ElfImage, RefusesAnEntryOutsideExecutableCode) {
  auto in_data = ElfBuilder::typical();
  in_data.header().entry = 0x410010;
  expect_refused(in_data.build(), Error::kCorrupt, "entry point outside");
  auto in_bss_of_text = ElfBuilder::typical();
  in_bss_of_text.header().entry = 0x400800;  // past the text's file bytes
  expect_refused(in_bss_of_text.build(), Error::kCorrupt, "entry point outside");
  auto nowhere = ElfBuilder::typical();
  nowhere.header().entry = 0;
  expect_refused(nowhere.build(), Error::kCorrupt, "entry point outside");
  auto misaligned = ElfBuilder::typical();
  misaligned.header().entry = 0x400002;
  expect_refused(misaligned.build(), Error::kCorrupt, "misaligned entry");
  ElfBuilder nothing;
  nothing.add(elf::kSegmentNull, 0, 0, 0, 0, 0);
  expect_refused(nothing.build(), Error::kCorrupt, "nothing to load");
}

TEST(ElfImage, RefusesBadTlsSegments) {
  auto two = ElfBuilder::typical();
  two.add(elf::kSegmentTls, elf::kFlagRead, 0x2000, 0x410000, 0x10, 0x10, 8);
  two.add(elf::kSegmentTls, elf::kFlagRead, 0x2000, 0x410000, 0x10, 0x10, 8);
  expect_refused(two.build(), Error::kCorrupt, "more than one TLS");
  auto outside = ElfBuilder::typical();
  outside.add(elf::kSegmentTls, elf::kFlagRead, 0x3000, 0x600000, 0x10, 0x10, 8);
  expect_refused(outside.build(), Error::kCorrupt, "TLS image outside");
  auto huge = ElfBuilder::typical();
  huge.add(elf::kSegmentTls, elf::kFlagRead, 0x2000, 0x410000, 0, kMaxTlsBytes + 1, 8);
  expect_refused(huge.build(), Error::kOutOfRange, "TLS segment too large");
  auto aligned = ElfBuilder::typical();
  aligned.add(elf::kSegmentTls, elf::kFlagRead, 0x2000, 0x410000, 0x10, 0x10, 0x10000);
  expect_refused(aligned.build(), Error::kOutOfRange, "TLS alignment");
}

TEST(ElfImage, RefusesDynamicallyLinkedPrograms) {
  auto interp = ElfBuilder::typical();
  interp.add(elf::kSegmentInterp, elf::kFlagRead, 0x3000, 0, 0x10, 0x10, 1);
  expect_refused(interp.build(), Error::kNotSupported, "dynamically linked");
  auto dynamic = ElfBuilder::typical();
  dynamic.add(elf::kSegmentDynamic, elf::kFlagRead, 0x3000, 0, 0x10, 0x10, 8);
  expect_refused(dynamic.build(), Error::kNotSupported, "dynamically linked");
}

// A real ELF file from lld: the AArch64 kernel itself is a static ET_EXEC.
// Its higher-half addresses are outside any user range; with the whole
// address space as the range it must parse, with W^X segments.
TEST(ElfImage, ReadsARealLinkerOutput) {
  std::ifstream in(kKernelElf, std::ios::binary);
  ASSERT_TRUE(in) << kKernelElf;
  std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  expect_refused(file, Error::kOutOfRange, "user address range");
  const char* reason = nullptr;
  auto image = parse_elf(bytes(file), UserRange{0x1000, ~uint64_t{0}}, &reason);
  ASSERT_OK(image) << reason;
  EXPECT_GE(image->segment_count, 2u);
  bool has_text = false;
  for (const LoadSegment& segment : image->loads()) {
    EXPECT_FALSE(segment.access.write && segment.access.execute);
    has_text = has_text || segment.access.execute;
  }
  EXPECT_TRUE(has_text);
}

}  // namespace
}  // namespace viper::loader
