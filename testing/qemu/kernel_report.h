// What the kernel said on its serial console, reduced to the facts a test
// verdict needs. The line protocol (docs/testing.md):
//
//   VIPER-EXIT <code>          the kernel is about to power off; 0 means success
//   VIPER-PANIC <message>      the kernel panicked
//   KTEST PASS <name>          an in-kernel test passed
//   KTEST FAIL <name>: <why>   an in-kernel test failed
//   VIPER-CLOCK <uptime ns>    the kernel's clock, for comparison with the host's
//
// Anything else is ordinary console output.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace viper::qemu {

enum class LineKind { kOutput, kExit, kPanic, kKtestPass, kKtestFail, kClock, kMalformedResult };

struct ParsedLine {
  LineKind kind = LineKind::kOutput;
  int exit_code = 0;       // kExit
  uint64_t uptime_ns = 0;  // kClock
  std::string message;     // kPanic: the reason; kKtestFail: name and reason;
                           // kKtestPass: the name; kMalformedResult: what is wrong
};

// A VIPER-CLOCK line and when the host received it.
struct ClockSample {
  uint64_t kernel_ns;
  absl::Time host_time;
};

// Parses one console line (without its line terminator).
ParsedLine ParseConsoleLine(absl::string_view line);

class KernelReport {
 public:
  // Records one line; returns true when the line is a final result (exit or
  // panic), after which the kernel is expected to stop QEMU.
  bool Feed(absl::string_view line, absl::Time received = absl::Now());

  const std::vector<std::string>& lines() const { return lines_; }
  const std::optional<int>& exit_code() const { return exit_code_; }
  const std::optional<std::string>& panic() const { return panic_; }
  int panic_count() const { return panic_count_; }
  const std::vector<std::string>& protocol_errors() const { return protocol_errors_; }
  const std::vector<std::string>& ktests_passed() const { return ktests_passed_; }
  const std::vector<std::string>& ktests_failed() const { return ktests_failed_; }
  const std::vector<ClockSample>& clock_samples() const { return clock_samples_; }

 private:
  std::vector<std::string> lines_;
  std::optional<int> exit_code_;
  std::optional<std::string> panic_;
  int panic_count_ = 0;
  std::vector<std::string> protocol_errors_;
  std::vector<std::string> ktests_passed_;
  std::vector<std::string> ktests_failed_;
  std::vector<ClockSample> clock_samples_;
};

}  // namespace viper::qemu
