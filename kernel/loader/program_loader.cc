#include "kernel/loader/program_loader.h"

#include "kernel/arch/user_access.h"
#include "mm/vmm/prot.h"

namespace viper::loader {
namespace {

uint32_t prot_of(SegmentAccess access) {
  return (access.read ? mm::kProtRead : 0) | (access.write ? mm::kProtWrite : 0) |
         (access.execute ? mm::kProtExec : 0);
}

size_t string_bytes(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n + 1;
}

}  // namespace

Status load_segments(const ElfImage& image, ConstBytes file, mm::AddressSpace& space) {
  // Pages first, writable, so the file bytes can be copied in; segments
  // that share a page (same permissions: the parser checked) share its
  // mapping.
  uint64_t mapped_until = 0;
  for (const LoadSegment& segment : image.loads()) {
    const uint64_t start =
        segment.page_start() > mapped_until ? segment.page_start() : mapped_until;
    if (segment.page_end() > start) {
      TRY(space.map_anonymous(VirtAddr(start), segment.page_end() - start,
                              mm::kProtRead | mm::kProtWrite));
      mapped_until = segment.page_end();
    }
  }
  for (const LoadSegment& segment : image.loads()) {
    if (segment.file_size == 0) continue;  // .bss: the pages are zero already
    TRY(arch::copy_to_user(VirtAddr(segment.vaddr), file.data() + segment.file_offset,
                           segment.file_size));
  }
  // Final permissions; code becomes visible to instruction fetch.
  for (const LoadSegment& segment : image.loads()) {
    if (segment.access.execute) {
      arch::sync_user_code(VirtAddr(segment.vaddr), segment.memory_size);
    }
    TRY(space.protect(VirtAddr(segment.page_start()), segment.page_end() - segment.page_start(),
                      prot_of(segment.access)));
  }
  return ok_status();
}

Result<VirtAddr> build_initial_stack(mm::AddressSpace& space, Span<const char* const> argv,
                                     Span<const char* const> envp, const ElfImage& image,
                                     uint64_t bootstrap) {
  if (argv.size() > kMaxArguments || envp.size() > kMaxArguments) return Error::kOutOfRange;
  size_t strings = 0;
  for (const char* s : argv) strings += string_bytes(s);
  for (const char* s : envp) strings += string_bytes(s);
  if (strings > kMaxArgumentBytes) return Error::kOutOfRange;

  TRY(space.map_stack(VirtAddr(kStackTop), kInitialStackBytes));
  // From the top: the strings, then (16-byte aligned) argc, argv[], NULL,
  // envp[], NULL, auxv pairs, AT_NULL.
  const uint64_t strings_at = (kStackTop - strings) & ~uint64_t{15};
  const size_t words = 1 + argv.size() + 1 + envp.size() + 1 + 2 * 4;
  const uint64_t sp = (strings_at - words * 8) & ~uint64_t{15};
  if (kStackTop - sp > kInitialStackBytes) return Error::kOutOfRange;

  uint64_t string_cursor = strings_at;
  uint64_t word_cursor = sp;
  auto put_word = [&](uint64_t value) -> Status {
    TRY(arch::copy_to_user(VirtAddr(word_cursor), &value, sizeof(value)));
    word_cursor += sizeof(value);
    return ok_status();
  };
  auto put_strings = [&](Span<const char* const> list) -> Status {
    for (const char* s : list) {
      const size_t bytes = string_bytes(s);
      TRY(arch::copy_to_user(VirtAddr(string_cursor), s, bytes));
      TRY(put_word(string_cursor));
      string_cursor += bytes;
    }
    return put_word(0);
  };
  TRY(put_word(argv.size()));
  TRY(put_strings(argv));
  TRY(put_strings(envp));
  TRY(put_word(kAuxPageSize));
  TRY(put_word(kLoaderPageSize));
  TRY(put_word(kAuxEntry));
  TRY(put_word(image.entry));
  TRY(put_word(kAuxBootstrap));
  TRY(put_word(bootstrap));
  TRY(put_word(kAuxNull));
  TRY(put_word(0));
  return VirtAddr(sp);
}

Status map_signal_trampoline(mm::AddressSpace& space) {
  // mov x8, #VIPER_SYS_SIGNAL_RETURN; svc #0; brk #0 (never reached).
  static constexpr uint32_t kCode[] = {0xd2800008u | (VIPER_SYS_SIGNAL_RETURN << 5), 0xd4000001u,
                                       0xd4200000u};
  const VirtAddr page(VIPER_SIGNAL_TRAMPOLINE);
  TRY(space.map_anonymous(page, kLoaderPageSize, mm::kProtRead | mm::kProtWrite));
  TRY(arch::copy_to_user(page, kCode, sizeof(kCode)));
  arch::sync_user_code(page, sizeof(kCode));
  return space.protect(page, kLoaderPageSize, mm::kProtRead | mm::kProtExec);
}

Result<ProgramStart> load_program(const ElfImage& image, ConstBytes file, mm::AddressSpace& space,
                                  Span<const char* const> argv, Span<const char* const> envp,
                                  uint64_t bootstrap) {
  TRY(load_segments(image, file, space));
  TRY(map_signal_trampoline(space));
  const VirtAddr sp = TRY(build_initial_stack(space, argv, envp, image, bootstrap));
  return ProgramStart{.entry = VirtAddr(image.entry), .stack_pointer = sp};
}

}  // namespace viper::loader
