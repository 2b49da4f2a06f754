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

// The NIC (one virtio-net device, after the disks and the entropy device,
// so disks keep the top transports and their numbers).
//  * kUser: QEMU user networking (slirp) with restrict=on: nothing leaves
//    QEMU but the explicit forwards. `hostfwd` rules expose guest ports
//    on the host ("tcp:127.0.0.1:18080-:80"), `guestfwd` rules reach host
//    services ("tcp:10.0.2.100:80-tcp:127.0.0.1:18081": QEMU connects that
//    chardev once, when it starts — it fails to start unless the host
//    service listens by then — and it carries that one connection; a
//    "cmd:nc 127.0.0.1 18081" target runs the command per guest connection).
//  * kUdp: raw Ethernet frames in UDP datagrams between 127.0.0.1:
//    udp_local_port (QEMU's end) and udp_remote_port (a host script's),
//    for peers that must send frames slirp would never pass.
struct Network {
  enum class Kind { kNone, kUser, kUdp };
  Kind kind = Kind::kNone;
  std::vector<std::string> hostfwd, guestfwd;  // kUser only
  int udp_local_port = 0, udp_remote_port = 0;
};

// "none", "user" or "udp:LOCALPORT:REMOTEPORT" (the --net flag).
absl::StatusOr<Network> ParseNetwork(const std::string& spec);

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
  Network network;              // -netdev + -device virtio-net-device
  bool gdb = false;             // start halted, gdbstub on gdb_port
  int gdb_port = 1234;
};

// Checks the options and returns the full argv (argv[0] is the binary).
absl::StatusOr<std::vector<std::string>> BuildQemuArgv(const MachineOptions& options);

}  // namespace viper::qemu
