#include "kernel/syscall/calls.h"

namespace viper::syscall {

void install_kernel_calls() {
  install_debug_calls();
  install_handle_calls();
  install_channel_calls();
  install_waiting_calls();
  install_time_calls();
  install_futex_calls();
  install_log_calls();
  install_process_calls();
  install_thread_calls();
  install_memory_calls();
  install_system_calls();
  install_bootfs_calls();
  install_signal_calls();
  install_console_calls();
  install_vmo_calls();
  install_block_calls();
  install_net_calls();
}

}  // namespace viper::syscall
