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
  EXPECT_EQ(m.rtc.base, PhysAddr(0x09010000));
  EXPECT_EQ(m.rtc.size, 0x1000u);
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

// Booted as an arm64 Image with -initrd (1024-byte archive): QEMU names it
// in /chosen with one cell each.
TEST(Machine, InitrdFromChosen) {
  const MachineDescription m = describe(load("virt_gicv3_smp4_512m_initrd.dtb"));
  EXPECT_EQ(m.initrd.base, PhysAddr(0x48000000));
  EXPECT_EQ(m.initrd.size, 1024u);
  EXPECT_STREQ(m.bootargs, "init=bin/hello");
  EXPECT_EQ(describe(load("virt_gicv3_smp4_512m.dtb")).initrd.size, 0u) << "no initrd given";
}

// Overwrites the one-cell value of property `name` in the blob.
void set_property_be32(std::vector<uint8_t>& blob, const char* name, uint32_t value) {
  struct Finder final : fdt::Visitor {
    const char* name;
    const uint8_t* data = nullptr;
    void begin_node(const char*, uint32_t) override {}
    void end_node(uint32_t) override {}
    void property(const fdt::Property& p, uint32_t) override {
      if (p.is(name) && p.length == 4) data = p.data;
    }
  } finder;
  finder.name = name;
  auto tree = fdt::Tree::parse(blob.data(), blob.size());
  ASSERT_OK(tree);
  tree->walk(finder);
  ASSERT_NE(finder.data, nullptr) << name;
  const size_t at = static_cast<size_t>(finder.data - blob.data());
  for (int b = 0; b < 4; ++b) blob[at + b] = static_cast<uint8_t>(value >> (24 - 8 * b));
}

void expect_refused(const std::vector<uint8_t>& blob, const char* words) {
  const char* reason = nullptr;
  auto machine = describe_machine(blob.data(), blob.size(), &reason);
  ASSERT_FALSE(machine.ok());
  ASSERT_NE(reason, nullptr);
  EXPECT_NE(std::string(reason).find(words), std::string::npos) << reason;
}

TEST(Machine, RefusesAnInitrdOutsideRam) {
  auto below = load("virt_gicv3_smp4_512m_initrd.dtb");
  set_property_be32(below, "linux,initrd-start", 0x30000000);  // starts below RAM
  expect_refused(below, "initrd is not inside RAM");
  auto beyond = load("virt_gicv3_smp4_512m_initrd.dtb");
  set_property_be32(beyond, "linux,initrd-end", 0x60000400);  // ends past 512 MiB
  expect_refused(beyond, "initrd is not inside RAM");
  auto backwards = load("virt_gicv3_smp4_512m_initrd.dtb");
  set_property_be32(backwards, "linux,initrd-end", 0x47000000);
  expect_refused(backwards, "initrd ends before it starts");
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
