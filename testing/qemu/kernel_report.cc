#include "testing/qemu/kernel_report.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace viper::qemu {
namespace {

constexpr absl::string_view kExitTag = "VIPER-EXIT";
constexpr absl::string_view kPanicTag = "VIPER-PANIC";
constexpr absl::string_view kKtestPassTag = "KTEST PASS";
constexpr absl::string_view kKtestFailTag = "KTEST FAIL";
constexpr absl::string_view kClockTag = "VIPER-CLOCK";

// Matches `tag` at the start of `line` followed by a space or the end, and
// returns the rest with surrounding blanks removed.
std::optional<absl::string_view> AfterTag(absl::string_view line, absl::string_view tag) {
  if (!absl::ConsumePrefix(&line, tag)) return std::nullopt;
  if (!line.empty() && line.front() != ' ' && line.front() != ':') return std::nullopt;
  absl::ConsumePrefix(&line, ":");
  return absl::StripAsciiWhitespace(line);
}

}  // namespace

ParsedLine ParseConsoleLine(absl::string_view line) {
  line = absl::StripTrailingAsciiWhitespace(line);
  ParsedLine parsed;
  if (auto rest = AfterTag(line, kExitTag)) {
    int code = 0;
    if (!absl::SimpleAtoi(*rest, &code)) {
      parsed.kind = LineKind::kMalformedResult;
      parsed.message = absl::StrCat("exit line without a numeric code: '", line, "'");
      return parsed;
    }
    parsed.kind = LineKind::kExit;
    parsed.exit_code = code;
  } else if (auto reason = AfterTag(line, kPanicTag)) {
    parsed.kind = LineKind::kPanic;
    parsed.message = reason->empty() ? "(no reason given)" : std::string(*reason);
  } else if (auto name = AfterTag(line, kKtestPassTag)) {
    parsed.kind = LineKind::kKtestPass;
    parsed.message = std::string(*name);
  } else if (auto failure = AfterTag(line, kKtestFailTag)) {
    parsed.kind = LineKind::kKtestFail;
    parsed.message = std::string(*failure);
  } else if (auto uptime = AfterTag(line, kClockTag)) {
    if (!absl::SimpleAtoi(*uptime, &parsed.uptime_ns)) {
      parsed.kind = LineKind::kMalformedResult;
      parsed.message = absl::StrCat("clock line without a number: '", line, "'");
      return parsed;
    }
    parsed.kind = LineKind::kClock;
  }
  return parsed;
}

bool KernelReport::Feed(absl::string_view line, absl::Time received) {
  line = absl::StripTrailingAsciiWhitespace(line);
  lines_.emplace_back(line);
  const ParsedLine parsed = ParseConsoleLine(line);
  switch (parsed.kind) {
    case LineKind::kOutput:
      return false;
    case LineKind::kMalformedResult:
      protocol_errors_.push_back(parsed.message);
      return false;
    case LineKind::kExit:
      if (!exit_code_) exit_code_ = parsed.exit_code;
      return true;
    case LineKind::kPanic:
      if (!panic_) panic_ = parsed.message;
      ++panic_count_;
      return true;
    case LineKind::kKtestPass:
      ktests_passed_.push_back(parsed.message);
      return false;
    case LineKind::kKtestFail:
      ktests_failed_.push_back(parsed.message);
      return false;
    case LineKind::kClock:
      clock_samples_.push_back({parsed.uptime_ns, received});
      return false;
  }
  return false;
}

}  // namespace viper::qemu
