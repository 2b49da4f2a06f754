// The system calls, one function each, grouped by file as the ABI groups
// them (<viperdos/syscalls.h>); each group installs its calls in the table.
#pragma once

#include "kernel/syscall/syscall.h"

namespace viper::syscall {

// Portable groups (host-tested).
void install_debug_calls();    // debug.cc
void install_handle_calls();   // handles.cc
void install_channel_calls();  // channels.cc
void install_waiting_calls();  // waiting.cc: events, timers, pollsets
void install_time_calls();     // time.cc
void install_futex_calls();    // futex.cc
void install_console_calls();  // console.cc
void install_log_calls();      // log.cc

// Kernel-only groups (they run user threads and address spaces).
void install_process_calls();  // process.cc
void install_thread_calls();   // thread.cc
void install_memory_calls();   // memory.cc
void install_system_calls();   // system.cc
void install_bootfs_calls();   // bootfs.cc
void install_signal_calls();   // signals.cc

// process_list.cc: list and open; installed by install_process_calls().
void install_process_list_calls();
// vmo.cc: shareable memory objects (kernel only).
void install_vmo_calls();
// block.cc: disks (kernel only: DMA into a VMO's frames).
void install_block_calls();
// net.cc: network interfaces (kernel only, as the disks).
void install_net_calls();

}  // namespace viper::syscall
