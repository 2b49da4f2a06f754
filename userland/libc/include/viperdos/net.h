/* ViperDOS's own network calls, beside BSD sockets (<sys/socket.h>):
 * what ping, ifconfig and netstat ask netd that sockets cannot say. Each
 * returns 0 (or a count) on success, -1 with errno on failure (ENETDOWN:
 * this process has no connection to netd; ETIMEDOUT; EHOSTUNREACH).
 * Addresses and ports are in host byte order, as netd's stack keeps them.
 *
 * Bootstrap (no iteration counts, no timeouts: as USER-003 asks of fsd):
 *   kernel -> init: after the "block" messages, one message per NIC on
 *     init's bootstrap channel, the bytes "nic" and the NIC's handle
 *     (rights READ, WRITE, WAIT, TRANSFER, DUPLICATE), NIC 0 first.
 *   init -> netd: the init.conf directive `net bin/netd [ARGS]` starts
 *     netd with one message on its bootstrap channel, "nic" and the handle
 *     of NIC 0; netd waits for it with a blocking read, brings the
 *     interface up (DHCP unless ARGS configure it statically) and then
 *     serves that same channel as init's connection to it. init passes a
 *     clone of that connection to every program it starts, and libc to
 *     every child (fork, posix_spawn, exec), in the startup message, as
 *     the fs root connection travels (fd_startup.h). Without netd (no NIC,
 *     no directive) socket() fails with ENETDOWN. */
#ifndef VIPERDOS_NET_H_
#define VIPERDOS_NET_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VIPER_NET_IF_UP 1u         /* the NIC reports a link */
#define VIPER_NET_IF_CONFIGURED 2u /* it has an address */
#define VIPER_NET_IF_DHCP 4u       /* the address is a DHCP lease */

struct viper_net_interface {
  char name[8]; /* "eth0" */
  uint8_t mac[6];
  uint16_t mtu;
  uint32_t flags;                       /* VIPER_NET_IF_* */
  uint32_t addr, netmask, gateway, dns; /* 0: none */
  uint64_t lease_seconds_left;          /* DHCP; 0 for a static address */
  /* From the NIC (struct viper_net_info). */
  uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
  uint64_t rx_dropped, device_errors, resets;
  /* Frames netd's test knob dropped on purpose (netd --loss=PERCENT). */
  uint64_t frames_dropped_on_purpose;
};

/* The interface (there is one: eth0). */
int viper_net_interface(struct viper_net_interface* out);

/* One counter of the stack: the names of net_counters.h's lists,
 * lower-case ("tcp_retransmits", "drop_ip_bad_checksum", ...). */
struct viper_net_counter {
  char name[40];
  uint64_t value;
};
/* Fills up to `capacity` counters; returns how many the stack has (which
 * may be more than capacity). */
int viper_net_counters(struct viper_net_counter* out, int capacity);

/* One ICMP echo request of `payload_bytes` (<= 1472) to `addr`, waiting
 * at most `timeout_ns` for its reply: 0 and the round trip in *rtt_ns, or
 * -1 with ETIMEDOUT (no reply), EHOSTUNREACH (ARP found nobody). */
int viper_net_ping(uint32_t addr, uint16_t sequence, size_t payload_bytes, uint64_t timeout_ns,
                   uint64_t* rtt_ns);

/* One socket as netstat shows it: every socket of every process, and the
 * connections with no descriptor left (closing, or not yet accepted). */
struct viper_net_socket {
  int type;            /* SOCK_STREAM or SOCK_DGRAM */
  int state;           /* TCP state number (netstack.h's enum tcp_state); 0 for UDP */
  char state_name[12]; /* "ESTABLISHED", "LISTEN", ...; "" for UDP */
  uint32_t local_addr, remote_addr;
  uint16_t local_port, remote_port;
  uint32_t received; /* bytes waiting to be read */
  uint32_t unsent;   /* bytes sent but not acknowledged, or not sent */
  int has_descriptor;
};
/* Fills up to `capacity`; returns how many sockets there are. */
int viper_net_sockets(struct viper_net_socket* out, int capacity);

#ifdef __cplusplus
}
#endif

#endif /* VIPERDOS_NET_H_ */
