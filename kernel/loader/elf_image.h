// What a static ELF64 AArch64 executable asks to be loaded: its segments
// with their permissions, its TLS template and its entry point — checked
// against the file's size and the user address range before anything is
// mapped. The parser only reads the file; the loader maps what it says.
//
// Everything that could make loading misbehave is refused here, with the
// reason in words: truncated or overlapping headers, the wrong class,
// byte order, machine or type, segments outside the file or the user
// range, sizes that overflow or exceed the limits, overlapping segments or
// segments that share a page with different permissions, a segment both writable and
// executable (W^X), an entry point outside executable text, dynamic
// linking (ViperDOS programs are static).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/lib/span.h"

namespace viper::loader {

// Named limits: a program beyond them is refused, not half-loaded.
inline constexpr uint16_t kMaxProgramHeaders = 64;
inline constexpr size_t kMaxLoadSegments = 16;
inline constexpr uint64_t kMaxImageBytes = 1ull << 30;  // all PT_LOADs together
inline constexpr uint64_t kMaxTlsBytes = 1ull << 20;
inline constexpr uint64_t kLoaderPageSize = 4096;

// Where in the address space a program may be placed: [lowest, highest).
struct UserRange {
  uint64_t lowest;
  uint64_t highest;
};

struct SegmentAccess {
  bool read = false;
  bool write = false;
  bool execute = false;
  bool operator==(const SegmentAccess&) const = default;
};

struct LoadSegment {
  uint64_t vaddr = 0;        // where the segment's first byte goes
  uint64_t memory_size = 0;  // bytes in memory; beyond file_size: zero (.bss)
  uint64_t file_offset = 0;
  uint64_t file_size = 0;
  SegmentAccess access;

  // The pages the segment touches: [page_start, page_end).
  uint64_t page_start() const { return vaddr & ~(kLoaderPageSize - 1); }
  uint64_t page_end() const {
    return (vaddr + memory_size + kLoaderPageSize - 1) & ~(kLoaderPageSize - 1);
  }
};

// PT_TLS: the initial image of every thread's thread-local block.
struct TlsTemplate {
  bool present = false;
  uint64_t vaddr = 0;        // .tdata, inside a loaded segment
  uint64_t file_size = 0;    // bytes copied from .tdata
  uint64_t memory_size = 0;  // plus zeroed .tbss
  uint64_t align = 1;
};

struct ElfImage {
  uint64_t entry = 0;
  LoadSegment segments[kMaxLoadSegments];
  size_t segment_count = 0;
  TlsTemplate tls;

  Span<const LoadSegment> loads() const { return Span<const LoadSegment>(segments, segment_count); }
};

// Checks `file` and describes it. Every refusal is kCorrupt (the file is
// not a well-formed program), kNotSupported (well-formed, but not for
// ViperDOS: dynamic linking, a position-independent executable) or
// kOutOfRange (it does not fit `range` or the limits). `reason`, when
// given, receives a static sentence saying what was wrong.
Result<ElfImage> parse_elf(ConstBytes file, UserRange range, const char** reason = nullptr);

}  // namespace viper::loader
