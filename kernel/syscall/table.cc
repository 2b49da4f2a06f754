// The dispatch table: indexed by call number, filled in where each call is
// numbered, so a number and its function cannot drift apart.
#include <viperdos/syscalls.h>

#include "kernel/syscall/calls.h"
#include "kernel/syscall/syscall.h"

namespace viper::syscall {
namespace {

struct Table {
  CallInfo entries[VIPER_SYS_COUNT] = {};

  constexpr Table() {
    entries[VIPER_SYS_DEBUG_WRITE] = {"debug_write", &debug_write};
    entries[VIPER_SYS_CLOCK_MONOTONIC] = {"clock_monotonic", &clock_monotonic};
  }
};

constexpr Table kTable;

}  // namespace

const CallInfo* find_call(uint64_t number) {
  if (number >= VIPER_SYS_COUNT || kTable.entries[number].call == nullptr) return nullptr;
  return &kTable.entries[number];
}

int64_t dispatch(uint64_t number, const Arguments& args) {
  const CallInfo* info = find_call(number);
  if (info == nullptr) return static_cast<int64_t>(Error::kUnknownCall);
  Result<uint64_t> result = info->call(args);
  if (!result.ok()) return static_cast<int64_t>(result.error());
  // Values are below 2^63, so a result never looks like an error.
  return static_cast<int64_t>(result.value() & ~(uint64_t{1} << 63));
}

}  // namespace viper::syscall
