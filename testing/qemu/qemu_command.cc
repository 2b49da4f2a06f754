#include "testing/qemu/qemu_command.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace viper::qemu {
namespace {

// The kernel supports 1 to 8 CPUs (GICv3 on `virt` could do more, the
// per-CPU tables in the kernel are sized for 8).
constexpr int kMaxCpus = 8;

bool IsMemorySize(const std::string& size) {
  if (size.size() < 2) return false;
  const char unit = size.back();
  if (unit != 'M' && unit != 'G') return false;
  for (size_t i = 0; i + 1 < size.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(size[i]))) return false;
  }
  return size[0] != '0';
}

}  // namespace

absl::StatusOr<std::vector<std::string>> BuildQemuArgv(const MachineOptions& options) {
  if (options.kernel.empty()) {
    return absl::InvalidArgumentError("no kernel image given");
  }
  if (options.cpus < 1 || options.cpus > kMaxCpus) {
    return absl::InvalidArgumentError(
        absl::StrCat("--smp must be between 1 and ", kMaxCpus, ", got ", options.cpus));
  }
  if (!IsMemorySize(options.memory)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--mem must look like 512M or 1G, got '", options.memory, "'"));
  }
  if (options.gdb && (options.gdb_port < 1 || options.gdb_port > 65535)) {
    return absl::InvalidArgumentError(absl::StrCat("bad gdb port ", options.gdb_port));
  }
  std::string machine = "virt,gic-version=3";
  if (options.virtualization) machine += ",virtualization=on";

  std::vector<std::string> argv = {
      options.qemu_binary,
      "-M",
      machine,
      "-cpu",
      "cortex-a72",
      "-smp",
      absl::StrCat(options.cpus),
      "-m",
      options.memory,
      "-nographic",
      "-no-reboot",
      "-nic",
      "none",  // devices are added explicitly, never by default
      // Lets a panicking kernel end QEMU with a non-zero status (SYS_EXIT).
      "-semihosting-config",
      "enable=on,target=native",
      "-kernel",
      options.kernel,
  };
  if (!options.initrd.empty()) {
    argv.insert(argv.end(), {"-initrd", options.initrd});
  }
  if (!options.append.empty()) {
    argv.insert(argv.end(), {"-append", options.append});
  }
  if (!options.dtb.empty()) {
    argv.insert(argv.end(), {"-dtb", options.dtb});
  }
  for (size_t i = 0; i < options.disks.size(); ++i) {
    const Disk& disk = options.disks[i];
    if (disk.path.empty() || disk.path.find(',') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "a disk image path must be non-empty and without commas: '", disk.path, "'"));
    }
    std::string drive = absl::StrCat("file=", disk.path, ",if=none,format=raw,id=disk", i);
    if (disk.read_only) drive += ",readonly=on";
    argv.insert(argv.end(),
                {"-drive", drive, "-device", absl::StrCat("virtio-blk-device,drive=disk", i)});
  }
  // The entropy device (getentropy), after the disks: QEMU fills the
  // transports from the highest address down in command-line order, and
  // the guest numbers disks from the top.
  argv.insert(argv.end(), {"-device", "virtio-rng-device"});
  if (options.gdb) {
    argv.insert(argv.end(), {"-S", "-gdb", absl::StrCat("tcp:127.0.0.1:", options.gdb_port)});
  }
  return argv;
}

}  // namespace viper::qemu
