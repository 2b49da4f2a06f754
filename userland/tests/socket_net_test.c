/* netd on a real NIC (QEMU user networking, restrict=on: nothing leaves
 * QEMU): the DHCP lease (10.0.2.15 from slirp), a ping of the gateway
 * (10.0.2.2), the interface and its counters, and sockets on the lease's
 * address. Run as init, it takes the kernel's "nic" message and starts
 * bin/netd with it, as init's `net` directive does; run by init after a
 * `net` line, it uses the connection init passed it. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <viperdos/net.h>
#include <viperdos/viper.h>

#include "userland/testing/utest.h"

#define MS 1000000ull
#define GATEWAY 0x0a000202u
#define LEASE 0x0a00020fu

static int started;

/* The kernel's bootstrap messages: the NIC's handle, or 0. */
static viper_handle_t take_nic(void) {
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
  return nic;
}

static void start_netd(void) {
  if (started) return;
  /* Started by init (etc/net-test.conf): its netd is ours already. */
  const int probe = socket(AF_INET, SOCK_DGRAM, 0);
  if (probe >= 0) {
    close(probe);
    started = 1;
    return;
  }
  started = -1;
  const viper_handle_t nic = take_nic();
  viper_handle_t pair[2];
  if (!nic || viper_channel_create(pair) < 0) return;
  if (viper_channel_write(pair[0], "nic", 3, &nic, 1) < 0) return;
  const char* argv[] = {"bin/netd"};
  const struct viper_spawn_args args = {
      .path = "bin/netd", .argv = argv, .argc = 1, .envp = 0, .envc = 0, .bootstrap = pair[1]};
  if (viper_process_spawn(&args) < 0 || viper_net_set_connection(pair[0]) != 0) return;
  started = 1;
}

/* The interface once DHCP configured it (within 20 s), or flags 0. */
static struct viper_net_interface configured(void) {
  struct viper_net_interface info;
  memset(&info, 0, sizeof(info));
  const uint64_t give_up = viper_clock_monotonic() + 20000 * MS;
  while (viper_clock_monotonic() < give_up) {
    if (viper_net_interface(&info) == 0 && (info.flags & VIPER_NET_IF_CONFIGURED)) return info;
    viper_thread_sleep(viper_deadline_after(50 * MS));
  }
  info.flags = 0;
  return info;
}

UTEST(netd, obtains_a_dhcp_lease) {
  start_netd();
  UASSERT(started == 1);
  const struct viper_net_interface info = configured();
  UASSERT(info.flags & VIPER_NET_IF_CONFIGURED);
  UEXPECT(info.flags & VIPER_NET_IF_DHCP);
  UEXPECT(info.flags & VIPER_NET_IF_UP);
  UEXPECT_EQ(info.addr, LEASE);
  UEXPECT_EQ(info.netmask, 0xffffff00u);
  /* restrict=on: slirp offers no router and no DNS server (its bootp.c
   * leaves both out of a restricted network's replies); the gateway is
   * on the subnet all the same. */
  UEXPECT(info.gateway == 0 || info.gateway == GATEWAY);
  UEXPECT(info.dns == 0 || (info.dns & 0xffffff00u) == (LEASE & 0xffffff00u));
  UEXPECT(info.lease_seconds_left > 0);
  UEXPECT(info.mac[0] == 0x52 && info.mac[1] == 0x54);
  UEXPECT(info.rx_frames > 0 && info.tx_frames > 0);
  UEXPECT_EQ(info.frames_dropped_on_purpose, 0);
}

UTEST(netd, pings_the_gateway) {
  start_netd();
  UASSERT(configured().flags);
  int answered = 0;
  uint64_t rtt = 0;
  for (int i = 0; i < 3 && !answered; ++i) {
    answered = viper_net_ping(GATEWAY, (uint16_t)(i + 1), 56, 2000 * MS, &rtt) == 0;
  }
  UEXPECT(answered);
  UEXPECT(rtt > 0);
  struct viper_net_counter counters[256];
  const int n = viper_net_counters(counters, 256);
  uint64_t replies = 0;
  for (int i = 0; i < n && i < 256; ++i) {
    if (strcmp(counters[i].name, "icmp_echo_replies_in") == 0) replies = counters[i].value;
  }
  UEXPECT(replies > 0);
}

UTEST(netd, sockets_on_the_lease_address) {
  start_netd();
  UASSERT(configured().flags);
  /* A listener on the interface's own address, reached through it. */
  const int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(LEASE);
  socklen_t length = sizeof(a);
  UASSERT(bind(l, (struct sockaddr*)&a, sizeof(a)) == 0);
  UASSERT(listen(l, 4) == 0);
  UASSERT(getsockname(l, (struct sockaddr*)&a, &length) == 0);
  const int c = socket(AF_INET, SOCK_STREAM, 0);
  UASSERT(connect(c, (struct sockaddr*)&a, sizeof(a)) == 0);
  const int s = accept(l, 0, 0);
  UASSERT(s >= 0);
  UEXPECT_EQ(send(c, "lease", 5, 0), 5);
  char b[8] = {0};
  UEXPECT_EQ(recv(s, b, 5, MSG_WAITALL), 5);
  UEXPECT(strcmp(b, "lease") == 0);
  close(s);
  close(c);
  close(l);
  struct addrinfo* list = 0;
  UASSERT(getaddrinfo("10.0.2.2", "80", 0, &list) == 0);
  UEXPECT_EQ(ntohl(((struct sockaddr_in*)list->ai_addr)->sin_addr.s_addr), GATEWAY);
  freeaddrinfo(list);
  /* A name needs a resolver, which restrict=on's lease names none of. */
  struct viper_net_interface info;
  UASSERT(viper_net_interface(&info) == 0);
  if (info.dns == 0) UEXPECT_EQ(getaddrinfo("example.com", "80", 0, &list), EAI_FAIL);
}

UTEST(netd, refuses_what_it_cannot_do) {
  start_netd();
  UASSERT(configured().flags);
  /* An address off every route's reach is not an error of the stack's
   * making: a datagram larger than the MTU is, and so is a bad ping. */
  const int u = socket(AF_INET, SOCK_DGRAM, 0);
  static char big[2000];
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
  to.sin_addr.s_addr = htonl(GATEWAY);
  errno = 0;
  UEXPECT_EQ(sendto(u, big, sizeof(big), 0, (struct sockaddr*)&to, sizeof(to)), -1);
  UEXPECT_EQ(errno, EMSGSIZE);
  errno = 0;
  UEXPECT_EQ(viper_net_ping(GATEWAY, 1, 5000, 1000 * MS, 0), -1);
  UEXPECT_EQ(errno, EINVAL);
  close(u);
}
