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

bool IsPort(int port) { return port >= 1 && port <= 65535; }

absl::StatusOr<int> ParsePort(const std::string& text) {
  if (text.empty() || text.size() > 5) return absl::InvalidArgumentError("bad port");
  int port = 0;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(absl::StrCat("bad port '", text, "'"));
    }
    port = port * 10 + (c - '0');
  }
  if (!IsPort(port)) return absl::InvalidArgumentError(absl::StrCat("bad port '", text, "'"));
  return port;
}

// A forward rule goes inside one -netdev option list: a comma would start
// another option (restrict=off, say), so it is refused. Spaces are fine (a
// guestfwd "cmd:nc 127.0.0.1 18081" target: one argv element, no shell).
absl::Status CheckRule(const std::string& rule, const char* what) {
  if (rule.empty() || rule.find(',') != std::string::npos || rule.find('-') == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("a ", what, " rule is PROTO:ADDR:PORT-TARGET without commas: '", rule, "'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> NetworkArgv(const Network& net) {
  std::string netdev;
  switch (net.kind) {
    case Network::Kind::kNone:
      if (!net.hostfwd.empty() || !net.guestfwd.empty()) {
        return absl::InvalidArgumentError("--hostfwd and --guestfwd need --net=user");
      }
      return std::vector<std::string>{};
    case Network::Kind::kUser:
      netdev = "user,id=net0,restrict=on";
      for (const std::string& rule : net.hostfwd) {
        if (absl::Status s = CheckRule(rule, "hostfwd"); !s.ok()) return s;
        absl::StrAppend(&netdev, ",hostfwd=", rule);
      }
      for (const std::string& rule : net.guestfwd) {
        if (absl::Status s = CheckRule(rule, "guestfwd"); !s.ok()) return s;
        absl::StrAppend(&netdev, ",guestfwd=", rule);
      }
      break;
    case Network::Kind::kUdp:
      if (!net.hostfwd.empty() || !net.guestfwd.empty()) {
        return absl::InvalidArgumentError("--hostfwd and --guestfwd need --net=user");
      }
      if (!IsPort(net.udp_local_port) || !IsPort(net.udp_remote_port)) {
        return absl::InvalidArgumentError("--net=udp:LOCALPORT:REMOTEPORT needs two ports");
      }
      netdev = absl::StrCat("socket,id=net0,udp=127.0.0.1:", net.udp_remote_port,
                            ",localaddr=127.0.0.1:", net.udp_local_port);
      break;
  }
  return std::vector<std::string>{"-netdev", netdev, "-device", "virtio-net-device,netdev=net0"};
}

}  // namespace

absl::StatusOr<Network> ParseNetwork(const std::string& spec) {
  Network net;
  if (spec.empty() || spec == "none") return net;
  if (spec == "user") {
    net.kind = Network::Kind::kUser;
    return net;
  }
  const size_t second = spec.find(':', 4);
  if (spec.rfind("udp:", 0) == 0 && second != std::string::npos) {
    auto local = ParsePort(spec.substr(4, second - 4));
    auto remote = ParsePort(spec.substr(second + 1));
    if (local.ok() && remote.ok()) {
      net.kind = Network::Kind::kUdp;
      net.udp_local_port = *local;
      net.udp_remote_port = *remote;
      return net;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--net is none, user or udp:LOCALPORT:REMOTEPORT, got '", spec, "'"));
}

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
  // The NIC after both, for the same reason: disks keep their numbers.
  auto network = NetworkArgv(options.network);
  if (!network.ok()) return network.status();
  argv.insert(argv.end(), network->begin(), network->end());
  if (options.gdb) {
    argv.insert(argv.end(), {"-S", "-gdb", absl::StrCat("tcp:127.0.0.1:", options.gdb_port)});
  }
  return argv;
}

}  // namespace viper::qemu
