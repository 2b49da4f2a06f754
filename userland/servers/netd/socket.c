/* The socket API: handles, binding, options and readiness. A handle is
 * (generation << 8 | index), so a stale handle of a closed socket whose
 * slot was reused is refused (NET_EBADF), not aliased. */
#include <string.h>

#include "net_internal.h"

#define HANDLE_INDEX_BITS 8

_Static_assert(NET_MAX_SOCKETS <= (1 << HANDLE_INDEX_BITS), "handles carry an 8-bit index");

int socket_index(const struct netstack* stack, const struct net_socket* socket) {
  return (int)(socket - stack->sockets);
}

int socket_handle(const struct netstack* stack, const struct net_socket* socket) {
  return (int)((socket->generation << HANDLE_INDEX_BITS) | (uint32_t)socket_index(stack, socket));
}

struct net_socket* socket_alloc(struct netstack* stack) {
  for (int i = 0; i < NET_MAX_SOCKETS; i++) {
    struct net_socket* s = &stack->sockets[i];
    if (s->used) continue;
    uint32_t generation = (s->generation + 1) & 0x3fffff;
    memset(s, 0, sizeof(*s));
    s->generation = generation ? generation : 1;
    s->used = true;
    s->rcvbuf_size = NET_BUFFER_DEFAULT;
    s->sndbuf_size = NET_BUFFER_DEFAULT;
    s->tcb.listener = -1;
    return s;
  }
  return NULL;
}

void socket_free(struct netstack* stack, struct net_socket* s) {
  (void)stack;
  udp_socket_free(s);
  ring_free(&s->tcb.sndbuf);
  ring_free(&s->tcb.rcvbuf);
  uint32_t generation = s->generation;
  memset(s, 0, sizeof(*s));
  s->generation = generation;
}

static struct net_socket* lookup(struct netstack* stack, int handle) {
  if (stack == NULL || handle < 0) return NULL;
  struct net_socket* s = &stack->sockets[handle & ((1 << HANDLE_INDEX_BITS) - 1)];
  if ((int)(handle & ((1 << HANDLE_INDEX_BITS) - 1)) >= NET_MAX_SOCKETS) return NULL;
  if (!s->used || !s->user_owned || s->generation != ((uint32_t)handle >> HANDLE_INDEX_BITS))
    return NULL;
  return s;
}

bool port_in_use(const struct netstack* stack, int type, uint32_t addr, uint16_t port, bool reuse) {
  for (int i = 0; i < NET_MAX_SOCKETS; i++) {
    const struct net_socket* s = &stack->sockets[i];
    if (!s->used || s->type != type || !s->bound || s->local.port != port) continue;
    if (s->local.addr != 0 && addr != 0 && s->local.addr != addr) continue;
    /* SO_REUSEADDR lets a socket bind over connections on the port (one
     * lingering in TIME_WAIT, or a server's accepted ones), as BSD does;
     * never over a listener or a socket bound but not yet connected. */
    if (reuse && type == NET_SOCK_STREAM && s->tcb.state != TCP_LISTEN &&
        s->tcb.state != TCP_CLOSED)
      continue;
    return true;
  }
  return false;
}

uint16_t ephemeral_port(struct netstack* stack, int type) {
  const int range = 65536 - TCP_EPHEMERAL_FIRST;
  for (int tries = 0; tries < range; tries++) {
    uint16_t port = stack->next_port;
    stack->next_port = (uint16_t)(port == 65535 ? TCP_EPHEMERAL_FIRST : port + 1);
    if (!port_in_use(stack, type, 0, port, false)) return port;
  }
  return 0;
}

int net_socket(struct netstack* stack, int type) {
  if (stack == NULL) return NET_EINVAL;
  if (type != NET_SOCK_STREAM && type != NET_SOCK_DGRAM) return NET_EPROTOTYPE;
  struct net_socket* s = socket_alloc(stack);
  if (s == NULL) return NET_EMFILE;
  s->type = type;
  s->user_owned = true;
  return socket_handle(stack, s);
}

int net_bind(struct netstack* stack, int handle, const struct net_endpoint* local) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  if (local == NULL) return NET_EINVAL;
  if (s->bound) return NET_EINVAL;
  if (local->addr != 0 && !ip_is_local(stack, local->addr)) return NET_EADDRNOTAVAIL;
  uint16_t port = local->port;
  if (port == 0) {
    port = ephemeral_port(stack, s->type);
    if (port == 0) return NET_EADDRINUSE;
  } else if (port_in_use(stack, s->type, local->addr, port, s->reuseaddr)) {
    return NET_EADDRINUSE;
  }
  s->local.addr = local->addr;
  s->local.port = port;
  s->bound = true;
  return NET_OK;
}

