/* The NIC handle of a test run as init: the kernel's bootstrap channel
 * carries "console" first, then one "nic" message with the handle. Read
 * once, the channel closed after; every other handle it carried closed. */
#pragma once

#include <stdint.h>
#include <string.h>
#include <viperdos/viper.h>

static viper_handle_t the_nic;
static int bootstrap_read;

static viper_handle_t nic(void) {
  if (bootstrap_read) return the_nic;
  bootstrap_read = 1;
  const viper_handle_t bootstrap = viper_bootstrap_handle();
  if (!bootstrap) return 0;
  for (int i = 0; i < 8; ++i) {
    char tag[16];
    viper_handle_t handles[1];
    struct viper_message m = {tag, 0, sizeof(tag), handles, 0, 1};
    if (viper_channel_read(bootstrap, &m, 0) < 0) break;
    if (m.byte_count == 3 && memcmp(tag, "nic", 3) == 0 && m.handle_count == 1 && !the_nic) {
      the_nic = handles[0];
      continue;
    }
    for (uint64_t h = 0; h < m.handle_count; ++h) viper_handle_close(handles[h]);
  }
  viper_handle_close(bootstrap);
  return the_nic;
}
