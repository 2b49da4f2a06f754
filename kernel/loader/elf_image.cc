#include "kernel/loader/elf_image.h"

#include "kernel/loader/elf_format.h"

namespace viper::loader {
namespace {

// One refusal: the error code and the sentence that explains it.
struct Refusal {
  Error code;
  const char* why;
};

// a + b without wrapping (false if it would).
bool add_fits(uint64_t a, uint64_t b, uint64_t* sum) { return !__builtin_add_overflow(a, b, sum); }

bool is_power_of_two(uint64_t value) { return value != 0 && (value & (value - 1)) == 0; }

// [offset, offset + size) lies inside the file.
bool inside_file(ConstBytes file, uint64_t offset, uint64_t size) {
  uint64_t end;
  return add_fits(offset, size, &end) && end <= file.size();
}

template <class T>
T read_at(ConstBytes file, uint64_t offset) {
  T value;
  __builtin_memcpy(&value, file.data() + offset, sizeof(T));
  return value;
}

Refusal check_file_header(ConstBytes file, const elf::FileHeader& header) {
  for (size_t i = 0; i < sizeof(elf::kMagic); ++i) {
    if (header.ident[i] != elf::kMagic[i]) return {Error::kCorrupt, "not an ELF file (bad magic)"};
  }
  if (header.ident[4] != elf::kClass64) return {Error::kCorrupt, "not a 64-bit ELF file"};
  if (header.ident[5] != elf::kDataLittle) return {Error::kCorrupt, "not a little-endian ELF file"};
  if (header.ident[6] != elf::kVersionCurrent || header.version != elf::kVersionCurrent) {
    return {Error::kCorrupt, "unknown ELF version"};
  }
  if (header.machine != elf::kMachineAarch64) return {Error::kCorrupt, "not an AArch64 program"};
  if (header.type == elf::kTypeDyn) {
    return {Error::kNotSupported, "position-independent executables are not supported"};
  }
  if (header.type != elf::kTypeExec) return {Error::kCorrupt, "not an executable ELF file"};
  if (header.ehsize != sizeof(elf::FileHeader)) return {Error::kCorrupt, "bad ELF header size"};
  if (header.phentsize != sizeof(elf::ProgramHeader)) {
    return {Error::kCorrupt, "bad program header entry size"};
  }
  if (header.phnum == 0) return {Error::kCorrupt, "no program headers"};
  if (header.phnum > kMaxProgramHeaders) return {Error::kOutOfRange, "too many program headers"};
  if (header.phoff % alignof(elf::ProgramHeader) != 0) {
    return {Error::kCorrupt, "misaligned program header table"};
  }
  if (header.phoff < sizeof(elf::FileHeader) ||
      !inside_file(file, header.phoff, uint64_t{header.phnum} * sizeof(elf::ProgramHeader))) {
    return {Error::kCorrupt, "program header table outside the file"};
  }
  return {Error::kOk, nullptr};
}

// The checks every segment with contents (PT_LOAD, PT_TLS) must pass.
Refusal check_extent(ConstBytes file, const elf::ProgramHeader& ph, UserRange range) {
  if (ph.filesz > ph.memsz) return {Error::kCorrupt, "segment larger in the file than in memory"};
  if (!inside_file(file, ph.offset, ph.filesz))
    return {Error::kCorrupt, "segment outside the file"};
  if (ph.align > 1 && !is_power_of_two(ph.align)) {
    return {Error::kCorrupt, "segment alignment is not a power of two"};
  }
  if (ph.align > 1 && ph.vaddr % ph.align != ph.offset % ph.align) {
    return {Error::kCorrupt, "segment address and offset disagree modulo its alignment"};
  }
  uint64_t end;
  if (!add_fits(ph.vaddr, ph.memsz, &end)) return {Error::kOutOfRange, "segment wraps around"};
  if (ph.vaddr < range.lowest || end > range.highest) {
    return {Error::kOutOfRange, "segment outside the user address range"};
  }
  return {Error::kOk, nullptr};
}

Refusal add_load(ElfImage& image, const elf::ProgramHeader& ph, uint64_t& total) {
  if (ph.flags & ~(elf::kFlagRead | elf::kFlagWrite | elf::kFlagExecute)) {
    return {Error::kCorrupt, "segment has unknown flags"};
  }
  if ((ph.flags & elf::kFlagWrite) && (ph.flags & elf::kFlagExecute)) {
    return {Error::kCorrupt, "segment is both writable and executable (W^X)"};
  }
  if (ph.memsz == 0) return {Error::kOk, nullptr};  // nothing to load
  if (image.segment_count == kMaxLoadSegments) return {Error::kOutOfRange, "too many segments"};
  LoadSegment segment;
  segment.vaddr = ph.vaddr;
  segment.memory_size = ph.memsz;
  segment.file_offset = ph.offset;
  segment.file_size = ph.filesz;
  segment.access = {.read = (ph.flags & elf::kFlagRead) != 0,
                    .write = (ph.flags & elf::kFlagWrite) != 0,
                    .execute = (ph.flags & elf::kFlagExecute) != 0};
  if (image.segment_count > 0) {
    // The gABI wants PT_LOADs in ascending address order; overlapping bytes
    // would make the file's meaning depend on the loading order. Two
    // segments may share a page only if they agree on its permissions.
    const LoadSegment& previous = image.segments[image.segment_count - 1];
    if (segment.vaddr < previous.vaddr + previous.memory_size) {
      return {Error::kCorrupt, "segments overlap or are out of order"};
    }
    if (segment.page_start() < previous.page_end() && !(segment.access == previous.access)) {
      return {Error::kCorrupt, "segments with different permissions share a page"};
    }
  }
  if (!add_fits(total, segment.page_end() - segment.page_start(), &total) ||
      total > kMaxImageBytes) {
    return {Error::kOutOfRange, "program too large"};
  }
  image.segments[image.segment_count++] = segment;
  return {Error::kOk, nullptr};
}

Refusal set_tls(ElfImage& image, const elf::ProgramHeader& ph) {
  if (image.tls.present) return {Error::kCorrupt, "more than one TLS segment"};
  if (ph.memsz > kMaxTlsBytes) return {Error::kOutOfRange, "TLS segment too large"};
  const uint64_t align = ph.align == 0 ? 1 : ph.align;
  if (align > kLoaderPageSize) return {Error::kOutOfRange, "TLS alignment above a page"};
  image.tls = {.present = true,
               .vaddr = ph.vaddr,
               .file_size = ph.filesz,
               .memory_size = ph.memsz,
               .align = align};
  return {Error::kOk, nullptr};
}

// The TLS image and the entry point must lie in what was loaded.
Refusal check_placement(const ElfImage& image) {
  if (image.segment_count == 0) return {Error::kCorrupt, "nothing to load"};
  bool entry_ok = false;
  bool tls_ok = !image.tls.present || image.tls.file_size == 0;
  for (const LoadSegment& segment : image.loads()) {
    if (segment.access.execute && image.entry >= segment.vaddr &&
        image.entry - segment.vaddr < segment.file_size) {
      entry_ok = true;
    }
    if (image.tls.present && image.tls.vaddr >= segment.vaddr &&
        image.tls.file_size <= segment.file_size &&
        image.tls.vaddr - segment.vaddr <= segment.file_size - image.tls.file_size) {
      tls_ok = true;
    }
  }
  if (!entry_ok) return {Error::kCorrupt, "entry point outside executable code"};
  if (image.entry % 4 != 0) return {Error::kCorrupt, "misaligned entry point"};
  if (!tls_ok) return {Error::kCorrupt, "TLS image outside the loaded segments"};
  return {Error::kOk, nullptr};
}

Refusal parse(ConstBytes file, UserRange range, ElfImage& image) {
  if (file.size() < sizeof(elf::FileHeader))
    return {Error::kCorrupt, "file shorter than an ELF header"};
  const auto header = read_at<elf::FileHeader>(file, 0);
  if (Refusal r = check_file_header(file, header); r.code != Error::kOk) return r;
  image.entry = header.entry;
  uint64_t total = 0;
  for (uint16_t i = 0; i < header.phnum; ++i) {
    const auto ph =
        read_at<elf::ProgramHeader>(file, header.phoff + i * sizeof(elf::ProgramHeader));
    Refusal r{Error::kOk, nullptr};
    switch (ph.type) {
      case elf::kSegmentLoad:
        r = check_extent(file, ph, range);
        if (r.code == Error::kOk) r = add_load(image, ph, total);
        break;
      case elf::kSegmentTls:  // the limits first: they say more than the extent
        r = set_tls(image, ph);
        if (r.code == Error::kOk) r = check_extent(file, ph, range);
        break;
      case elf::kSegmentDynamic:
      case elf::kSegmentInterp:
        r = {Error::kNotSupported, "dynamically linked programs are not supported"};
        break;
      case elf::kSegmentGnuStack:
        if (ph.flags & elf::kFlagExecute)
          r = {Error::kCorrupt, "program asks for an executable stack"};
        break;
      default:  // notes, PT_PHDR, RELRO, properties: nothing to load
        break;
    }
    if (r.code != Error::kOk) return r;
  }
  return check_placement(image);
}

}  // namespace

Result<ElfImage> parse_elf(ConstBytes file, UserRange range, const char** reason) {
  ElfImage image;
  const Refusal refusal = parse(file, range, image);
  if (refusal.code != Error::kOk) {
    if (reason != nullptr) *reason = refusal.why;
    return refusal.code;
  }
  if (reason != nullptr) *reason = nullptr;
  return image;
}

}  // namespace viper::loader
