// Runs a child process (QEMU, or a stand-in in tests) with a deadline and
// streams its merged stdout/stderr to a callback line by line; optionally
// converses with it through its stdin (a pipe then; /dev/null otherwise),
// which is how a test types into QEMU's serial console (`-nographic`
// puts the serial port on QEMU's stdio).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace viper::qemu {

struct ProcessResult {
  bool exited = false;               // ended by itself (exit or signal), not killed by us
  int exit_status = -1;              // valid when exited without a signal
  int term_signal = 0;               // signal that ended it, if any
  bool timed_out = false;            // we killed it at the deadline
  bool killed_after_result = false;  // we killed it after the grace period
};

struct RunLimits {
  absl::Duration timeout = absl::Seconds(60);
  // After the callback reports a final line, the child has this long to exit
  // by itself before it is killed.
  absl::Duration grace = absl::Seconds(5);
};

// A conversation with the child: it sees the raw output as it arrives and
// says what to write to the child's stdin and when to be asked again
// (absl::InfiniteFuture(): only when more output arrives).
struct Conversation {
  std::function<void(absl::string_view bytes)> on_output;
  std::function<absl::Time(absl::Time now, std::string* to_write)> advance;
};

// Each complete output line (terminator stripped) goes to `on_line`; it
// returns true when the line is final. Fails only if the child cannot be
// started; a child that hangs or crashes is a ProcessResult, not an error.
absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         const RunLimits& limits,
                                         const std::function<bool(absl::string_view)>& on_line,
                                         const Conversation* conversation = nullptr);

}  // namespace viper::qemu
