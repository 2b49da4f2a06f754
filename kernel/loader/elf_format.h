// The ELF64 structures and constants the loader reads (System V gABI and
// the AArch64 ELF ABI), little-endian only. Only what the loader checks is
// named here; the file is read through these, never cast from unchecked
// offsets.
#pragma once

#include <stdint.h>

namespace viper::loader::elf {

inline constexpr uint8_t kMagic[4] = {0x7f, 'E', 'L', 'F'};
inline constexpr uint8_t kClass64 = 2;         // EI_CLASS: ELFCLASS64
inline constexpr uint8_t kDataLittle = 1;      // EI_DATA: ELFDATA2LSB
inline constexpr uint8_t kVersionCurrent = 1;  // EI_VERSION, e_version
inline constexpr uint16_t kTypeExec = 2;       // ET_EXEC
inline constexpr uint16_t kTypeDyn = 3;        // ET_DYN (position independent)
inline constexpr uint16_t kMachineAarch64 = 183;

struct FileHeader {
  uint8_t ident[16];
  uint16_t type;
  uint16_t machine;
  uint32_t version;
  uint64_t entry;
  uint64_t phoff;
  uint64_t shoff;
  uint32_t flags;
  uint16_t ehsize;
  uint16_t phentsize;
  uint16_t phnum;
  uint16_t shentsize;
  uint16_t shnum;
  uint16_t shstrndx;
};
static_assert(sizeof(FileHeader) == 64);

// Program header types.
inline constexpr uint32_t kSegmentNull = 0;
inline constexpr uint32_t kSegmentLoad = 1;
inline constexpr uint32_t kSegmentDynamic = 2;
inline constexpr uint32_t kSegmentInterp = 3;
inline constexpr uint32_t kSegmentTls = 7;
inline constexpr uint32_t kSegmentGnuStack = 0x6474e551;

// Program header flags.
inline constexpr uint32_t kFlagExecute = 1;
inline constexpr uint32_t kFlagWrite = 2;
inline constexpr uint32_t kFlagRead = 4;

struct ProgramHeader {
  uint32_t type;
  uint32_t flags;
  uint64_t offset;
  uint64_t vaddr;
  uint64_t paddr;
  uint64_t filesz;
  uint64_t memsz;
  uint64_t align;
};
static_assert(sizeof(ProgramHeader) == 56);

}  // namespace viper::loader::elf
