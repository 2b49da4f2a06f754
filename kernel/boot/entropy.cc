// The entropy device (disks.h): the first virtio-rng on the machine.
#include "drivers/virtio/registers.h"
#include "drivers/virtio_rng/virtio_rng.h"
#include "kernel/arch/arch.h"
#include "kernel/boot/disks.h"
#include "kernel/boot/platform.h"
#include "kernel/boot/smp.h"
#include "kernel/lib/printk.h"
#include "kernel/syscall/system.h"
#include "mm/kheap/make.h"

namespace viper::boot {
namespace {

struct Entropy {
  Entropy(volatile uint32_t* base, uint32_t irq_line)
      : registers(base), rng(registers), irq(irq_line) {}
  drivers::virtio::MmioRegisters registers;
  drivers::VirtioRng rng;
  uint32_t irq;
};

// Written once by start_entropy before its interrupt is enabled.
Entropy* g_entropy = nullptr;

Result<size_t> read_entropy(uint8_t* out, size_t bytes) { return g_entropy->rng.read(out, bytes); }

}  // namespace

Status start_entropy(const VirtioSlot& virtio) {
  const MmioRegion& slot = virtio.region;
  if (g_entropy != nullptr) return Error::kBadState;  // one is enough
  if (slot.irq < 32) return Error::kNotSupported;     // the answer comes by interrupt
  const drivers::virtio::DmaRegion queue = TRY(dma_pages(drivers::VirtioRng::queue_bytes()));
  const drivers::virtio::DmaRegion buffer = TRY(dma_pages(drivers::VirtioRng::kBufferBytes));
  mm::Own<Entropy> entropy =
      TRY(mm::make<Entropy>(arch::phys_to_virt(slot.base).as<volatile uint32_t>(), slot.irq));
  TRY(entropy->rng.start(queue, buffer));
  printk(LogLevel::kInfo, "entropy: virtio-rng v%u at 0x%llx irq %u", virtio.version,
         static_cast<unsigned long long>(slot.base.value()), slot.irq);
  g_entropy = entropy.leak();
  return ok_status();
}

void enable_entropy_interrupt() {
  if (g_entropy == nullptr) return;
  platform().gic.enable_shared(g_entropy->irq, 0x80, percpu(0).hardware_id);
  syscall::set_entropy_source(&read_entropy);
}

bool handle_entropy_interrupt(uint32_t intid) {
  if (g_entropy == nullptr || g_entropy->irq != intid) return false;
  g_entropy->rng.on_interrupt();
  return true;
}

}  // namespace viper::boot
