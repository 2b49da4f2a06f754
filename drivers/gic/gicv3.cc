#include "drivers/gic/gicv3.h"

#include "kernel/lib/printk.h"

namespace viper::drivers {
namespace {

// Distributor registers.
constexpr uint64_t kGicdCtlr = 0x0000;
constexpr uint64_t kGicdTyper = 0x0004;
constexpr uint64_t kGicdIgroupr = 0x0080;
constexpr uint64_t kGicdIsenabler = 0x0100;
constexpr uint64_t kGicdIcenabler = 0x0180;
constexpr uint64_t kGicdIpriorityr = 0x0400;
constexpr uint64_t kGicdIrouter = 0x6000;
constexpr uint32_t kGicdCtlrRwp = 1u << 31;
// Non-secure view (or DS=1): EnableGrp1(A) and ARE(_NS).
constexpr uint32_t kGicdCtlrEnableGrp1 = 1u << 1;
constexpr uint32_t kGicdCtlrAre = 1u << 4;

// Redistributor: RD_base frame, then SGI_base frame 64 KiB later.
constexpr uint64_t kGicrTyper = 0x0008;
constexpr uint64_t kGicrWaker = 0x0014;
constexpr uint64_t kGicrStride = 0x20000;
constexpr uint64_t kGicrSgiBase = 0x10000;
constexpr uint64_t kGicrIgroupr0 = 0x0080;
constexpr uint64_t kGicrIsenabler0 = 0x0100;
constexpr uint64_t kGicrIcenabler0 = 0x0180;
constexpr uint64_t kGicrIpriorityr = 0x0400;
constexpr uint32_t kWakerProcessorSleep = 1u << 1;
constexpr uint32_t kWakerChildrenAsleep = 1u << 2;
constexpr uint64_t kTyperLast = 1u << 4;

inline volatile uint32_t& reg32(VirtAddr base, uint64_t offset) {
  return *(base + offset).as<volatile uint32_t>();
}
inline volatile uint64_t& reg64(VirtAddr base, uint64_t offset) {
  return *(base + offset).as<volatile uint64_t>();
}

uint64_t affinity_of(uint64_t hwid) {
  // MPIDR Aff3.Aff2.Aff1.Aff0 packed as in GICR_TYPER[63:32].
  return ((hwid >> 8) & 0xff000000ull) | (hwid & 0xffffffull);
}

void wait_distributor(VirtAddr dist) {
  while (reg32(dist, kGicdCtlr) & kGicdCtlrRwp) arch::cpu_relax();
}

#define ICC_WRITE(reg, value) \
  asm volatile("msr " reg ", %0\n isb" : : "r"(uint64_t(value)) : "memory")

}  // namespace

Status GicV3::init(VirtAddr distributor, VirtAddr redistributors, uint64_t redistributors_size) {
  dist_ = distributor;
  redist_region_ = redistributors;
  redist_region_size_ = redistributors_size;
  reg32(dist_, kGicdCtlr) = 0;
  wait_distributor(dist_);
  const uint32_t lines = 32 * ((reg32(dist_, kGicdTyper) & 0x1f) + 1);
  // SPIs: group 1, disabled, middle priority, until a driver enables them.
  for (uint32_t intid = 32; intid < lines; intid += 32) {
    reg32(dist_, kGicdIgroupr + intid / 8) = ~0u;
    reg32(dist_, kGicdIcenabler + intid / 8) = ~0u;
  }
  for (uint32_t intid = 32; intid < lines; intid += 4) {
    reg32(dist_, kGicdIpriorityr + intid) = 0xa0a0a0a0;
  }
  reg32(dist_, kGicdCtlr) = kGicdCtlrAre;
  wait_distributor(dist_);
  reg32(dist_, kGicdCtlr) = kGicdCtlrAre | kGicdCtlrEnableGrp1;
  wait_distributor(dist_);
  return ok_status();
}

Status GicV3::init_this_cpu() {
  const uint32_t cpu = arch::cpu_id();
  const uint64_t affinity = affinity_of(arch::this_cpu()->hardware_id);
  VirtAddr found;
  for (uint64_t offset = 0; offset + kGicrStride <= redist_region_size_; offset += kGicrStride) {
    const VirtAddr frame = redist_region_ + offset;
    const uint64_t typer = reg64(frame, kGicrTyper);
    if ((typer >> 32) == affinity) {
      found = frame;
      break;
    }
    if (typer & kTyperLast) break;
  }
  if (found.is_null()) return Error::kNotFound;
  redist_[cpu] = found;

  reg32(found, kGicrWaker) = reg32(found, kGicrWaker) & ~kWakerProcessorSleep;
  while (reg32(found, kGicrWaker) & kWakerChildrenAsleep) arch::cpu_relax();

  const VirtAddr sgi = found + kGicrSgiBase;
  reg32(sgi, kGicrIgroupr0) = ~0u;    // SGIs and PPIs are group 1
  reg32(sgi, kGicrIcenabler0) = ~0u;  // all off until enabled
  for (uint32_t i = 0; i < 32; i += 4) reg32(sgi, kGicrIpriorityr + i) = 0xa0a0a0a0;

  ICC_WRITE("S3_0_C12_C12_5", 0x7);  // ICC_SRE_EL1: system registers on
  ICC_WRITE("S3_0_C4_C6_0", 0xf0);   // ICC_PMR_EL1: let priorities < 0xf0 in
  ICC_WRITE("S3_0_C12_C12_3", 0);    // ICC_BPR1_EL1: no subpriority grouping
  ICC_WRITE("S3_0_C12_C12_7", 1);    // ICC_IGRPEN1_EL1: group 1 on
  return ok_status();
}

volatile uint32_t* GicV3::redistributor_sgi_frame(uint32_t cpu) const {
  return (redist_[cpu] + kGicrSgiBase).as<volatile uint32_t>();
}

void GicV3::enable_private(uint32_t intid, uint8_t priority) {
  const VirtAddr sgi = redist_[arch::cpu_id()] + kGicrSgiBase;
  *(sgi + kGicrIpriorityr + intid).as<volatile uint8_t>() = priority;
  reg32(sgi, kGicrIsenabler0) = 1u << intid;
}

void GicV3::enable_shared(uint32_t intid, uint8_t priority, uint64_t target_hwid) {
  *(dist_ + kGicdIpriorityr + intid).as<volatile uint8_t>() = priority;
  reg64(dist_, kGicdIrouter + 8 * intid) = target_hwid & 0xff00ffffffull;
  reg32(dist_, kGicdIsenabler + (intid / 32) * 4) = 1u << (intid % 32);
}

uint32_t GicV3::acknowledge() {
  uint64_t intid;
  asm volatile("mrs %0, S3_0_C12_C12_0" : "=r"(intid) : : "memory");  // ICC_IAR1_EL1
  return static_cast<uint32_t>(intid & 0xffffff);
}

void GicV3::end_of_interrupt(uint32_t intid) {
  ICC_WRITE("S3_0_C12_C12_1", intid);  // ICC_EOIR1_EL1
}

void GicV3::send_sgi(uint32_t sgi, uint64_t target_hwid) {
  const uint64_t aff1 = (target_hwid >> 8) & 0xff;
  const uint64_t aff2 = (target_hwid >> 16) & 0xff;
  const uint64_t aff3 = (target_hwid >> 32) & 0xff;
  const uint64_t target_list = 1ull << (target_hwid & 0xf);
  const uint64_t value =
      target_list | (aff1 << 16) | (uint64_t{sgi} << 24) | (aff2 << 32) | (aff3 << 48);
  asm volatile("dsb ishst" : : : "memory");  // make prior writes visible to the target
  ICC_WRITE("S3_0_C12_C11_5", value);        // ICC_SGI1R_EL1
}

void GicV3::send_sgi_to_others(uint32_t sgi) {
  asm volatile("dsb ishst" : : : "memory");
  ICC_WRITE("S3_0_C12_C11_5", (uint64_t{sgi} << 24) | (1ull << 40));  // IRM: all but self
}

}  // namespace viper::drivers
