/* libc's client of netd (<viperdos/net_protocol.h>): the service
 * connection, one exchange helper, socket descriptions (fd_socket.c) and
 * fork's clones. Internal to libc. Functions return 0 (or a value) or a
 * negative errno. */
#ifndef VIPERDOS_LIBC_NET_CLIENT_H_
#define VIPERDOS_LIBC_NET_CLIENT_H_

#include <stddef.h>
#include <stdint.h>
#include <viperdos/handles.h>
#include <viperdos/net_protocol.h>

#include "userland/libc/fdio.h"

/* A channel to netd used one exchange at a time (`lock`, a futex mutex). */
struct net_conn {
  uint32_t lock;
  viper_handle_t channel;
};

/* One request and its reply on `conn`, under its lock. A reply that
 * carries handles (SOCKET, CLONE: `handles` non-null) is a write and a
 * blocking read; any other is one call(). The reply's status, or -ENETDOWN
 * when netd is gone. `payload` takes what follows the reply header. */
int __net_call(struct net_conn* conn, const struct viper_net_request* request,
               struct viper_net_reply* reply, void* payload, size_t capacity, size_t* payload_bytes,
               viper_handle_t* handles, size_t handle_count);

/* The service connection: 0 when this process has none (socket() is then
 * ENETDOWN). */
struct net_conn* __net_service(void);
/* Makes `channel` the service connection (taken; a previous one closed). */
void __net_set_service(viper_handle_t channel);
/* A CLONE of `conn` in *out. */
int __net_clone(struct net_conn* conn, viper_handle_t* out);

/* Socket descriptions (fd_socket.c). */
struct socket_file {
  struct fd_file file; /* first */
  struct net_conn control;
  viper_handle_t data;
  int type; /* SOCK_STREAM or SOCK_DGRAM */
  /* Under read_lock: the unread rest of a DATA message (stream), and what
   * the data channel said besides bytes. */
  uint32_t read_lock;
  unsigned char* in; /* the last message (tag at 0), or 0 */
  size_t in_next, in_end;
  viper_handle_t in_handles[2]; /* a CONNECTION's, until accept takes them */
  int datagram_ready;           /* UDP: s->in holds a datagram not yet read */
  uint32_t from_addr;           /* its source */
  uint16_t from_port;
  int at_end;        /* EOF, or the channel closed */
  int pending_error; /* an ERROR message's errno, for the next read */
  /* Atomics: the connection's state as libc knows it. */
  int connecting, connected, listening, so_error;
  uint64_t receive_timeout_ns, send_timeout_ns; /* 0: none */
  uint32_t write_lock;
  unsigned char* out; /* a message being composed */
};

/* A description for the two channels (taken even on failure). */
struct fd_file* __fd_socket_new(viper_handle_t control, viper_handle_t data, int type,
                                int status_flags, int connected);
/* The socket behind a description, or 0 for another kind. */
struct socket_file* __fd_socket(struct fd_file* file);
/* The state startup passes to a child (type, connected, listening), and
 * its inverse. */
int64_t __fd_socket_state(const struct socket_file* s);
void __fd_socket_set_state(struct socket_file* s, int64_t state);
/* Reads the data channel until a CONNECTED message settled a pending
 * connect, or `deadline`: 0, -EAGAIN (still pending at the deadline). */
int __fd_socket_settle_connect(struct socket_file* s, uint64_t deadline);
/* Whether a read would return at once (buffered bytes, EOF, an error). */
int __fd_socket_buffered(struct socket_file* s);
/* recv/recvfrom: `from` (a struct net endpoint) filled for datagrams. */
ssize_t __fd_socket_receive(struct socket_file* s, void* buffer, size_t size, int flags,
                            uint32_t* from_addr, uint16_t* from_port);
/* send/sendto: `to` is 0 for the connected peer. */
ssize_t __fd_socket_send(struct socket_file* s, const void* bytes, size_t size, int flags,
                         const uint32_t* to_addr, uint16_t to_port);

/* shutdown(SHUT_WR), in order with the bytes written before. */
int __fd_socket_shutdown_write(struct socket_file* s);
/* A listener's next connection: its channels in out[] and its peer. */
int __fd_socket_accept(struct socket_file* s, viper_handle_t out[2], uint32_t* addr,
                       uint16_t* port);

/* fork (process.c): the child gets clones of the service connection and
 * of every socket's control channel (calls and replies of two processes
 * must not cross on one channel); the data channels it shares. */
struct net_fork;
struct net_fork* __net_fork_prepare(void);
void __net_fork_child(struct net_fork* clones);
void __net_fork_parent(struct net_fork* clones);

/* Blocking waits honour O_NONBLOCK and the socket's timeouts. */
uint64_t __net_deadline(uint64_t timeout_ns, int nonblocking);

#endif /* VIPERDOS_LIBC_NET_CLIENT_H_ */
