// `bazel run //:qemu [-- --smp 2 --mem 1G --gdb --append 'key=value']`:
// boots ViperDOS with the serial console on this terminal (Ctrl-A X quits).
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "testing/qemu/machine_flags.h"
#include "testing/qemu/qemu_command.h"

ABSL_FLAG(bool, gdb, false, "start halted and wait for gdb-multiarch");
ABSL_FLAG(int, gdb_port, 1234, "TCP port of QEMU's gdbstub (with --gdb)");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Boots ViperDOS in qemu-system-aarch64 (-M virt, GICv3, cortex-a72).");
  absl::ParseCommandLine(argc, argv);

  viper::qemu::MachineOptions machine = viper::qemu::MachineFromFlags();
  machine.gdb = absl::GetFlag(FLAGS_gdb);
  machine.gdb_port = absl::GetFlag(FLAGS_gdb_port);
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
