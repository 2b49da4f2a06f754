// Boots a kernel under QEMU (or any stand-in command), records the serial
// log and decides whether the test passed.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "testing/qemu/kernel_report.h"
#include "testing/qemu/process.h"
#include "testing/qemu/script.h"
#include "testing/qemu/verdict.h"

namespace viper::qemu {

struct HarnessRun {
  std::vector<std::string> argv;  // the emulator command line
  RunLimits limits;
  Expectations expect;
  std::ostream* echo = nullptr;  // live copy of the console, if wanted
  std::string log_path;          // file for the serial log, if wanted
  // Typed into the console and checked against it (script.h); the test
  // fails if any step is left when the run ends.
  std::vector<ScriptStep> script;
};

struct HarnessOutcome {
  absl::Status verdict;  // OK = pass
  KernelReport report;
};

HarnessOutcome RunKernelTest(const HarnessRun& run);

}  // namespace viper::qemu