int net_listen(struct netstack* stack, int handle, int backlog) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  if (s->type != NET_SOCK_STREAM) return NET_EOPNOTSUPP;
  if (s->tcb.state == TCP_LISTEN) {
    s->tcb.backlog = backlog < 1 ? 1 : backlog > NET_BACKLOG_MAX ? NET_BACKLOG_MAX : backlog;
    return NET_OK;
  }
  if (s->tcb.state != TCP_CLOSED || s->connected) return NET_EINVAL;
  if (!s->bound) {
    struct net_endpoint any = {0, 0};
    int err = net_bind(stack, handle, &any);
    if (err) return err;
  }
  s->tcb.backlog = backlog < 1 ? 1 : backlog > NET_BACKLOG_MAX ? NET_BACKLOG_MAX : backlog;
  s->tcb.state = TCP_LISTEN;
  return NET_OK;
}

int net_accept(struct netstack* stack, int handle, struct net_endpoint* peer) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  if (s->type != NET_SOCK_STREAM) return NET_EOPNOTSUPP;
  if (s->tcb.state != TCP_LISTEN) return NET_EINVAL;
  if (s->tcb.queued == 0) return NET_EAGAIN;
  struct net_socket* child = &stack->sockets[s->tcb.accept_queue[0]];
  s->tcb.queued--;
  memmove(&s->tcb.accept_queue[0], &s->tcb.accept_queue[1],
          (size_t)s->tcb.queued * sizeof(s->tcb.accept_queue[0]));
  child->user_owned = true;
  child->tcb.listener = -1;
  if (peer) *peer = child->remote;
  NET_COUNT(stack, TCP_ACCEPTS);
  return socket_handle(stack, child);
}

int net_connect(struct netstack* stack, int handle, const struct net_endpoint* remote) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  if (remote == NULL || remote->addr == 0 || remote->port == 0 || remote->addr == 0xffffffffu)
    return NET_EINVAL;
  if (s->type == NET_SOCK_DGRAM) {
    if (!s->bound) {
      struct net_endpoint any = {0, 0};
      int err = net_bind(stack, handle, &any);
      if (err) return err;
    }
    s->remote = *remote;
    s->connected = true;
    return NET_OK;
  }
  switch (s->tcb.state) {
    case TCP_CLOSED:
      break;
    case TCP_SYN_SENT:
    case TCP_SYN_RECEIVED:
      return NET_EALREADY;
    case TCP_LISTEN:
      return NET_EINVAL;
    default:
      return NET_EISCONN;
  }
  if (s->connected) return s->error ? s->error : NET_EISCONN; /* a failed attempt */
  if (stack->config.addr == 0 && !ip_is_loopback(remote->addr)) return NET_ENETUNREACH;
  if (!s->bound) {
    uint16_t port = ephemeral_port(stack, NET_SOCK_STREAM);
    if (port == 0) return NET_EADDRNOTAVAIL;
    s->local.port = port;
    s->bound = true;
  }
  s->remote = *remote;
  int err = tcp_connect(stack, s);
  if (err) return err;
  s->connected = true;
  return NET_EINPROGRESS;
}

long net_send(struct netstack* stack, int handle, const void* data, size_t size) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  if (data == NULL && size != 0) return NET_EINVAL;
  if (s->type == NET_SOCK_DGRAM) return udp_sendto(stack, s, data, size, NULL);
  struct tcb* t = &s->tcb;
  if (s->error) {
    int err = s->error;
    s->error = 0;
    return err;
  }
  switch (t->state) {
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
      break;
    case TCP_SYN_SENT:
    case TCP_SYN_RECEIVED:
      return NET_EAGAIN;
    case TCP_CLOSED:
    case TCP_LISTEN:
      return s->connected ? NET_EPIPE : NET_ENOTCONN;
    default:
      return NET_EPIPE; /* we already sent FIN */
  }
  if (t->fin_queued) return NET_EPIPE;
  if (size == 0) return 0;
  uint32_t want = size > NET_BUFFER_MAX ? NET_BUFFER_MAX : (uint32_t)size;
  uint32_t n = ring_write(&t->sndbuf, data, want);
  if (n == 0) return NET_EAGAIN;
  tcp_output(stack, s);
  return (long)n;
}

