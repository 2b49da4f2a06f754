// The DTB reader against device trees QEMU generated (testdata/) and
// against malformed blobs: every bad input is an error with a reason.
#include "kernel/boot/machine.h"

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernel/lib/fdt.h"
#include "testing/host/expect_ok.h"

namespace viper::boot {
namespace {

std::vector<uint8_t> load(const std::string& name) {
  std::ifstream in("kernel/boot/testdata/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

MachineDescription describe(const std::vector<uint8_t>& blob) {
  const char* reason = nullptr;
  Result<MachineDescription> machine = describe_machine(blob.data(), blob.size(), &reason);
  EXPECT_OK(machine) << (reason ? reason : "");
  return machine.ok() ? machine.value() : MachineDescription{};
}

TEST(Machine, QemuVirtGicV3FourCpus) {
  const MachineDescription m = describe(load("virt_gicv3_smp4_512m.dtb"));
  ASSERT_EQ(m.memory_count, 1u);
  EXPECT_EQ(m.memory[0].base, PhysAddr(0x40000000));
  EXPECT_EQ(m.total_memory(), 512ull << 20);
  ASSERT_EQ(m.cpu_count, 4u);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(m.cpu_hwids[i], i);
  EXPECT_EQ(m.uart.base, PhysAddr(0x09000000));
  EXPECT_EQ(m.uart.size, 0x1000u);
  EXPECT_EQ(m.uart.irq, 33u);
  EXPECT_EQ(m.gic_version, 3u);
  EXPECT_EQ(m.gic_distributor.base, PhysAddr(0x08000000));
  EXPECT_EQ(m.gic_redistributors.base, PhysAddr(0x080a0000));
  EXPECT_EQ(m.timer_virtual_irq, 27u);
  EXPECT_EQ(m.timer_physical_irq, 30u);
  EXPECT_EQ(m.virtio_count, 32u);
  EXPECT_EQ(m.virtio[0].base, PhysAddr(0x0a000000));
  EXPECT_EQ(m.virtio[0].irq, 48u);
  EXPECT_EQ(m.psci, PsciConduit::kHvc);
  EXPECT_STREQ(m.bootargs, "ktest=all hz=250");
}

TEST(Machine, EightCpusAndTwoGiB) {
  const MachineDescription m = describe(load("virt_gicv3_smp8_2g.dtb"));
  EXPECT_EQ(m.cpu_count, 8u);
  EXPECT_EQ(m.cpus_ignored, 0u);
  EXPECT_EQ(m.total_memory(), 2ull << 30);
}

TEST(Machine, VirtualizationUsesSmcForPsci) {
  const MachineDescription m = describe(load("virt_el2_smp2_1g.dtb"));
  EXPECT_EQ(m.cpu_count, 2u);
  EXPECT_EQ(m.psci, PsciConduit::kSmc);
  EXPECT_EQ(m.total_memory(), 1ull << 30);
}

TEST(Machine, GicV2IsRecognised) {
  const MachineDescription m = describe(load("virt_gicv2_smp1_256m.dtb"));
  EXPECT_EQ(m.gic_version, 2u);
  EXPECT_EQ(m.cpu_count, 1u);
}

std::string reason_for(std::vector<uint8_t> blob) {
  const char* reason = nullptr;
  Result<MachineDescription> m = describe_machine(blob.data(), blob.size(), &reason);
  EXPECT_FALSE(m.ok());
  EXPECT_EQ(m.error(), Error::kCorrupt);
  return reason ? reason : "";
}

void put_be32(std::vector<uint8_t>& blob, size_t at, uint32_t value) {
  for (int i = 0; i < 4; ++i) blob[at + i] = static_cast<uint8_t>(value >> (24 - 8 * i));
}

TEST(Machine, MalformedBlobsAreRejectedWithAReason) {
  const std::vector<uint8_t> good = load("virt_gicv3_smp4_512m.dtb");
  EXPECT_EQ(reason_for(std::vector<uint8_t>(8, 0)), "device tree shorter than its header");
  std::vector<uint8_t> bad = good;
  bad[0] = 0;
  EXPECT_EQ(reason_for(bad), "bad device tree magic");
  EXPECT_EQ(reason_for(std::vector<uint8_t>(good.begin(), good.begin() + good.size() / 2)),
            "device tree size out of range");
  bad = good;
  put_be32(bad, 8, 0x7ffffff0);  // structure block offset
  EXPECT_EQ(reason_for(bad), "structure block outside the device tree");
  bad = good;
  put_be32(bad, 20, 3);  // version
  EXPECT_EQ(reason_for(bad), "device tree version older than 16");
  bad = good;
  const uint32_t struct_offset = fdt::read_be32(good.data() + 8);
  put_be32(bad, struct_offset, 0x77);  // first token
  EXPECT_EQ(reason_for(bad), "unknown structure token");
}

TEST(Machine, NullDtbIsRejected) {
  const char* reason = nullptr;
  EXPECT_FALSE(describe_machine(nullptr, 0, &reason).ok());
  EXPECT_STREQ(reason, "no device tree");
}

// Random corruption anywhere must give a result or an error, never a crash
// (ASan/UBSan runs make out-of-bounds reads fail this test).
TEST(Machine, RandomCorruptionNeverCrashes) {
  const std::vector<uint8_t> good = load("virt_gicv3_smp4_512m.dtb");
  std::mt19937 rng(1234);
  int rejected = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> blob = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) blob[rng() % blob.size()] ^= static_cast<uint8_t>(rng());
    const char* reason = nullptr;
    if (!describe_machine(blob.data(), blob.size(), &reason).ok()) {
      ++rejected;
      EXPECT_NE(reason, nullptr);
    }
  }
  EXPECT_GT(rejected, 0);
}

}  // namespace
}  // namespace viper::boot
