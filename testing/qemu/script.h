// Input scripts for QEMU tests: what to type into the serial console and
// what to wait for (qemu_test(script = "file")).
//
//   # a comment; blank lines are ignored
//   expect TEXT   wait (within the test's timeout) until the console shows
//                 TEXT after the previous match
//   type TEXT     type it like a person: 20-60 ms between bytes
//   send TEXT     send it at full speed, all at once
//   pause MS      wait MS milliseconds (what a person does between typing
//                 a command and pressing Ctrl-C; no console text marks
//                 the moment the program is running)
//
// TEXT is the rest of the line after one space; escapes \r \n \t \\ \xNN
// (two hex digits) and \s (a space, for text that ends in one). The
// console is matched with '\r' removed, so `expect` never has to spell the
// serial line's CR LF.
#pragma once

#include <stdint.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace viper::qemu {

struct ScriptStep {
  enum class Kind { kExpect, kType, kSend, kPause };
  Kind kind;
  std::string text;
  int64_t pause_ms = 0;          // kPause
  int line = 0;                  // in the script file
  std::string Describe() const;  // "line 3: expect \"$ \""
};

// Errors name the line: an unknown command, a bad escape, empty text.
absl::StatusOr<std::vector<ScriptStep>> ParseScript(absl::string_view text);
// Reads and parses a script file; errors name the file.
absl::StatusOr<std::vector<ScriptStep>> LoadScript(const std::string& path);

// Plays a script against a console: fed what the console shows, it says
// what to send and when. Deterministic: the typing gaps come from a fixed
// seed, so a failing run can be repeated.
class ScriptPlayer {
 public:
  explicit ScriptPlayer(std::vector<ScriptStep> steps, uint64_t seed = 1);

  // Console output as it arrives (any chunking).
  void Feed(absl::string_view bytes);
  // At `now`: the bytes to write to the console (appended to *out), and
  // when to be asked again (absl::InfiniteFuture(): only after more output).
  absl::Time Advance(absl::Time now, std::string* out);

  bool done() const { return next_ >= steps_.size(); }
  // Why the script has not finished: the pending step and the console's
  // last lines (for a timeout or an early end).
  std::string Unfinished() const;

 private:
  std::vector<ScriptStep> steps_;
  size_t next_ = 0;
  size_t typed_ = 0;  // bytes of the current `type` step already sent
  absl::Time next_key_ = absl::InfinitePast();
  absl::Time pause_until_ = absl::InfinitePast();  // the current pause's end, once started
  std::string console_;                            // everything shown, '\r' removed
  size_t search_from_ = 0;                         // end of the previous match
  uint64_t random_;
};

}  // namespace viper::qemu