long net_recv(struct netstack* stack, int handle, void* data, size_t size) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  if (data == NULL && size != 0) return NET_EINVAL;
  if (s->type == NET_SOCK_DGRAM) return udp_recvfrom(s, data, size, NULL);
  struct tcb* t = &s->tcb;
  if (t->rcvbuf.size > 0 && size > 0) {
    uint32_t n = size < t->rcvbuf.size ? (uint32_t)size : t->rcvbuf.size;
    ring_peek(&t->rcvbuf, 0, data, n);
    ring_consume(&t->rcvbuf, n);
    tcp_after_read(stack, s);
    return (long)n;
  }
  if (s->error) {
    int err = s->error;
    s->error = 0;
    return err;
  }
  if (t->fin_received || t->read_shutdown) return 0;
  if (t->state == TCP_CLOSED) return s->connected ? 0 : NET_ENOTCONN;
  if (t->state == TCP_LISTEN) return NET_ENOTCONN;
  return size == 0 ? 0 : NET_EAGAIN;
}

long net_sendto(struct netstack* stack, int handle, const void* data, size_t size,
                const struct net_endpoint* remote) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  if (data == NULL && size != 0) return NET_EINVAL;
  if (s->type != NET_SOCK_DGRAM) {
    if (remote != NULL) return NET_EISCONN;
    return net_send(stack, handle, data, size);
  }
  if (remote != NULL && s->connected) return NET_EISCONN;
  return udp_sendto(stack, s, data, size, remote);
}

long net_recvfrom(struct netstack* stack, int handle, void* data, size_t size,
                  struct net_endpoint* remote) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  if (data == NULL && size != 0) return NET_EINVAL;
  if (s->type != NET_SOCK_DGRAM) {
    long n = net_recv(stack, handle, data, size);
    if (n >= 0 && remote) *remote = s->remote;
    return n;
  }
  return udp_recvfrom(s, data, size, remote);
}

int net_shutdown(struct netstack* stack, int handle, int how) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  if (how != NET_SHUT_RD && how != NET_SHUT_WR && how != NET_SHUT_RDWR) return NET_EINVAL;
  if (s->type == NET_SOCK_DGRAM) return s->connected ? NET_OK : NET_ENOTCONN;
  if (s->tcb.state == TCP_CLOSED || s->tcb.state == TCP_LISTEN || s->tcb.state == TCP_SYN_SENT)
    return NET_ENOTCONN;
  if (how != NET_SHUT_WR) s->tcb.read_shutdown = true;
  if (how != NET_SHUT_RD) tcp_shutdown_write(stack, s);
  return NET_OK;
}

int net_close(struct netstack* stack, int handle) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  if (s->type == NET_SOCK_DGRAM) {
    socket_free(stack, s);
    return NET_OK;
  }
  s->user_owned = false;
  tcp_close(stack, s); /* frees the slot now or once the connection ends */
  return NET_OK;
}

int net_abort(struct netstack* stack, int handle) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  if (s->type == NET_SOCK_DGRAM) return net_close(stack, handle);
  s->user_owned = false;
  tcp_abort(stack, s);
  return NET_OK;
}

int net_setsockopt(struct netstack* stack, int handle, int option, int value) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  switch (option) {
    case NET_SO_REUSEADDR:
      s->reuseaddr = value != 0;
      return NET_OK;
    case NET_SO_KEEPALIVE:
      if (value != 0) return NET_ENOPROTOOPT; /* not implemented: off, as by default */
      s->keepalive = false;
      return NET_OK;
    case NET_SO_RCVBUF:
    case NET_SO_SNDBUF:
      if (value < (int)NET_BUFFER_MIN || (uint32_t)value > NET_BUFFER_MAX) return NET_EINVAL;
      /* TCP buffers (and the window scale derived from the receive
       * buffer) are fixed when the connection starts. */
      if (s->type == NET_SOCK_STREAM && s->tcb.state != TCP_CLOSED && s->tcb.state != TCP_LISTEN)
        return NET_EISCONN;
      if (option == NET_SO_RCVBUF)
        s->rcvbuf_size = (uint32_t)value;
      else
        s->sndbuf_size = (uint32_t)value;
      return NET_OK;
    case NET_TCP_NODELAY:
      if (s->type != NET_SOCK_STREAM) return NET_ENOPROTOOPT;
      s->tcb.nodelay = value != 0;
      if (s->tcb.nodelay) tcp_output(stack, s);
      return NET_OK;
    default:
      return NET_ENOPROTOOPT;
  }
}

