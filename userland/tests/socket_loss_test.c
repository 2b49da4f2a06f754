/* netd's test knobs on a real NIC (QEMU user networking): with
 * `--loss=10 --reorder=10` frames are dropped and held back on purpose in
 * both directions, counted in the interface's frames_dropped_on_purpose,
 * and the protocols above recover: DHCP retransmits until it has its
 * lease, and pings of the gateway are answered (with retries). Runs as
 * init: it takes the kernel's "nic" message and starts bin/netd itself. */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <viperdos/net.h>
#include <viperdos/viper.h>

#include "userland/testing/utest.h"

#define MS 1000000ull
#define GATEWAY 0x0a000202u

static int started;

static void start_lossy_netd(void) {
  if (started) return;
  started = -1;
  const viper_handle_t bootstrap = viper_bootstrap_handle();
  viper_handle_t nic = 0;
  for (;;) {
    char tag[16];
    viper_handle_t handles[1] = {0};
    struct viper_message m = {tag, 0, sizeof(tag), handles, 0, 1};
    if (!bootstrap || viper_channel_read(bootstrap, &m, 0) < 0) break;
    if (m.byte_count == 3 && memcmp(tag, "nic", 3) == 0 && m.handle_count == 1 && !nic) {
      nic = handles[0];
    } else if (m.handle_count == 1) {
      viper_handle_close(handles[0]);
    }
  }
  viper_handle_t pair[2];
  if (!nic || viper_channel_create(pair) < 0) return;
  if (viper_channel_write(pair[0], "nic", 3, &nic, 1) < 0) return;
  const char* argv[] = {"bin/netd", "--loss=10", "--reorder=10"};
  const struct viper_spawn_args args = {
      .path = "bin/netd", .argv = argv, .argc = 3, .envp = 0, .envc = 0, .bootstrap = pair[1]};
  if (viper_process_spawn(&args) < 0 || viper_net_set_connection(pair[0]) != 0) return;
  started = 1;
}

UTEST(loss, dhcp_and_ping_recover_and_the_drops_are_counted) {
  start_lossy_netd();
  UASSERT(started == 1);
  struct viper_net_interface info;
  memset(&info, 0, sizeof(info));
  /* DHCP backs off 4, 8, 16 s: a lost exchange costs a retry, not the lease. */
  const uint64_t give_up = viper_clock_monotonic() + 90000 * MS;
  while (viper_clock_monotonic() < give_up &&
         !(viper_net_interface(&info) == 0 && (info.flags & VIPER_NET_IF_CONFIGURED))) {
    viper_thread_sleep(viper_deadline_after(100 * MS));
  }
  UASSERT(info.flags & VIPER_NET_IF_CONFIGURED);
  UEXPECT_EQ(info.addr, 0x0a00020fu);
  int answered = 0;
  for (uint16_t sequence = 1; sequence <= 40; ++sequence) {
    uint64_t rtt = 0;
    answered += viper_net_ping(GATEWAY, sequence, 56, 500 * MS, &rtt) == 0;
  }
  /* 10 % each way: about 81 % answered; far fewer means the knob is off
   * by more than chance (P(< 20 of 40) is below 1e-7). */
  UASSERT(viper_net_interface(&info) == 0);
  UEXPECT(answered >= 20);
  UEXPECT(info.frames_dropped_on_purpose > 0);
  utest_log("loss: %d of 40 pings answered, %llu frames dropped on purpose, %llu in, %llu out",
            answered, (unsigned long long)info.frames_dropped_on_purpose,
            (unsigned long long)info.rx_frames, (unsigned long long)info.tx_frames);
}
