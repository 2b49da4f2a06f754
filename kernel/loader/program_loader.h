// Loading a checked ELF image (elf_image.h) into a new address space: each
// segment's pages reserved, its file bytes copied, its final permissions
// set (W^X holds: the parser refused anything else), the code made visible
// to instruction fetch; then the initial stack with argc, argv, envp and
// the auxiliary vector that _start reads (docs/userspace.md).
//
// Every page with contents (file bytes, the stack's top, the trampoline)
// is filled through the direct map and mapped with its final permissions
// (AddressSpace::populate), so the caller need not run in `space`, and
// loading takes no fault and no TLB maintenance. Nothing else can see the
// space yet: a failure leaves it for the caller to destroy, with whatever
// was mapped.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <viperdos/syscalls.h>

#include "kernel/lib/addr.h"
#include "kernel/lib/atomic.h"
#include "kernel/lib/result.h"
#include "kernel/lib/span.h"
#include "kernel/loader/elf_image.h"
#include "mm/vm/address_space.h"

namespace viper::loader {

// Where programs may be placed, and where their stack goes.
inline constexpr UserRange kProgramRange{0x10000, 0x7f00'0000'0000};
inline constexpr uint64_t kStackTop = 0x7fff'ffff'0000;
inline constexpr uint64_t kInitialStackBytes = 64 * 1024;

// What a program is started with, and its named limits.
inline constexpr size_t kMaxArguments = 256;        // argv and envp entries, each
inline constexpr size_t kMaxArgumentBytes = 32768;  // all strings together, with NULs

// Auxiliary vector tags the kernel provides (<viperdos/syscalls.h>).
inline constexpr uint64_t kAuxNull = VIPER_AUX_NULL;
inline constexpr uint64_t kAuxPageSize = VIPER_AUX_PAGE_SIZE;
inline constexpr uint64_t kAuxEntry = VIPER_AUX_ENTRY;
inline constexpr uint64_t kAuxBootstrap = VIPER_AUX_BOOTSTRAP;

// Read-only segments (text, constants) of programs whose file never
// changes — the boot archive's — filled once and from then on mapped
// copy-on-write into every space that runs them
// (AddressSpace::map_copy_on_write). A spawn then copies no code, and QEMU
// keeps what it translated of it: writing a page that held code makes QEMU
// drop every translation of that page, so fresh copies were translated
// anew by every child (docs/performance.md, spawn). The cache keeps one
// share of each frame, so no space ever takes a frame over, and frames
// stay for the life of the kernel (tens of programs, tens of KiB each).
//
// Lock-free: a slot is claimed by a CAS on its key (the segment's bytes in
// the archive) and published by its ready flag; a load that finds its
// slot still being filled, no free slot, or a segment that does not fit
// loads the segment the ordinary way.
class ProgramCache {
 public:
  static constexpr uint32_t kSlots = 64;
  static constexpr uint32_t kMaxPages = 64;  // bigger segments are not cached

  // The frames holding `segment` (file bytes at `source`), filled on the
  // first call; empty when it is not cached (see above) or memory ran out.
  Span<const PhysAddr> frames(const LoadSegment& segment, const uint8_t* source,
                              mm::PhysicalMemory& memory);
  // Frees every frame (tests: the spaces that mapped them are gone).
  void release_all(mm::PhysicalMemory& memory);

 private:
  struct Slot {
    Atomic<const uint8_t*> key{nullptr};
    Atomic<uint32_t> ready{0};
    uint32_t pages = 0;
    PhysAddr frames[kMaxPages];
  };
  bool fill(Slot& slot, const LoadSegment& segment, const uint8_t* source,
            mm::PhysicalMemory& memory);
  Slot slots_[kSlots];
};

struct ProgramStart {
  VirtAddr entry;
  VirtAddr stack_pointer;  // at argc
};

// Maps `image` (parsed from `file`) into `space`; read-only segments
// through `cache` when given (only for a file that never changes).
// kNoMemory, kAlreadyExists (the space is not empty).
Status load_segments(const ElfImage& image, ConstBytes file, mm::AddressSpace& space,
                     ProgramCache* cache = nullptr);

// Reserves the stack and writes argc/argv/envp/auxv on it; `bootstrap` is
// the child's bootstrap handle value (VIPER_AUX_BOOTSTRAP), 0 for none.
// kOutOfRange beyond the limits above, kNoMemory, kAlreadyExists.
Result<VirtAddr> build_initial_stack(mm::AddressSpace& space, Span<const char* const> argv,
                                     Span<const char* const> envp, const ElfImage& image,
                                     uint64_t bootstrap = 0);

// The page signal handlers return through (VIPER_SIGNAL_TRAMPOLINE):
// `mov x8, #VIPER_SYS_SIGNAL_RETURN; svc #0`, read-only and executable, in
// every process, so no code ever runs from a stack. kNoMemory,
// kAlreadyExists.
Status map_signal_trampoline(mm::AddressSpace& space);

// All three, in order.
Result<ProgramStart> load_program(const ElfImage& image, ConstBytes file, mm::AddressSpace& space,
                                  Span<const char* const> argv, Span<const char* const> envp,
                                  uint64_t bootstrap = 0, ProgramCache* cache = nullptr);

}  // namespace viper::loader
