#include "testing/qemu/harness.h"

#include <fstream>

#include "absl/strings/str_cat.h"

namespace viper::qemu {

HarnessOutcome RunKernelTest(const HarnessRun& run) {
  HarnessOutcome outcome;
  std::ofstream log;
  if (!run.log_path.empty()) {
    log.open(run.log_path);
    if (!log) {
      outcome.verdict =
          absl::PermissionDeniedError(absl::StrCat("cannot write serial log ", run.log_path));
      return outcome;
    }
  }
  auto on_line = [&](absl::string_view line) {
    if (run.echo) *run.echo << line << "\n" << std::flush;
    if (log.is_open()) log << line << "\n" << std::flush;
    return outcome.report.Feed(line);
  };
  Expectations expect = run.expect;
  expect.timeout = run.limits.timeout;
  absl::StatusOr<ProcessResult> process = RunProcess(run.argv, run.limits, on_line);
  if (!process.ok()) {
    outcome.verdict = process.status();
    return outcome;
  }
  outcome.verdict = Judge(outcome.report, *process, expect);
  return outcome;
}

}  // namespace viper::qemu
