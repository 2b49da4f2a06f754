/* netd's TCP/IP stack: Ethernet, ARP, IPv4, ICMP, UDP and TCP for one NIC,
 * as a portable C11 library with no system calls, threads or blocking, so
 * the host tests it as it is and netd wraps it.
 *
 * Driving it: the server loop hands every received frame to
 * netstack_input(), calls netstack_tick() with the current time (the
 * stack never reads a clock: timers are deterministic under a fake clock)
 * at netstack_next_deadline() or sooner, and the stack sends frames
 * through config.send_frame. send_frame must not call back into the stack
 * (queue the frame instead): the stack is in the middle of an operation.
 *
 * Sockets are small integer handles in this library's own API. No call
 * blocks: one that cannot proceed returns NET_EAGAIN (or NET_EINPROGRESS
 * for connect), and net_poll() gives the readiness a server loop waits on.
 * Errors are negative NET_E* values named after their POSIX counterparts,
 * so netd maps them one to one to errno.
 *
 * Hostile input: every field from the wire is checked before use; frames
 * that fail a check are dropped and counted per reason (netstack_drops). */
#ifndef NETD_NETSTACK_H_
#define NETD_NETSTACK_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_counters.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Addresses and ports are in host byte order everywhere in this API. */
struct net_endpoint {
  uint32_t addr;
  uint16_t port;
};

struct netstack_config {
  uint8_t mac[6];
  uint32_t addr;    /* 0 until configured (DHCP) */
  uint32_t netmask; /* e.g. 0xffffff00 */
  uint32_t gateway; /* 0: no default route */
  uint16_t mtu;     /* 0: 1500; at least 576 */
  void* context;
  /* Sends one Ethernet frame (no FCS). Must not re-enter the stack. */
  void (*send_frame)(void* context, const uint8_t* frame, size_t size);
  /* Randomness for initial sequence numbers, ephemeral ports and IP IDs
   * (RFC 6528: ISNs must not be predictable). */
  uint32_t (*random)(void* context);
};

struct netstack;

/* NULL on a bad config (no send_frame or random, MTU out of range) or out
 * of memory. `now_ns` starts the stack's clock. */
struct netstack* netstack_create(const struct netstack_config* config, uint64_t now_ns);
void netstack_destroy(struct netstack* stack);
/* Changes the interface address (DHCP lease); 0 unconfigures it. */
int netstack_set_address(struct netstack* stack, uint32_t addr, uint32_t netmask, uint32_t gateway);

/* One frame from the NIC, any bytes. The stack copies what it keeps. */
void netstack_input(struct netstack* stack, const uint8_t* frame, size_t size);
/* Advances the clock (never backwards: an earlier time is ignored) and
 * runs due timers. */
void netstack_tick(struct netstack* stack, uint64_t now_ns);
/* The earliest time a timer is due, UINT64_MAX if none. */
uint64_t netstack_next_deadline(const struct netstack* stack);

uint64_t netstack_counter(const struct netstack* stack, enum net_counter counter);
uint64_t netstack_drops(const struct netstack* stack, enum net_drop reason);

/* Sends an ICMP echo request; replies are counted (NET_ICMP_ECHO_REPLIES_IN)
 * and the last one's id/sequence is kept for ping. */
int net_ping(struct netstack* stack, uint32_t addr, uint16_t id, uint16_t sequence,
             const void* payload, size_t size);
bool net_last_echo_reply(const struct netstack* stack, uint32_t* from, uint16_t* id,
                         uint16_t* sequence);

/* ---- Sockets ---- */

enum {
  NET_OK = 0,
  NET_EAGAIN = -11,
  NET_EBADF = -9,
  NET_ENOMEM = -12,
  NET_EINVAL = -22,
  NET_EMFILE = -24,
  NET_EPIPE = -32,
  NET_EMSGSIZE = -90,
  NET_EPROTOTYPE = -91,
  NET_ENOPROTOOPT = -92,
  NET_EOPNOTSUPP = -95,
  NET_EADDRINUSE = -98,
  NET_EADDRNOTAVAIL = -99,
  NET_ENETUNREACH = -101,
  NET_ECONNABORTED = -103,
  NET_ECONNRESET = -104,
  NET_EISCONN = -106,
  NET_ENOTCONN = -107,
  NET_ETIMEDOUT = -110,
  NET_ECONNREFUSED = -111,
  NET_EHOSTUNREACH = -113,
  NET_EALREADY = -114,
  NET_EINPROGRESS = -115,
};

enum net_socket_type { NET_SOCK_STREAM = 1, NET_SOCK_DGRAM = 2 };

enum net_shutdown_how { NET_SHUT_RD = 0, NET_SHUT_WR = 1, NET_SHUT_RDWR = 2 };

