/* The socket protocol: how libc talks to netd.
 *
 * Three kinds of channel, each with one job, so the common case of a
 * socket (read, write, accept, poll) costs the client one system call:
 *
 *   the service connection  a process's channel to netd (init's is netd's
 *     bootstrap channel; every other is a CLONE of its parent's, passed in
 *     the startup message as the fs root is). Requests: SOCKET, CLONE and
 *     the <viperdos/net.h> calls (interface, counters, ping, sockets).
 *   a socket's control channel  bind, listen, connect, shutdown(SHUT_RD),
 *     options and names: one viper_channel_call each.
 *   a socket's data channel  the bytes, in messages tagged like
 *     <viperdos/stream.h>'s: a read() is one channel_read, a write() one
 *     channel_write, and poll() waits on the channel's own signals
 *     (READABLE: data, EOF, an error, a connection to accept; WRITABLE:
 *     netd's queue has room). Flow control is the channel's capacity
 *     (kernel ipc/limits.h) behind the TCP window: netd reads a socket's
 *     data channel only while the stack takes bytes, and net_recv()s only
 *     while the client's queue has room, so a client that stops reading
 *     stalls its own socket (its window closes) and nobody else.
 *
 * A request is struct viper_net_request (then, for a few ops, a payload);
 * a reply is struct viper_net_reply (then a payload). `status` is 0 or a
 * negative errno as picolibc's <errno.h> numbers it (both ends are built
 * against it). Replies that carry handles (SOCKET, CLONE) cannot use
 * call() (it moves bytes only): the client writes and then reads, as
 * fs_protocol.h's OPEN. Every other request is one call(). A connection
 * is used by one thread at a time (libc locks it around each exchange).
 *
 * netd treats every message as hostile: a request of the wrong size, an
 * unknown op or tag, an option or address it cannot take is answered
 * -EINVAL (or the errno the stack names); a client that floods requests
 * without reading its replies loses the replies, never stalls netd.
 *
 * All integers little-endian (both ends are); addresses and ports in host
 * byte order, as netd's stack keeps them (libc converts sockaddr_in).
 *
 * Lifetime: a socket lives while any process holds its data channel.
 * close() in the last holder closes that end; netd then finishes what the
 * channel still had queued (the last bytes, in order) and net_close()s:
 * TCP closes gracefully behind it. A control channel is only a way to ask;
 * closing one (or asking on one whose socket is gone: -EBADF) is harmless.
 * fork/spawn: the child gets a duplicate of the data channel (one socket,
 * shared as POSIX shares a description) and a CLONE of the control channel
 * (calls and replies of two processes must not cross on one channel). */
#ifndef VIPERDOS_NET_PROTOCOL_H_
#define VIPERDOS_NET_PROTOCOL_H_

#include <stdint.h>

enum viper_net_op {
  /* On the service connection. */
  VIPER_NET_SOCKET = 1,    /* value: SOCK_STREAM (1) or SOCK_DGRAM (2). Reply:
                            * two handles, the control channel then the data
                            * channel */
  VIPER_NET_CLONE = 2,     /* reply: one handle, a new service connection; on a
                            * control channel: a new control channel for the
                            * same socket */
  VIPER_NET_INTERFACE = 3, /* reply payload: struct viper_net_interface */
  VIPER_NET_COUNTERS = 4,  /* value: the first counter; reply: value = how
                            * many the stack has, payload: up to
                            * VIPER_NET_COUNTERS_MAX struct viper_net_counter */
  VIPER_NET_PING = 5,      /* addr, port: the sequence, value: payload bytes,
                            * option: the timeout in ms. The reply comes when
                            * the echo does or the time is up: value = the
                            * round trip in ns */
  VIPER_NET_SOCKETS = 6,   /* value: the first socket; reply: value = how
                            * many there are, payload: up to
                            * VIPER_NET_SOCKETS_MAX struct viper_net_socket */

