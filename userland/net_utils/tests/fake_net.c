/* <viperdos/net.h>'s calls for the host builds of ping, ifconfig and
 * netstat: a made-up netd with fixed answers, so tests/net_cases.sh
 * checks their output exactly. FAKE_NET_DOWN=1 in the environment makes
 * every call fail with ENETDOWN (no netd). Addresses:
 *   127.0.0.1  answers in 0.25 ms (1.5 ms for sequence 2)
 *   10.0.2.99  never answers (ETIMEDOUT)
 *   10.0.2.98  ARP finds nobody (EHOSTUNREACH)
 *   10.0.2.97  answers every other request */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <viperdos/net.h>

static int down(void) {
  const char* v = getenv("FAKE_NET_DOWN");
  if (v == NULL || strcmp(v, "1") != 0) return 0;
  errno = ENETDOWN;
  return 1;
}

int viper_net_ping(uint32_t addr, uint16_t sequence, size_t payload_bytes, uint64_t timeout_ns,
                   uint64_t* rtt_ns) {
  (void)timeout_ns;
  if (down()) return -1;
  if (payload_bytes > 1472) {
    errno = EINVAL;
    return -1;
  }
  if (addr == 0x7f000001u || (addr == 0x0a000261u && sequence % 2 == 1)) {
    *rtt_ns = sequence == 2 ? 1500000u : 250000u;
    return 0;
  }
  errno = addr == 0x0a000262u ? EHOSTUNREACH : ETIMEDOUT;
  return -1;
}

int viper_net_interface(struct viper_net_interface* out) {
  if (down()) return -1;
  memset(out, 0, sizeof(*out));
  memcpy(out->name, "eth0", 5);
  const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  memcpy(out->mac, mac, sizeof(mac));
  out->mtu = 1500;
  out->flags = VIPER_NET_IF_UP | VIPER_NET_IF_CONFIGURED | VIPER_NET_IF_DHCP;
  out->addr = 0x0a00020fu;    /* 10.0.2.15 */
  out->netmask = 0xffffff00u; /* 255.255.255.0 */
  out->gateway = 0x0a000202u;
  out->dns = 0x0a000203u;
  out->lease_seconds_left = 86000;
  out->rx_frames = 10;
  out->rx_bytes = 2000;
  out->tx_frames = 12;
  out->tx_bytes = 1800;
  out->rx_dropped = 1;
  out->frames_dropped_on_purpose = 3;
  return 0;
}

/* More than netstat's first buffer holds: it must ask again. */
#define COUNTERS 150

int viper_net_counters(struct viper_net_counter* out, int capacity) {
  if (down()) return -1;
  for (int i = 0; i < COUNTERS && i < capacity; ++i) {
    memset(&out[i], 0, sizeof(out[i]));
    if (i == 0) {
      strcpy(out[i].name, "tcp_retransmits");
      out[i].value = 42;
    } else {
      strcpy(out[i].name, "counter_");
      out[i].name[8] = (char)('a' + i / 26 % 26);
      out[i].name[9] = (char)('a' + i % 26);
      out[i].value = (uint64_t)i;
    }
  }
  return COUNTERS;
}

int viper_net_sockets(struct viper_net_socket* out, int capacity) {
  if (down()) return -1;
  const struct viper_net_socket all[] = {
      {SOCK_STREAM, 1, "LISTEN", 0, 0, 80, 0, 0, 0, 1},
      {SOCK_STREAM, 4, "ESTABLISHED", 0x0a00020fu, 0x0a000202u, 80, 40000, 10, 20, 1},
      {SOCK_STREAM, 9, "TIME_WAIT", 0x0a00020fu, 0x0a000202u, 80, 39999, 0, 0, 0},
      {SOCK_DGRAM, 0, "", 0x0a00020fu, 0, 68, 0, 0, 0, 1},
  };
  const int n = (int)(sizeof(all) / sizeof(all[0]));
  for (int i = 0; i < n && i < capacity; ++i) out[i] = all[i];
  return n;
}
