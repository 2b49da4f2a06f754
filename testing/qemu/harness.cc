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
  ScriptPlayer player(run.script);
  const Conversation conversation{
      .on_output = [&](absl::string_view bytes) { player.Feed(bytes); },
      .advance = [&](absl::Time now, std::string* out) { return player.Advance(now, out); },
  };
  absl::StatusOr<ProcessResult> process =
      RunProcess(run.argv, run.limits, on_line, run.script.empty() ? nullptr : &conversation);
  if (!process.ok()) {
    outcome.verdict = process.status();
    return outcome;
  }
  outcome.verdict = Judge(outcome.report, *process, expect);
  if (!player.done()) {
    const std::string why =
        outcome.verdict.ok() ? "" : absl::StrCat("; ", outcome.verdict.message());
    outcome.verdict = absl::FailedPreconditionError(absl::StrCat(player.Unfinished(), why));
  }
  return outcome;
}

}  // namespace viper::qemu
