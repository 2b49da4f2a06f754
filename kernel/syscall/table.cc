// The dispatch table, indexed by call number (<viperdos/syscalls.h>). Each
// group installs its calls at boot; afterwards the table is only read.
#include <viperdos/syscalls.h>

#include "kernel/lib/printk.h"
#include "kernel/syscall/syscall.h"

namespace viper::syscall {

CallInfo g_calls[kCallCount] = {};

void install_call(uint64_t number, CallInfo info) {
  if (number >= kCallCount || info.call == nullptr || g_calls[number].call != nullptr) {
    panic("system call %llu installed twice or out of range",
          static_cast<unsigned long long>(number));
  }
  g_calls[number] = info;
}

int64_t dispatch(CallContext& context, uint64_t number, const Arguments& args) {
  const CallInfo* info = find_call(number);
  if (info == nullptr) return static_cast<int64_t>(Error::kUnknownCall);
  return abi_result(info->call(context, args));
}

}  // namespace viper::syscall
