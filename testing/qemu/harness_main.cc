// qemu_test_harness: boots a ViperDOS kernel in QEMU as a Bazel test.
//
//   qemu_test_harness --kernel=kernel.elf --smp=4 --timeout=60s \
//       --expect='ViperDOS' [--expect_panic] [--append='ktest=all']
//
// The serial log goes to stdout (the test log) and to serial.log among the
// test's undeclared outputs. Exit status 0 means pass.
//
// Writable disks (--disk=FILE) are copied into the test's temporary
// directory first, so a test never writes into Bazel's outputs and every
// run starts from the same image; --disk_in_place boots FILE itself (a
// test script that inspects the image afterwards, with e2fsck, makes its
// own copy and passes it so).
//
// A test script that runs host peers beside the guest runs this binary
// itself (//kernel:qemu_harness, built or `bazel run`) with a
// --net=user --hostfwd port it picked, and reads the guest's console from
// its stdout as it goes: each line is written and flushed as it arrives
// (docs/testing.md, "Networking").
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "testing/qemu/harness.h"
#include "testing/qemu/machine_flags.h"
#include "testing/qemu/qemu_command.h"

ABSL_FLAG(absl::Duration, timeout, absl::Seconds(60), "limit for the whole boot");
ABSL_FLAG(std::vector<std::string>, expect, {}, "comma-separated substrings the console must show");
ABSL_FLAG(bool, expect_panic, false, "pass only if the kernel panics");
ABSL_FLAG(bool, check_clock, false, "compare VIPER-CLOCK lines with the host's clock (1%)");
ABSL_FLAG(std::string, qemu, "qemu-system-aarch64", "emulator binary");
ABSL_FLAG(std::string, script, "", "an input script to play against the console (script.h)");
ABSL_FLAG(bool, disk_in_place, false, "boot writable --disk images themselves, not copies");

namespace {

// Replaces each writable disk by a fresh copy in `dir`; false (and says
// why) if one cannot be copied.
bool CopyWritableDisks(viper::qemu::MachineOptions& machine, const std::string& dir) {
  for (size_t i = 0; i < machine.disks.size(); ++i) {
    viper::qemu::Disk& disk = machine.disks[i];
    if (disk.read_only) continue;
    const std::string copy = dir + "/disk" + std::to_string(i) + ".img";
    std::error_code error;
    std::filesystem::copy_file(disk.path, copy, std::filesystem::copy_options::overwrite_existing,
                               error);
    if (!error) {
      std::filesystem::permissions(copy, std::filesystem::perms::owner_write,
                                   std::filesystem::perm_options::add, error);
    }
    if (error) {
      std::cerr << "qemu_test_harness: cannot copy disk " << disk.path << " to " << copy << ": "
                << error.message() << "\n";
      return false;
    }
    disk.path = copy;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Boots a ViperDOS kernel in QEMU and judges the serial log.");
  absl::ParseCommandLine(argc, argv);

  auto machine_or = viper::qemu::MachineFromFlags();
  if (!machine_or.ok()) {
    std::cerr << "qemu_test_harness: " << machine_or.status().message() << "\n";
    return 2;
  }
  viper::qemu::MachineOptions machine = *std::move(machine_or);
  machine.qemu_binary = absl::GetFlag(FLAGS_qemu);
  if (!absl::GetFlag(FLAGS_disk_in_place)) {
    const char* tmp = std::getenv("TEST_TMPDIR");
    if (!CopyWritableDisks(machine, tmp != nullptr ? tmp : "/tmp")) return 2;
  }
  auto argv_or = viper::qemu::BuildQemuArgv(machine);
  if (!argv_or.ok()) {
    std::cerr << "qemu_test_harness: " << argv_or.status().message() << "\n";
    return 2;
  }

  viper::qemu::HarnessRun run;
  run.argv = *argv_or;
  run.limits.timeout = absl::GetFlag(FLAGS_timeout);
  run.expect.must_contain = absl::GetFlag(FLAGS_expect);
  run.expect.expect_panic = absl::GetFlag(FLAGS_expect_panic);
  run.expect.check_clock = absl::GetFlag(FLAGS_check_clock);
  run.echo = &std::cout;
  if (const std::string script = absl::GetFlag(FLAGS_script); !script.empty()) {
    auto steps = viper::qemu::LoadScript(script);
    if (!steps.ok()) {
      std::cerr << "qemu_test_harness: " << steps.status().message() << "\n";
      return 2;
    }
    run.script = *std::move(steps);
  }
  if (const char* outputs = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR")) {
    run.log_path = std::string(outputs) + "/serial.log";
  }

  const viper::qemu::HarnessOutcome outcome = viper::qemu::RunKernelTest(run);
  if (!outcome.verdict.ok()) {
    std::cout << "QEMU TEST FAILED: " << outcome.verdict.message() << "\n";
    return 1;
  }
  std::cout << "QEMU TEST PASSED";
  if (!outcome.report.ktests_passed().empty()) {
    std::cout << " (" << outcome.report.ktests_passed().size() << " ktests)";
  }
  std::cout << "\n";
  return 0;
}
