// Processes: the calls that end, start and watch them.
#include <viperdos/syscalls.h>

#include "kernel/object/process_object.h"
#include "kernel/syscall/calls.h"

namespace viper::syscall {

// (code) -> does not return. Every thread of the process ends; the code
// is what the process handle reports once it has terminated.
Result<uint64_t> process_exit(const Arguments& args) {
  object::Process::current()->exit(static_cast<int64_t>(args.value[0]));
  sched::exit_current();
}

void install_process_calls() {
  install_call(VIPER_SYS_PROCESS_EXIT, {"process_exit", &process_exit});
}

}  // namespace viper::syscall
