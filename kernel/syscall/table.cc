// The dispatch table, indexed by call number (<viperdos/syscalls.h>). Each
// group installs its calls at boot; afterwards the table is only read.
#include <viperdos/syscalls.h>

#include "kernel/lib/printk.h"
#include "kernel/syscall/syscall.h"

namespace viper::syscall {
namespace {

CallInfo g_calls[VIPER_SYS_COUNT] = {};

}  // namespace

void install_call(uint64_t number, CallInfo info) {
  if (number >= VIPER_SYS_COUNT || info.call == nullptr || g_calls[number].call != nullptr) {
    panic("system call %llu installed twice or out of range",
          static_cast<unsigned long long>(number));
  }
  g_calls[number] = info;
}

const CallInfo* find_call(uint64_t number) {
  if (number >= VIPER_SYS_COUNT || g_calls[number].call == nullptr) return nullptr;
  return &g_calls[number];
}

int64_t dispatch(CallContext& context, uint64_t number, const Arguments& args) {
  const CallInfo* info = find_call(number);
  if (info == nullptr) return static_cast<int64_t>(Error::kUnknownCall);
  Result<uint64_t> result = info->call(context, args);
  if (!result.ok()) return static_cast<int64_t>(result.error());
  // Values are below 2^63, so a result never looks like an error.
  return static_cast<int64_t>(result.value() & ~(uint64_t{1} << 63));
}

}  // namespace viper::syscall
