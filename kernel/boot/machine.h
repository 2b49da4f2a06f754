// What the kernel learns about the machine from the device tree: RAM, CPUs,
// console UART, interrupt controller, timer interrupt, virtio-mmio slots,
// PSCI conduit, the command line and the initrd. Nothing about the machine is
// hard-coded elsewhere.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/addr.h"
#include "kernel/lib/result.h"

namespace viper::boot {

inline constexpr uint32_t kMaxMemoryRanges = 8;
inline constexpr uint32_t kMaxDtbCpus = 8;
inline constexpr uint32_t kMaxVirtioSlots = 32;
inline constexpr size_t kMaxBootArgs = 256;

struct MemoryRange {
  PhysAddr base;
  uint64_t size = 0;
};

struct MmioRegion {
  PhysAddr base;
  uint64_t size = 0;
  uint32_t irq = 0;  // GIC INTID, 0 if none
};

enum class PsciConduit { kNone, kHvc, kSmc };

struct MachineDescription {
  MemoryRange memory[kMaxMemoryRanges];
  uint32_t memory_count = 0;

  uint64_t cpu_hwids[kMaxDtbCpus] = {};  // MPIDR affinity of each CPU, in DTB order
  uint32_t cpu_count = 0;
  uint32_t cpus_ignored = 0;  // listed beyond kMaxDtbCpus

  MmioRegion uart;  // the first arm,pl011
  MmioRegion rtc;   // the first arm,pl031 (size 0: none)
  MmioRegion gic_distributor;
  MmioRegion gic_redistributors;
  uint32_t gic_version = 0;  // 3, or 2 for a GICv2 (not driven yet)

  uint32_t timer_virtual_irq = 0;   // INTID of the EL1 virtual timer
  uint32_t timer_physical_irq = 0;  // INTID of the EL1 non-secure physical timer

  MmioRegion virtio[kMaxVirtioSlots];
  uint32_t virtio_count = 0;

  PsciConduit psci = PsciConduit::kNone;
  char bootargs[kMaxBootArgs] = {};
  // The boot archive the loader put in RAM (/chosen linux,initrd-start and
  // -end); size 0 if there is none.
  MemoryRange initrd;

  uint64_t total_memory() const;
  // Whether `range` lies inside one RAM range.
  bool contains(const MemoryRange& range) const;
};

// Reads a DTB. On failure, *reason says what was wrong (malformed blob, a
// device the kernel cannot run without: memory, CPUs, UART, GIC, timer, or
// an initrd that is not inside RAM).
Result<MachineDescription> describe_machine(const void* dtb, size_t available, const char** reason);

}  // namespace viper::boot
