// Runs the ktests selected by the command line (kernel/lib/ktest.h).
#pragma once

namespace viper::ktest {

// Runs every registered test matching `filter` ("all", "suite.*",
// "suite.name", comma-separated) and prints the result lines. Returns the
// process exit code: 0 all passed, 1 a test failed, 2 nothing matched.
int run_ktests(const char* filter);

}  // namespace viper::ktest
