// The system calls, one function each, grouped by file as the ABI groups
// them. The table (table.cc) is the only caller.
#pragma once

#include "kernel/syscall/syscall.h"

namespace viper::syscall {

// debug.cc
Result<uint64_t> debug_write(const Arguments& args);
// time.cc
Result<uint64_t> clock_monotonic(const Arguments& args);

}  // namespace viper::syscall
