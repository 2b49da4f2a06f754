#include "testing/qemu/machine_flags.h"

#include <string>

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, kernel, "", "kernel to boot: the raw arm64 Image (KERNEL.img)");
ABSL_FLAG(std::string, initrd, "", "boot archive (cpio newc) to load with the kernel");
ABSL_FLAG(int, smp, 4, "number of CPUs (1-8)");
ABSL_FLAG(std::string, mem, "512M", "RAM size, e.g. 256M or 1G");
ABSL_FLAG(std::string, append, "", "kernel command line");
ABSL_FLAG(std::string, dtb, "", "device tree to boot with instead of QEMU's");
ABSL_FLAG(bool, virtualization, false, "enter the kernel at EL2 (-M virt,virtualization=on)");
ABSL_FLAG(std::vector<std::string>, disk, {},
          "comma-separated raw disk images, each FILE or FILE:ro (read-only), on virtio-blk "
          "devices in this order (the first is disk 0)");

ABSL_FLAG(std::string, net, "none",
          "the NIC: none, user (QEMU user networking, restrict=on) or "
          "udp:LOCALPORT:REMOTEPORT (raw frames over UDP on 127.0.0.1)");
ABSL_FLAG(std::vector<std::string>, hostfwd, {},
          "with --net=user: forwards of host ports to the guest, e.g. tcp:127.0.0.1:18080-:80");
ABSL_FLAG(std::vector<std::string>, guestfwd, {},
          "with --net=user: guest addresses forwarded to host services, e.g. "
          "tcp:10.0.2.100:80-tcp:127.0.0.1:18081");

namespace viper::qemu {

absl::StatusOr<MachineOptions> MachineFromFlags() {
  MachineOptions machine;
  machine.kernel = absl::GetFlag(FLAGS_kernel);
  machine.cpus = absl::GetFlag(FLAGS_smp);
  machine.memory = absl::GetFlag(FLAGS_mem);
  machine.append = absl::GetFlag(FLAGS_append);
  machine.dtb = absl::GetFlag(FLAGS_dtb);
  machine.initrd = absl::GetFlag(FLAGS_initrd);
  machine.virtualization = absl::GetFlag(FLAGS_virtualization);
  for (const std::string& disk : absl::GetFlag(FLAGS_disk)) {
    const bool read_only = disk.size() > 3 && disk.compare(disk.size() - 3, 3, ":ro") == 0;
    machine.disks.push_back(
        Disk{.path = read_only ? disk.substr(0, disk.size() - 3) : disk, .read_only = read_only});
  }
  absl::StatusOr<Network> network = ParseNetwork(absl::GetFlag(FLAGS_net));
  if (!network.ok()) return network.status();
  machine.network = *std::move(network);
  machine.network.hostfwd = absl::GetFlag(FLAGS_hostfwd);
  machine.network.guestfwd = absl::GetFlag(FLAGS_guestfwd);
  return machine;
}

}  // namespace viper::qemu
