#include "kernel/loader/program_loader.h"

#include "kernel/arch/arch.h"
#include "kernel/arch/user_access.h"
#include "mm/vmm/prot.h"

namespace viper::loader {
namespace {

uint32_t prot_of(SegmentAccess access) {
  return (access.read ? mm::kProtRead : 0) | (access.write ? mm::kProtWrite : 0) |
         (access.execute ? mm::kProtExec : 0);
}

// Copies the part of [va, va + n) (from `from`) that falls into the page at
// `page`, whose bytes are at `bytes`.
void copy_overlap(uint8_t* bytes, uint64_t page, uint64_t va, const void* from, uint64_t n) {
  const uint64_t lo = va > page ? va : page;
  const uint64_t hi = va + n < page + kLoaderPageSize ? va + n : page + kLoaderPageSize;
  if (lo >= hi) return;
  __builtin_memcpy(bytes + (lo - page), static_cast<const uint8_t*>(from) + (lo - va), hi - lo);
}

// Whether `segment` may come from the cache: read-only, all of it file
// bytes, and no other segment on its pages.
bool cacheable(const ElfImage& image, const LoadSegment& segment) {
  if (segment.access.write || segment.file_size == 0 || segment.file_size != segment.memory_size) {
    return false;
  }
  if ((segment.page_end() - segment.page_start()) / kLoaderPageSize > ProgramCache::kMaxPages) {
    return false;
  }
  for (const LoadSegment& other : image.loads()) {
    if (&other == &segment) continue;
    if (other.page_start() < segment.page_end() && other.page_end() > segment.page_start()) {
      return false;
    }
  }
  return true;
}

size_t string_bytes(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n + 1;
}

}  // namespace

Span<const PhysAddr> ProgramCache::frames(const LoadSegment& segment, const uint8_t* source,
                                          mm::PhysicalMemory& memory) {
  const uint64_t pages = (segment.page_end() - segment.page_start()) / kLoaderPageSize;
  if (source == nullptr || pages == 0 || pages > kMaxPages) return {};
  for (Slot& slot : slots_) {
    const uint8_t* key = slot.key.load(MemoryOrder::kAcquire);
    if (key == nullptr) {
      // The first free slot: claim it for this segment, unless another
      // load just did (for this segment or another).
      if (!slot.key.compare_exchange(key, source, MemoryOrder::kAcqRel, MemoryOrder::kAcquire)) {
        if (key != source) continue;
        return {};  // being filled by that load
      }
      if (!fill(slot, segment, source, memory)) return {};  // claimed for good: not cached
      slot.ready.store(1, MemoryOrder::kRelease);
      return Span<const PhysAddr>(slot.frames, slot.pages);
    }
    if (key != source) continue;
    if (slot.ready.load(MemoryOrder::kAcquire) == 0) return {};
    return Span<const PhysAddr>(slot.frames, slot.pages);
  }
  return {};  // full
}

bool ProgramCache::fill(Slot& slot, const LoadSegment& segment, const uint8_t* source,
                        mm::PhysicalMemory& memory) {
  const uint32_t pages =
      static_cast<uint32_t>((segment.page_end() - segment.page_start()) / kLoaderPageSize);
  for (uint32_t i = 0; i < pages; ++i) {
    Result<PhysAddr> frame = memory.alloc_page();
    if (!frame.ok()) {
      for (uint32_t k = 0; k < i; ++k) {
        memory.frame(slot.frames[k])->shares.store(0, MemoryOrder::kRelaxed);
        (void)memory.free_page(slot.frames[k]);
      }
      return false;
    }
    uint8_t* bytes = arch::phys_to_virt(frame.value()).as<uint8_t>();
    arch::zero_page(arch::phys_to_virt(frame.value()));
    const uint64_t page = segment.page_start() + uint64_t{i} * kLoaderPageSize;
    copy_overlap(bytes, page, segment.vaddr, source, segment.file_size);
    if (segment.access.execute) arch::sync_code_alias(bytes, kLoaderPageSize);
    memory.frame(frame.value())->shares.store(1, MemoryOrder::kRelaxed);  // the cache's
    slot.frames[i] = frame.value();
  }
  slot.pages = pages;
  return true;
}

void ProgramCache::release_all(mm::PhysicalMemory& memory) {
  for (Slot& slot : slots_) {
    if (slot.ready.load(MemoryOrder::kAcquire) == 0) continue;
    for (uint32_t i = 0; i < slot.pages; ++i) {
      memory.frame(slot.frames[i])->shares.store(0, MemoryOrder::kRelaxed);
      (void)memory.free_page(slot.frames[i]);
    }
    slot.ready.store(0, MemoryOrder::kRelaxed);
    slot.pages = 0;
    slot.key.store(nullptr, MemoryOrder::kRelease);
  }
}

Status load_segments(const ElfImage& image, ConstBytes file, mm::AddressSpace& space,
                     ProgramCache* cache) {
  // Each segment's pages reserved with their final permissions (segments
  // that share a page have the same ones: the parser checked, so they
  // share its mapping); the rest of a segment (.bss, the heap) stays
  // reserved and appears zeroed on first touch.
  bool cached[kMaxLoadSegments] = {};
  uint64_t mapped_until = 0;
  for (const LoadSegment& segment : image.loads()) {
    const size_t index = static_cast<size_t>(&segment - image.segments);
    if (cache && cacheable(image, segment)) {
      const Span<const PhysAddr> frames =
          cache->frames(segment, file.data() + segment.file_offset, space.memory());
      if (frames.size() != 0) {
        TRY(space.map_copy_on_write(VirtAddr(segment.page_start()), frames,
                                    prot_of(segment.access)));
        cached[index] = true;
        mapped_until = segment.page_end();
        continue;
      }
    }
    const uint64_t start =
        segment.page_start() > mapped_until ? segment.page_start() : mapped_until;
    if (segment.page_end() > start) {
      TRY(space.map_anonymous(VirtAddr(start), segment.page_end() - start,
                              prot_of(segment.access)));
      mapped_until = segment.page_end();
    }
  }
  // Pages holding file bytes are filled through the direct map and mapped
  // at once: no fault per page, no switch into the space, no permission
  // change afterwards (each a TLB flush under QEMU; docs/performance.md).
  uint64_t populated_until = 0;
  for (const LoadSegment& segment : image.loads()) {
    if (segment.file_size == 0) continue;  // .bss: the pages are zero already
    if (cached[&segment - image.segments]) continue;
    const uint64_t file_end =
        (segment.vaddr + segment.file_size + kLoaderPageSize - 1) & ~(kLoaderPageSize - 1);
    for (uint64_t page = segment.page_start(); page < file_end; page += kLoaderPageSize) {
      if (page < populated_until) continue;  // the previous segment's last page
      TRY(space.populate(VirtAddr(page), [&](uint8_t* bytes) {
        for (const LoadSegment& s : image.loads()) {
          copy_overlap(bytes, page, s.vaddr, file.data() + s.file_offset, s.file_size);
        }
        if (segment.access.execute) arch::sync_code_alias(bytes, kLoaderPageSize);
      }));
      populated_until = page + kLoaderPageSize;
    }
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

  // Each page of it is written whole before it is mapped (populate): the
  // writer below runs once per page and keeps only what falls into it.
  for (uint64_t page = sp & ~(kLoaderPageSize - 1); page < kStackTop; page += kLoaderPageSize) {
    TRY(space.populate(VirtAddr(page), [&](uint8_t* bytes) {
      uint64_t string_cursor = strings_at;
      uint64_t word_cursor = sp;
      auto put_word = [&](uint64_t value) {
        copy_overlap(bytes, page, word_cursor, &value, sizeof(value));
        word_cursor += sizeof(value);
      };
      auto put_strings = [&](Span<const char* const> list) {
        for (const char* s : list) {
          const size_t length = string_bytes(s);
          copy_overlap(bytes, page, string_cursor, s, length);
          put_word(string_cursor);
          string_cursor += length;
        }
        put_word(0);
      };
      put_word(argv.size());
      put_strings(argv);
      put_strings(envp);
      put_word(kAuxPageSize);
      put_word(kLoaderPageSize);
      put_word(kAuxEntry);
      put_word(image.entry);
      put_word(kAuxBootstrap);
      put_word(bootstrap);
      put_word(kAuxNull);
      put_word(0);
    }));
  }
  return VirtAddr(sp);
}

Status map_signal_trampoline(mm::AddressSpace& space) {
  // mov x8, #VIPER_SYS_SIGNAL_RETURN; svc #0; brk #0 (never reached).
  static constexpr uint32_t kCode[] = {0xd2800008u | (VIPER_SYS_SIGNAL_RETURN << 5), 0xd4000001u,
                                       0xd4200000u};
  const VirtAddr page(VIPER_SIGNAL_TRAMPOLINE);
  TRY(space.map_anonymous(page, kLoaderPageSize, mm::kProtRead | mm::kProtExec));
  return space.populate(page, [](uint8_t* bytes) {
    __builtin_memcpy(bytes, kCode, sizeof(kCode));
    arch::sync_code_alias(bytes, sizeof(kCode));
  });
}

Result<ProgramStart> load_program(const ElfImage& image, ConstBytes file, mm::AddressSpace& space,
                                  Span<const char* const> argv, Span<const char* const> envp,
                                  uint64_t bootstrap, ProgramCache* cache) {
  TRY(load_segments(image, file, space, cache));
  TRY(map_signal_trampoline(space));
  const VirtAddr sp = TRY(build_initial_stack(space, argv, envp, image, bootstrap));
  return ProgramStart{.entry = VirtAddr(image.entry), .stack_pointer = sp};
}

}  // namespace viper::loader
