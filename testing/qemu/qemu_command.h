// Builds the qemu-system-aarch64 command line for ViperDOS. One place owns
// the machine definition so `bazel run //:qemu` and QEMU system tests boot
// the same virtual hardware.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace viper::qemu {

// A disk on a virtio-blk device (virtio-mmio), in the order given: the
// first is the guest's disk 0.
struct Disk {
  std::string path;  // a raw image
  bool read_only = false;
};

struct MachineOptions {
  std::string qemu_binary = "qemu-system-aarch64";
  std::string kernel;           // path to the kernel's raw arm64 Image
  std::string initrd;           // a boot archive (-initrd), optional
  int cpus = 4;                 // -smp
  std::string memory = "512M";  // -m, digits followed by M or G
  std::string append;           // kernel command line (-append)
  std::string dtb;              // a device tree to use instead of QEMU's (-dtb)
  bool virtualization = false;  // enter at EL2 (-M virt,virtualization=on)
  std::vector<Disk> disks;      // -drive + -device virtio-blk-device, each
  bool gdb = false;             // start halted, gdbstub on gdb_port
  int gdb_port = 1234;
};

// Checks the options and returns the full argv (argv[0] is the binary).
absl::StatusOr<std::vector<std::string>> BuildQemuArgv(const MachineOptions& options);

}  // namespace viper::qemu
