#include "testing/qemu/script.h"

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace viper::qemu {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = absl::ascii_tolower(static_cast<unsigned char>(c));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

absl::StatusOr<std::string> Unescape(absl::string_view text, int line) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
      continue;
    }
    if (++i == text.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("script line ", line, ": a lone \\ at the end"));
    }
    switch (text[i]) {
      case 'r':
        out.push_back('\r');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 's':
        out.push_back(' ');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case 'x': {
        const int high = i + 1 < text.size() ? HexDigit(text[i + 1]) : -1;
        const int low = i + 2 < text.size() ? HexDigit(text[i + 2]) : -1;
        if (high < 0 || low < 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("script line ", line, ": \\x needs two hex digits"));
        }
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        break;
      }
      default:
        return absl::InvalidArgumentError(
            absl::StrCat("script line ", line, ": unknown escape \\", text.substr(i, 1)));
    }
  }
  return out;
}

std::string Printable(absl::string_view text) {
  std::string out;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u >= 0x7f) {
      out += absl::StrCat("\\x", absl::Hex(u, absl::kZeroPad2));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

constexpr size_t kTailBytes = 1500;

}  // namespace

std::string ScriptStep::Describe() const {
  const char* verb = kind == Kind::kExpect ? "expect"
                     : kind == Kind::kType ? "type"
                     : kind == Kind::kSend ? "send"
                                           : "pause";
  std::string shown = Printable(text);
  if (shown.size() > 80) shown = shown.substr(0, 77) + "...";
  return absl::StrCat("line ", line, ": ", verb, " \"", shown, "\"");
}

absl::StatusOr<std::vector<ScriptStep>> ParseScript(absl::string_view text) {
  std::vector<ScriptStep> steps;
  int number = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    const absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(raw);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    const size_t space = raw.find(' ');
    const absl::string_view verb = raw.substr(0, space);
    ScriptStep step;
    step.line = number;
    if (verb == "expect") {
      step.kind = ScriptStep::Kind::kExpect;
    } else if (verb == "type") {
      step.kind = ScriptStep::Kind::kType;
    } else if (verb == "send") {
      step.kind = ScriptStep::Kind::kSend;
    } else if (verb == "pause") {
      step.kind = ScriptStep::Kind::kPause;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("script line ", number, ": unknown command '",
                                                     verb, "' (expect, type, send or pause)"));
    }
    const absl::string_view rest =
        space == absl::string_view::npos ? absl::string_view() : raw.substr(space + 1);
    if (step.kind == ScriptStep::Kind::kPause) {
      if (!absl::SimpleAtoi(rest, &step.pause_ms) || step.pause_ms <= 0 || step.pause_ms > 60000) {
        return absl::InvalidArgumentError(absl::StrCat(
            "script line ", number, ": 'pause' needs milliseconds, 1..60000: '", rest, "'"));
      }
      step.text = std::string(rest);
      steps.push_back(std::move(step));
      continue;
    }
    absl::StatusOr<std::string> unescaped = Unescape(rest, number);
    if (!unescaped.ok()) return unescaped.status();
    if (unescaped->empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("script line ", number, ": '", verb, "' needs text"));
    }
    step.text = *std::move(unescaped);
    steps.push_back(std::move(step));
  }
  return steps;
}

absl::StatusOr<std::vector<ScriptStep>> LoadScript(const std::string& path) {
  std::ifstream file(path);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot read the script ", path));
  std::stringstream text;
  text << file.rdbuf();
  absl::StatusOr<std::vector<ScriptStep>> steps = ParseScript(text.str());
  if (!steps.ok())
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", steps.status().message()));
  return steps;
}

ScriptPlayer::ScriptPlayer(std::vector<ScriptStep> steps, uint64_t seed)
    : steps_(std::move(steps)), random_(seed * 6364136223846793005ull + 1442695040888963407ull) {}

void ScriptPlayer::Feed(absl::string_view bytes) {
  for (char c : bytes) {
    if (c != '\r') console_.push_back(c);
  }
}

absl::Time ScriptPlayer::Advance(absl::Time now, std::string* out) {
  while (next_ < steps_.size()) {
    const ScriptStep& step = steps_[next_];
    switch (step.kind) {
      case ScriptStep::Kind::kExpect: {
        const size_t at = console_.find(step.text, search_from_);
        if (at == std::string::npos) return absl::InfiniteFuture();
        search_from_ = at + step.text.size();
        ++next_;
        break;
      }
      case ScriptStep::Kind::kSend:
        *out += step.text;
        ++next_;
        break;
      case ScriptStep::Kind::kPause:
        if (pause_until_ == absl::InfinitePast()) {
          pause_until_ = now + absl::Milliseconds(step.pause_ms);
        }
        if (now < pause_until_) return pause_until_;
        pause_until_ = absl::InfinitePast();
        ++next_;
        break;
      case ScriptStep::Kind::kType: {
        if (now < next_key_) return next_key_;
        out->push_back(step.text[typed_++]);
        random_ = random_ * 6364136223846793005ull + 1442695040888963407ull;
        next_key_ = now + absl::Milliseconds(20 + static_cast<int64_t>((random_ >> 33) % 41));
        if (typed_ < step.text.size()) return next_key_;
        typed_ = 0;
        ++next_;  // the next step may start at once: the gap is between bytes
        break;
      }
    }
  }
  return absl::InfiniteFuture();
}

std::string ScriptPlayer::Unfinished() const {
  if (done()) return "";
  const size_t from = console_.size() > kTailBytes ? console_.size() - kTailBytes : 0;
  return absl::StrCat("script step ", next_ + 1, " of ", steps_.size(), " (",
                      steps_[next_].Describe(),
                      ") did not complete; the console since the last match",
                      search_from_ > from ? "" : " (its last bytes)", ":\n",
                      console_.substr(search_from_ > from ? search_from_ : from));
}

}  // namespace viper::qemu
