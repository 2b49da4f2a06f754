// `bazel run //:qemu [-- --smp 2 --mem 1G --gdb --append 'key=value']`:
// boots ViperDOS with the serial console on this terminal (Ctrl-A X quits).
//
// With --default_disk (the root BUILD passes //userland/disk), disk 0 is a
// writable copy of it that lives outside Bazel's outputs and persists
// across boots (--disk_image, ~/.cache/viperdos/disk.img by default):
// made on the first boot, or again with --fresh_disk; --no_disk boots with
// the boot archive as "/". Disks given with --disk come after it.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "testing/qemu/machine_flags.h"
#include "testing/qemu/qemu_command.h"

ABSL_FLAG(bool, gdb, false, "start halted and wait for gdb-multiarch");
ABSL_FLAG(int, gdb_port, 1234, "TCP port of QEMU's gdbstub (with --gdb)");
ABSL_FLAG(std::string, default_disk, "", "the image a new --disk_image starts as (none: no disk)");
ABSL_FLAG(std::string, disk_image, "",
          "the persistent disk 0 (default ~/.cache/viperdos/disk.img)");
ABSL_FLAG(bool, fresh_disk, false, "start --disk_image over from --default_disk");
ABSL_FLAG(bool, no_disk, false, "no persistent disk: the boot archive is /");

namespace {

// The persistent disk's path: --disk_image, or under $XDG_CACHE_HOME or
// ~/.cache. Empty if there is no home to keep it in.
std::string PersistentDiskPath() {
  if (!absl::GetFlag(FLAGS_disk_image).empty()) return absl::GetFlag(FLAGS_disk_image);
  const char* cache = std::getenv("XDG_CACHE_HOME");
  if (cache && *cache) return std::string(cache) + "/viperdos/disk.img";
  const char* home = std::getenv("HOME");
  if (!home || !*home) return "";
  return std::string(home) + "/.cache/viperdos/disk.img";
}

// Makes the persistent disk ready (copied from the default on first use or
// with --fresh_disk) and puts it first: false, with why on stderr, if not.
bool AddPersistentDisk(viper::qemu::MachineOptions& machine) {
  const std::string initial = absl::GetFlag(FLAGS_default_disk);
  if (absl::GetFlag(FLAGS_no_disk) || initial.empty()) return true;
  const std::string path = PersistentDiskPath();
  if (path.empty()) {
    std::cerr << "qemu: no HOME to keep the disk in: pass --disk_image=FILE or --no_disk\n";
    return false;
  }
  std::error_code error;
  const bool fresh = absl::GetFlag(FLAGS_fresh_disk) || !std::filesystem::exists(path);
  if (fresh) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), error);
    std::filesystem::copy_file(initial, path, std::filesystem::copy_options::overwrite_existing,
                               error);
    if (!error) {
      // Bazel's outputs are read-only (and may be executable): a disk is rw-r--r--.
      using std::filesystem::perms;
      std::filesystem::permissions(
          path, perms::owner_read | perms::owner_write | perms::group_read | perms::others_read,
          std::filesystem::perm_options::replace, error);
    }
    if (error) {
      std::cerr << "qemu: cannot make the disk " << path << " from " << initial << ": "
                << error.message() << "\n";
      return false;
    }
  }
  std::cerr << "qemu: disk 0 is " << path << (fresh ? " (new)" : "")
            << ": kept across boots; --fresh_disk starts it over, --no_disk goes without\n";
  machine.disks.insert(machine.disks.begin(), viper::qemu::Disk{.path = path});
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Boots ViperDOS in qemu-system-aarch64 (-M virt, GICv3, cortex-a72).");
  absl::ParseCommandLine(argc, argv);

  auto machine_or = viper::qemu::MachineFromFlags();
  if (!machine_or.ok()) {
    std::cerr << "qemu: " << machine_or.status().message() << "\n";
    return 2;
  }
  viper::qemu::MachineOptions machine = *std::move(machine_or);
  machine.gdb = absl::GetFlag(FLAGS_gdb);
  machine.gdb_port = absl::GetFlag(FLAGS_gdb_port);
  if (!AddPersistentDisk(machine)) return 2;
  auto qemu_argv = viper::qemu::BuildQemuArgv(machine);
  if (!qemu_argv.ok()) {
    std::cerr << "qemu: " << qemu_argv.status().message() << "\n";
    return 2;
  }
  if (machine.gdb) {
    // QEMU boots KERNEL.img; its symbols are in KERNEL.elf beside it.
    std::string elf = machine.kernel;
    if (elf.size() > 4 && elf.compare(elf.size() - 4, 4, ".img") == 0) {
      elf.replace(elf.size() - 4, 4, ".elf");
    }
    char kernel_path[4096];
    const char* shown = realpath(elf.c_str(), kernel_path) ? kernel_path : elf.c_str();
    std::cerr << "QEMU is halted and waiting for gdb on 127.0.0.1:" << machine.gdb_port
              << ". Attach with:\n  gdb-multiarch " << shown
              << " -ex 'target remote 127.0.0.1:" << machine.gdb_port << "'\n";
  }
  std::vector<char*> args;
  for (std::string& arg : *qemu_argv) args.push_back(arg.data());
  args.push_back(nullptr);
  execvp(args[0], args.data());
  std::cerr << "qemu: cannot run " << args[0] << ": " << std::strerror(errno)
            << " (install the Debian package qemu-system-arm; ./setup does this)\n";
  return 127;
}
