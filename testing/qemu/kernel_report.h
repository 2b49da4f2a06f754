// What the kernel said on its serial console, reduced to the facts a test
// verdict needs. The line protocol (docs/testing.md):
//
//   VIPER-EXIT <code>      the kernel is about to power off; 0 means success
//   VIPER-PANIC <message>  the kernel panicked
//
// Anything else is ordinary console output.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace viper::qemu {

enum class LineKind { kOutput, kExit, kPanic, kMalformedResult };

struct ParsedLine {
  LineKind kind = LineKind::kOutput;
  int exit_code = 0;    // kExit
  std::string message;  // kPanic: the reason; kMalformedResult: what is wrong
};

// Parses one console line (without its line terminator).
ParsedLine ParseConsoleLine(absl::string_view line);

class KernelReport {
 public:
  // Records one line; returns true when the line is a final result (exit or
  // panic), after which the kernel is expected to stop QEMU.
  bool Feed(absl::string_view line);

  const std::vector<std::string>& lines() const { return lines_; }
  const std::optional<int>& exit_code() const { return exit_code_; }
  const std::optional<std::string>& panic() const { return panic_; }
  const std::vector<std::string>& protocol_errors() const { return protocol_errors_; }

 private:
  std::vector<std::string> lines_;
  std::optional<int> exit_code_;
  std::optional<std::string> panic_;
  std::vector<std::string> protocol_errors_;
};

}  // namespace viper::qemu
