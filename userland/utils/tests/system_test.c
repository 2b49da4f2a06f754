/* The system calls behind sysinfo, free, uptime, poweroff and reboot
 * (kernel/syscall/system.cc): the facts add up, the statistics follow the
 * objects they count, and a power action the kernel does not know is
 * refused rather than taken for one it does. Run by //kernel:utils_test. */
#include <viperdos/viper.h>

#include "userland/testing/utest.h"

UTEST(system_info, memory_adds_up_to_the_total) {
  struct viper_system_info info;
  UASSERT_EQ(viper_system_info(&info), 0);
  UEXPECT(info.total_memory > 0);
  UEXPECT_EQ(info.free_memory + info.used_memory + info.reserved_memory, info.total_memory);
  UEXPECT(info.heap_allocations > 0); /* the kernel's own objects, at least */
  UEXPECT(info.heap_bytes >= info.heap_allocations * 16);
}

UTEST(system_info, ipc_statistics_follow_the_objects) {
  struct viper_system_info before, with, after;
  UASSERT_EQ(viper_system_info(&before), 0);
  const int64_t event = viper_event_create();
  viper_handle_t channel[2];
  UASSERT(event > 0);
  UASSERT_EQ(viper_channel_create(channel), 0);
  UASSERT_EQ(viper_channel_write(channel[0], "hi", 2, 0, 0), 0);
  UASSERT_EQ(viper_system_info(&with), 0);
  UEXPECT_EQ(with.ipc_events, before.ipc_events + 1);
  UEXPECT(with.ipc_channels > before.ipc_channels);
  UEXPECT_EQ(with.ipc_messages, before.ipc_messages + 1);
  viper_handle_close((viper_handle_t)event);
  viper_handle_close(channel[0]);
  viper_handle_close(channel[1]);
  UASSERT_EQ(viper_system_info(&after), 0);
  UEXPECT_EQ(after.ipc_events, before.ipc_events);
  UEXPECT_EQ(after.ipc_channels, before.ipc_channels);
  UEXPECT_EQ(after.ipc_messages, before.ipc_messages);
}

UTEST(system_info, refuses_a_bad_address) {
  UEXPECT_EQ(viper_system_info((struct viper_system_info*)8), VIPER_ERR_FAULT);
}

UTEST(system_power, refuses_an_unknown_action) {
  UEXPECT_EQ(viper_system_power(2), VIPER_ERR_INVALID_ARGUMENT);
  UEXPECT_EQ(viper_system_power(0xffffffffu), VIPER_ERR_INVALID_ARGUMENT);
}
