// Turns what the kernel printed and how QEMU ended into pass or fail, with a
// message that says why.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "testing/qemu/kernel_report.h"
#include "testing/qemu/process.h"

namespace viper::qemu {

struct Expectations {
  std::vector<std::string> must_contain;  // substrings some line must contain
  bool expect_panic = false;              // the test wants the kernel to panic
  // Require two or more VIPER-CLOCK lines whose kernel time advanced like
  // the host's wall clock, within `clock_tolerance` (0.01 = 1%).
  bool check_clock = false;
  double clock_tolerance = 0.01;
  absl::Duration timeout = absl::Seconds(60);  // for messages only
};

// OK means the test passed; otherwise the message explains the failure.
absl::Status Judge(const KernelReport& report, const ProcessResult& process,
                   const Expectations& expect);

}  // namespace viper::qemu
