// The system calls, one function each, grouped by file as the ABI groups
// them; each group installs its calls in the table (table.cc).
#pragma once

#include "kernel/syscall/syscall.h"

namespace viper::syscall {

// debug.cc
Result<uint64_t> debug_write(const Arguments& args);
void install_debug_calls();
// time.cc
Result<uint64_t> clock_monotonic(const Arguments& args);
void install_time_calls();
// process.cc (kernel only)
Result<uint64_t> process_exit(const Arguments& args);
void install_process_calls();

}  // namespace viper::syscall
