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
#include <viperdos/syscalls.h>

#include "kernel/cap/handle_table.h"
#include "kernel/lib/result.h"

namespace viper::object {
class Process;
}
namespace viper::arch {
struct ExceptionFrame;
}

namespace viper::syscall {

// x0-x5 of the call. may_alias: the entry hands the calls the saved
// registers themselves (entry.cc), not a copy of them: under QEMU TCG
// every load and store on the null syscall's path costs a soft-TLB
// lookup.
struct [[gnu::may_alias]] Arguments {
  uint64_t value[6];
};

// Who is calling: the handle table every handle argument is looked up in,
// and the process (kernel calls only; host tests of the portable calls
// pass a table and no process).
struct CallContext {
  cap::HandleTable& handles;
  object::Process* process = nullptr;
  // The caller's saved user registers, every one of them: only for a call
  // installed with FrameUse::kWhole (fork copies them, exec replaces
  // them); nullptr for every other call and in host tests.
  arch::ExceptionFrame* frame = nullptr;
};

// One system call: the value it returns (>= 0), or its error.
using Call = Result<uint64_t> (*)(CallContext& context, const Arguments& args);

// What a call needs of the caller's registers. Most calls take their
// arguments and leave x0; the entry then saves only the registers C may
// clobber (kernel/arch/aarch64/exception.h, SyscallFrame). kWhole: the
// call reads or writes every register (CallContext::frame), so the entry
// saves them all first. Its Arguments are the frame's x0-x5 themselves
// (entry.cc): read them before writing the frame.
enum class FrameUse : uint8_t { kArguments, kWhole };

struct CallInfo {
  const char* name;  // for traces and tests: "debug_write"
  Call call;
  FrameUse frame = FrameUse::kArguments;
};

// The table (table.cc), read inline by find_call on every system call.
inline constexpr uint64_t kCallCount = VIPER_SYS_COUNT;
extern CallInfo g_calls[kCallCount];

// The entry for `number`, or nullptr if there is none.
inline const CallInfo* find_call(uint64_t number) {
  if (number >= kCallCount || g_calls[number].call == nullptr) return nullptr;
  return &g_calls[number];
}

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

// A call's result as x0 carries it: the value, or the negated error code.
// Values are below 2^63, so a result never looks like an error.
inline int64_t abi_result(const Result<uint64_t>& result) {
  if (!result.ok()) return static_cast<int64_t>(result.error());
  return static_cast<int64_t>(result.value() & ~(uint64_t{1} << 63));
}

}  // namespace viper::syscall