  /* On a control channel. */
  VIPER_NET_BIND = 16,        /* addr, port */
  VIPER_NET_LISTEN = 17,      /* value: the backlog */
  VIPER_NET_CONNECT = 18,     /* addr, port. Reply 0 (UDP: the peer is set),
                               * or -EINPROGRESS: a CONNECTED message on the
                               * data channel says how it ended */
  VIPER_NET_SHUTDOWN = 19,    /* value: SHUT_RD only (SHUT_WR travels on the
                               * data channel, in order with the bytes) */
  VIPER_NET_SETSOCKOPT = 20,  /* option: VIPER_NET_OPT_*, value */
  VIPER_NET_GETSOCKOPT = 21,  /* option; reply value */
  VIPER_NET_GETSOCKNAME = 22, /* reply addr, port */
  VIPER_NET_GETPEERNAME = 23, /* reply addr, port */
};

/* Options: netstack.h's enum net_option, one to one. */
#define VIPER_NET_OPT_REUSEADDR 1
#define VIPER_NET_OPT_RCVBUF 2
#define VIPER_NET_OPT_SNDBUF 3
#define VIPER_NET_OPT_NODELAY 4
#define VIPER_NET_OPT_KEEPALIVE 5
#define VIPER_NET_OPT_ERROR 6

struct viper_net_request {
  uint32_t op; /* enum viper_net_op */
  uint32_t option;
  int64_t value;
  uint32_t addr;
  uint16_t port;
  uint16_t reserved;
};

struct viper_net_reply {
  int32_t status; /* 0 or -errno */
  uint32_t reserved;
  int64_t value;
  uint32_t addr;
  uint16_t port;
  uint16_t reserved2;
};

#define VIPER_NET_COUNTERS_MAX 256 /* per COUNTERS reply */
#define VIPER_NET_SOCKETS_MAX 256  /* per SOCKETS reply */

/* Data-channel messages: a one-byte tag, then the payload. */
enum viper_net_tag {
  /* Either direction: stream bytes (at most VIPER_NET_DATA_MAX); on a
   * connected UDP socket, one datagram to or from the peer. */
  VIPER_NET_DATA = 1,
  /* netd -> client: the peer closed (FIN); read() returns 0 from here on.
   * No payload. */
  VIPER_NET_EOF = 2,
  /* netd -> client: an error the reader must see (ECONNRESET, ETIMEDOUT):
   * an int32 errno. The connection is over: netd closes its end after it,
   * so a write then fails (EPIPE) and a read after the error is 0. */
  VIPER_NET_ERROR = 3,
  /* netd -> client: a non-blocking connect ended: an int32 status (0, or
   * -ECONNREFUSED, -ETIMEDOUT, ...). */
  VIPER_NET_CONNECTED = 4,
  /* netd -> client, on a listener: a connection, already accepted:
   * struct viper_net_datagram's endpoint (the peer) and two handles, its
   * control and data channels. accept() is one channel_read. */
  VIPER_NET_CONNECTION = 5,
  /* Either direction, UDP: struct viper_net_datagram (the far end: the
   * destination client -> netd, the source netd -> client), then the
   * payload (at most VIPER_NET_DATAGRAM_MAX). */
  VIPER_NET_DATAGRAM = 6,
  /* client -> netd: shutdown(SHUT_WR): FIN once the bytes before it are
   * sent. No payload. */
  VIPER_NET_SHUTDOWN_WRITE = 7,
  /* client -> netd: a holder closed with bytes unread. When the last
   * holder is gone the connection is reset, not closed (RFC 2525 2.17:
   * the peer must learn its data was not read), as the stack would if it
   * held the bytes itself. No payload. */
  VIPER_NET_DISCARDED = 8,
};

/* Follows the tag of DATAGRAM and CONNECTION (unaligned: copy it out). */
struct viper_net_datagram {
  uint32_t addr;
  uint16_t port;
  uint16_t reserved;
};

#define VIPER_NET_DATA_MAX (65536 - 1)
/* The largest datagram netd sends: an Ethernet MTU (1500) less the IPv4
 * and UDP headers; netd never fragments (docs/network.md). */
#define VIPER_NET_DATAGRAM_MAX 1472

#endif /* VIPERDOS_NET_PROTOCOL_H_ */
