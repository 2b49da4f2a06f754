#include "kernel/syscall/calls.h"

namespace viper::syscall {

void install_kernel_calls() {
  install_debug_calls();
  install_time_calls();
  install_process_calls();
}

}  // namespace viper::syscall
