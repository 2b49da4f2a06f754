#include "testing/qemu/verdict.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace viper::qemu {
namespace {

absl::Status Fail(std::string message) { return absl::FailedPreconditionError(message); }

std::string LastLine(const KernelReport& report) {
  return report.lines().empty() ? "(none)" : report.lines().back();
}

std::vector<std::string> MissingExpectations(const KernelReport& report,
                                             const Expectations& expect) {
  std::vector<std::string> missing;
  for (const std::string& wanted : expect.must_contain) {
    bool found = false;
    for (const std::string& line : report.lines()) {
      if (absl::StrContains(line, wanted)) {
        found = true;
        break;
      }
    }
    if (!found) missing.push_back(wanted);
  }
  return missing;
}

absl::Status JudgeEnding(const KernelReport& report, const ProcessResult& process,
                         const Expectations& expect) {
  if (!report.protocol_errors().empty()) {
    return Fail(absl::StrCat("malformed result line: ", report.protocol_errors().front()));
  }
  if (report.panic_count() > 1) {
    return Fail(absl::StrCat("the kernel reported ", report.panic_count(),
                             " panics; a panic must be reported once"));
  }
  if (report.panic()) {
    if (!expect.expect_panic) return Fail(absl::StrCat("kernel panicked: ", *report.panic()));
    return absl::OkStatus();  // a panic test: QEMU's non-zero status is expected
  }
  if (process.timed_out) {
    if (report.lines().empty()) {
      return Fail(absl::StrCat("kernel printed nothing before the timeout of ",
                               absl::FormatDuration(expect.timeout)));
    }
    return Fail(absl::StrCat("no result before the timeout of ",
                             absl::FormatDuration(expect.timeout),
                             "; last line: ", LastLine(report)));
  }
  if (expect.expect_panic) {
    return Fail(absl::StrCat("expected a kernel panic, but none was reported; last line: ",
                             LastLine(report)));
  }
  if (!report.exit_code()) {
    return Fail(
        absl::StrCat("QEMU ended (status ", process.exit_status, ", signal ", process.term_signal,
                     ") before the kernel reported a result; last line: ", LastLine(report)));
  }
  if (*report.exit_code() != 0) {
    return Fail(absl::StrCat("kernel reported exit code ", *report.exit_code()));
  }
  if (process.killed_after_result) {
    return Fail("kernel reported success but did not power the machine off");
  }
  if (process.term_signal != 0 || process.exit_status != 0) {
    return Fail(absl::StrCat("QEMU failed after the kernel reported success (status ",
                             process.exit_status, ", signal ", process.term_signal, ")"));
  }
  return absl::OkStatus();
}

absl::Status JudgeClock(const KernelReport& report, const Expectations& expect) {
  const std::vector<ClockSample>& samples = report.clock_samples();
  if (samples.size() < 2) {
    return Fail(absl::StrCat("clock check needs two VIPER-CLOCK lines, got ", samples.size()));
  }
  const ClockSample& first = samples.front();
  const ClockSample& last = samples.back();
  const double host_s = absl::ToDoubleSeconds(last.host_time - first.host_time);
  const double kernel_s = static_cast<double>(last.kernel_ns - first.kernel_ns) / 1e9;
  if (host_s <= 0 || last.kernel_ns <= first.kernel_ns) {
    return Fail("clock samples do not move forward");
  }
  const double ratio = kernel_s / host_s;
  if (ratio < 1 - expect.clock_tolerance || ratio > 1 + expect.clock_tolerance) {
    return Fail(absl::StrCat("kernel clock ran ", kernel_s, " s while the host's ran ", host_s,
                             " s (ratio ", ratio, ", tolerance ", expect.clock_tolerance, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Judge(const KernelReport& report, const ProcessResult& process,
                   const Expectations& expect) {
  if (!report.ktests_failed().empty()) {
    return Fail(absl::StrCat("ktest failed: ", absl::StrJoin(report.ktests_failed(), "; ")));
  }
  if (absl::Status ending = JudgeEnding(report, process, expect); !ending.ok()) return ending;
  if (expect.check_clock) {
    if (absl::Status clock = JudgeClock(report, expect); !clock.ok()) return clock;
  }
  const std::vector<std::string> missing = MissingExpectations(report, expect);
  if (!missing.empty()) {
    return Fail(absl::StrCat("console never showed: '", absl::StrJoin(missing, "', '"), "'"));
  }
  return absl::OkStatus();
}

}  // namespace viper::qemu
