// Arm GICv3 interrupt controller (IHI 0069): distributor, one redistributor
// per CPU, and the CPU interface through ICC_* system registers. SGIs carry
// inter-processor interrupts; PPIs the per-CPU timer; SPIs devices.
#pragma once

#include <stdint.h>

#include "kernel/arch/arch.h"
#include "kernel/lib/addr.h"
#include "kernel/lib/result.h"

namespace viper::drivers {

class GicV3 {
 public:
  static constexpr uint32_t kSpuriousIntid = 1023;

  // Once, on the boot CPU: `distributor` and `redistributors` are mapped.
  Status init(VirtAddr distributor, VirtAddr redistributors, uint64_t redistributors_size);

  // On every CPU (boot CPU too): wakes this CPU's redistributor, sets up
  // SGIs/PPIs as group 1 and enables the CPU interface.
  Status init_this_cpu();

  // Per-CPU interrupts (SGI 0-15, PPI 16-31), on the calling CPU.
  void enable_private(uint32_t intid, uint8_t priority);
  // Shared peripheral interrupt routed to the CPU with `target_hwid`.
  void enable_shared(uint32_t intid, uint8_t priority, uint64_t target_hwid);

  uint32_t acknowledge();
  void end_of_interrupt(uint32_t intid);

  void send_sgi(uint32_t sgi, uint64_t target_hwid);
  void send_sgi_to_others(uint32_t sgi);

 private:
  volatile uint32_t* redistributor_sgi_frame(uint32_t cpu) const;

  VirtAddr dist_;
  VirtAddr redist_[arch::kMaxCpus];
  VirtAddr redist_region_;
  uint64_t redist_region_size_ = 0;
};

}  // namespace viper::drivers