enum net_option {
  NET_SO_REUSEADDR = 1,
  NET_SO_RCVBUF = 2,
  NET_SO_SNDBUF = 3,
  NET_TCP_NODELAY = 4,
  NET_SO_KEEPALIVE = 5,
  NET_SO_ERROR = 6, /* get only: the pending error, cleared by reading */
};

/* Readiness, as a server loop waits on it. */
enum {
  NET_POLL_READABLE = 1 << 0, /* data, EOF, a connection to accept, or an error */
  NET_POLL_WRITABLE = 1 << 1, /* send would take at least one byte */
  NET_POLL_HUP = 1 << 2,      /* both directions are finished */
  NET_POLL_ERROR = 1 << 3,    /* a pending error (NET_SO_ERROR) */
};

#define NET_MAX_SOCKETS 256
#define NET_BUFFER_MIN 2048
#define NET_BUFFER_MAX (4u << 20)
#define NET_BUFFER_DEFAULT (256u << 10)
#define NET_BACKLOG_MAX 128

/* Returns a handle (>= 0) or an error. */
int net_socket(struct netstack* stack, int type);
int net_bind(struct netstack* stack, int socket, const struct net_endpoint* local);
int net_listen(struct netstack* stack, int socket, int backlog);
/* A new handle, or NET_EAGAIN while no connection is established. */
int net_accept(struct netstack* stack, int socket, struct net_endpoint* peer);
/* NET_EINPROGRESS: poll for NET_POLL_WRITABLE, then read NET_SO_ERROR. */
int net_connect(struct netstack* stack, int socket, const struct net_endpoint* remote);
/* Bytes taken (> 0) or an error; never a partial error. */
long net_send(struct netstack* stack, int socket, const void* data, size_t size);
/* Bytes read, 0 at end of stream, or an error. */
long net_recv(struct netstack* stack, int socket, void* data, size_t size);
long net_sendto(struct netstack* stack, int socket, const void* data, size_t size,
                const struct net_endpoint* remote);
/* A datagram (truncated to `size`, like recvfrom without MSG_TRUNC). */
long net_recvfrom(struct netstack* stack, int socket, void* data, size_t size,
                  struct net_endpoint* remote);
int net_shutdown(struct netstack* stack, int socket, int how);
/* Releases the handle at once; a TCP connection closes gracefully after
 * (FIN once the send buffer drains), or with RST if unread data remains. */
int net_close(struct netstack* stack, int socket);
/* Releases the handle and resets a synchronized TCP connection at once
 * (SO_LINGER 0): for a reader that went away with bytes unread, which the
 * peer must learn (RFC 2525 2.17) even when netd, not the stack, held
 * them. Otherwise as net_close. */
int net_abort(struct netstack* stack, int socket);
int net_setsockopt(struct netstack* stack, int socket, int option, int value);
int net_getsockopt(struct netstack* stack, int socket, int option, int* value);
int net_getsockname(struct netstack* stack, int socket, struct net_endpoint* local);
int net_getpeername(struct netstack* stack, int socket, struct net_endpoint* remote);
/* NET_POLL_* bits, or an error for a bad handle. */
int net_poll(struct netstack* stack, int socket);

/* TCP states, for netstat and tests. */
enum tcp_state {
  TCP_CLOSED,
  TCP_LISTEN,
  TCP_SYN_SENT,
  TCP_SYN_RECEIVED,
  TCP_ESTABLISHED,
  TCP_FIN_WAIT_1,
  TCP_FIN_WAIT_2,
  TCP_CLOSE_WAIT,
  TCP_CLOSING,
  TCP_LAST_ACK,
  TCP_TIME_WAIT,
};
/* One socket as netstat shows it, including connections whose handle is
 * closed (finishing their close, or waiting to be accepted). */
struct net_socket_info {
  int type;  /* NET_SOCK_STREAM or NET_SOCK_DGRAM */
  int state; /* enum tcp_state; TCP_CLOSED for UDP */
  struct net_endpoint local, remote;
  uint32_t received; /* bytes (or datagram bytes) waiting to be read */
  uint32_t unsent;   /* TCP: bytes in the send buffer, sent or not, unacknowledged */
  bool has_handle;   /* false: an orphan or a connection not yet accepted */
};
/* Fills `info` for the first socket at table position >= *position and
 * moves *position past it; false when there are no more. Iterate from 0. */
bool net_socket_next(const struct netstack* stack, int* position, struct net_socket_info* info);

/* The state of a socket's connection, or an error. */
int net_tcp_state(const struct netstack* stack, int socket);
const char* net_tcp_state_name(int state);

#ifdef __cplusplus
}
#endif

#endif /* NETD_NETSTACK_H_ */
