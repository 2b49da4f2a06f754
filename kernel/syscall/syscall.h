// System calls (layer 9): the table from call numbers (<viperdos/syscalls.h>)
// to the kernel functions that serve them, and the one entry every call
// goes through. The dispatch is portable, so calls are host-tested with
// the same code the kernel runs; the AArch64 entry (entry.cc) only moves
// registers in and out of an exception frame.
//
// Every call validates every argument before it acts: a handle and its
// rights through the caller's handle table, user pointers only through
// the fault-safe copies (kFault), sizes against named limits, flags
// against known bits. An unknown number is kUnknownCall. A bad call
// returns its error; it never panics, hangs or corrupts the kernel.
#pragma once

#include <stdint.h>

#include "kernel/cap/handle_table.h"
#include "kernel/lib/result.h"

namespace viper::object {
class Process;
}
namespace viper::arch {
struct ExceptionFrame;
}

namespace viper::syscall {

struct Arguments {
  uint64_t value[6];
};

// Who is calling: the handle table every handle argument is looked up in,
// and the process (kernel calls only; host tests of the portable calls
// pass a table and no process).
struct CallContext {
  cap::HandleTable& handles;
  object::Process* process = nullptr;
  // The caller's saved user registers (kernel calls only: fork copies
  // them, exec replaces them); nullptr in host tests.
  arch::ExceptionFrame* frame = nullptr;
};

// One system call: the value it returns (>= 0), or its error.
using Call = Result<uint64_t> (*)(CallContext& context, const Arguments& args);

struct CallInfo {
  const char* name;  // for traces and tests: "debug_write"
  Call call;
};

// The entry for `number`, or nullptr if there is none.
const CallInfo* find_call(uint64_t number);

// Puts `info` at `number`: at boot, before any user thread runs (each
// group of calls installs itself; the table is read-only afterwards).
void install_call(uint64_t number, CallInfo info);

// Every group, in the kernel (kernel_calls.cc).
void install_kernel_calls();

// The wall clock: the RTC said `epoch_seconds` at uptime `read_at_uptime_ns`
// (boot reads it once); VIPER_SYS_CLOCK_WALL counts on from there.
void set_wall_clock(uint64_t epoch_seconds, uint64_t read_at_uptime_ns);

// Runs call `number`: its value, or the negated error code (the ABI's x0).
int64_t dispatch(CallContext& context, uint64_t number, const Arguments& args);

}  // namespace viper::syscall