int net_getsockopt(struct netstack* stack, int handle, int option, int* value) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  if (value == NULL) return NET_EINVAL;
  switch (option) {
    case NET_SO_REUSEADDR:
      *value = s->reuseaddr;
      return NET_OK;
    case NET_SO_KEEPALIVE:
      *value = s->keepalive;
      return NET_OK;
    case NET_SO_RCVBUF:
      *value = (int)s->rcvbuf_size;
      return NET_OK;
    case NET_SO_SNDBUF:
      *value = (int)s->sndbuf_size;
      return NET_OK;
    case NET_TCP_NODELAY:
      if (s->type != NET_SOCK_STREAM) return NET_ENOPROTOOPT;
      *value = s->tcb.nodelay;
      return NET_OK;
    case NET_SO_ERROR:
      *value = s->error;
      s->error = 0;
      return NET_OK;
    default:
      return NET_ENOPROTOOPT;
  }
}

int net_getsockname(struct netstack* stack, int handle, struct net_endpoint* local) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  if (local == NULL) return NET_EINVAL;
  *local = s->local;
  if (local->addr == 0 && s->connected) local->addr = ip_source(stack, 0, s->remote.addr);
  return NET_OK;
}

int net_getpeername(struct netstack* stack, int handle, struct net_endpoint* remote) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  if (remote == NULL) return NET_EINVAL;
  if (!s->connected || (s->type == NET_SOCK_STREAM && s->tcb.state == TCP_CLOSED))
    return NET_ENOTCONN;
  *remote = s->remote;
  return NET_OK;
}

int net_poll(struct netstack* stack, int handle) {
  struct net_socket* s = lookup(stack, handle);
  if (s == NULL) return NET_EBADF;
  int bits = 0;
  if (s->error) bits |= NET_POLL_ERROR | NET_POLL_READABLE | NET_POLL_WRITABLE;
  if (s->type == NET_SOCK_DGRAM) {
    if (s->rx_head) bits |= NET_POLL_READABLE;
    return bits | NET_POLL_WRITABLE;
  }
  const struct tcb* t = &s->tcb;
  if (t->state == TCP_LISTEN) return t->queued ? bits | NET_POLL_READABLE : bits;
  if (t->rcvbuf.size || t->fin_received || t->read_shutdown) bits |= NET_POLL_READABLE;
  bool can_send = t->state == TCP_ESTABLISHED || t->state == TCP_CLOSE_WAIT;
  if (can_send && !t->fin_queued && ring_free_space(&t->sndbuf) > 0) bits |= NET_POLL_WRITABLE;
  if (t->state == TCP_CLOSED && s->connected)
    bits |= NET_POLL_HUP | NET_POLL_READABLE | NET_POLL_WRITABLE;
  return bits;
}

int net_tcp_state(const struct netstack* stack, int handle) {
  struct net_socket* s = lookup((struct netstack*)stack, handle);
  if (s == NULL) return NET_EBADF;
  if (s->type != NET_SOCK_STREAM) return NET_EOPNOTSUPP;
  return s->tcb.state;
}

const char* net_tcp_state_name(int state) {
  static const char* const kNames[] = {"CLOSED",      "LISTEN",     "SYN_SENT",   "SYN_RECEIVED",
                                       "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT",
                                       "CLOSING",     "LAST_ACK",   "TIME_WAIT"};
  return state >= 0 && state <= TCP_TIME_WAIT ? kNames[state] : "?";
}

bool net_socket_next(const struct netstack* stack, int* position, struct net_socket_info* info) {
  if (stack == NULL || position == NULL || info == NULL || *position < 0) return false;
  for (int i = *position; i < NET_MAX_SOCKETS; i++) {
    const struct net_socket* s = &stack->sockets[i];
    if (!s->used) continue;
    memset(info, 0, sizeof(*info));
    info->type = s->type;
    info->state = s->type == NET_SOCK_STREAM ? s->tcb.state : TCP_CLOSED;
    info->local = s->local;
    info->remote = s->remote;
    info->received = s->type == NET_SOCK_STREAM ? s->tcb.rcvbuf.size : s->rx_bytes;
    info->unsent = s->type == NET_SOCK_STREAM ? s->tcb.sndbuf.size : 0;
    info->has_handle = s->user_owned;
    *position = i + 1;
    return true;
  }
  *position = NET_MAX_SOCKETS;
  return false;
}
