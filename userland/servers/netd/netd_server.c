/* netd_server: the tables, sockets' data channels and the pump
 * (netd_server.h). Requests are netd_requests.c's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <viperdos/errors.h>
#include <viperdos/syscalls.h>

#include "userland/servers/netd/netd_server_internal.h"

struct netd_server* netd_server_create(struct netstack* stack, const struct netd_io* io) {
  if (!stack || !io || !io->write || !io->read || !io->create || !io->close || !io->watch) {
    return NULL;
  }
  struct netd_server* s = calloc(1, sizeof(*s));
  if (!s) return NULL;
  s->stack = stack;
  s->io = *io;
  return s;
}

void netd_server_destroy(struct netd_server* s) {
  if (!s) return;
  for (int i = 0; i < NET_MAX_SOCKETS; ++i) {
    if (s->sockets[i].used) netd_socket_free(s, i);
  }
  for (int i = 0; i < NETD_CONTROLS; ++i) {
    if (s->controls[i].used) s->io.close(s->io.context, s->controls[i].channel);
  }
  for (int i = 0; i < NETD_SERVICES; ++i) {
    if (s->services[i].used) s->io.close(s->io.context, s->services[i].channel);
  }
  free(s);
}

int netd_server_add_service(struct netd_server* s, uint64_t channel) {
  for (int i = 0; i < NETD_SERVICES; ++i) {
    if (s->services[i].used) continue;
    s->services[i] = (struct netd_service){.used = true, .channel = channel};
    s->io.watch(s->io.context, channel, VIPER_SIGNAL_READABLE | VIPER_SIGNAL_PEER_CLOSED,
                netd_key(NETD_KEY_SERVICE, i));
    return 0;
  }
  s->io.close(s->io.context, channel);
  return -1;
}

int netd_errno(int e) {
  switch (e) {
    case NET_OK:
      return 0;
    case NET_EAGAIN:
      return -EAGAIN;
    case NET_EBADF:
      return -EBADF;
    case NET_ENOMEM:
      return -ENOMEM;
    case NET_EMFILE:
      return -EMFILE;
    case NET_EPIPE:
      return -EPIPE;
    case NET_EMSGSIZE:
      return -EMSGSIZE;
    case NET_EPROTOTYPE:
      return -EPROTOTYPE;
    case NET_ENOPROTOOPT:
      return -ENOPROTOOPT;
    case NET_EOPNOTSUPP:
      return -EOPNOTSUPP;
    case NET_EADDRINUSE:
      return -EADDRINUSE;
    case NET_EADDRNOTAVAIL:
      return -EADDRNOTAVAIL;
    case NET_ENETUNREACH:
      return -ENETUNREACH;
    case NET_ECONNABORTED:
      return -ECONNABORTED;
    case NET_ECONNRESET:
      return -ECONNRESET;
    case NET_EISCONN:
      return -EISCONN;
    case NET_ENOTCONN:
      return -ENOTCONN;
    case NET_ETIMEDOUT:
      return -ETIMEDOUT;
    case NET_ECONNREFUSED:
      return -ECONNREFUSED;
    case NET_EHOSTUNREACH:
      return -EHOSTUNREACH;
    case NET_EALREADY:
      return -EALREADY;
    case NET_EINPROGRESS:
      return -EINPROGRESS;
    default:
      return -EINVAL;
  }
}

/* ---- Socket slots ---- */

static int free_socket_slot(struct netd_server* s) {
  for (int i = 0; i < NET_MAX_SOCKETS; ++i) {
    if (!s->sockets[i].used) return i;
  }
  return -1;
}

int netd_control_open(struct netd_server* s, int index, uint64_t* client) {
  int slot = -1;
  for (int i = 0; i < NETD_CONTROLS && slot < 0; ++i) {
    if (!s->controls[i].used) slot = i;
  }
  if (slot < 0) return -EMFILE;
  uint64_t ends[2];
  if (s->io.create(s->io.context, ends) != 0) return -ENOMEM;
  s->controls[slot] = (struct netd_control){.used = true,
                                            .channel = ends[0],
                                            .socket = index,
                                            .generation = s->sockets[index].generation};
  s->io.watch(s->io.context, ends[0], VIPER_SIGNAL_READABLE | VIPER_SIGNAL_PEER_CLOSED,
              netd_key(NETD_KEY_CONTROL, slot));
  *client = ends[1];
  return 0;
}

int netd_socket_open(struct netd_server* s, int handle, int type, uint64_t client[2]) {
  const int index = free_socket_slot(s);
  if (index < 0) return -EMFILE;
  uint64_t data[2];
  if (s->io.create(s->io.context, data) != 0) return -ENOMEM;
  struct netd_socket* k = &s->sockets[index];
  const uint32_t generation = k->generation + 1;
  *k = (struct netd_socket){
      .used = true, .generation = generation, .handle = handle, .type = type, .data = data[0]};
  const int error = netd_control_open(s, index, &client[0]);
  if (error) {
    s->io.close(s->io.context, data[0]);
    s->io.close(s->io.context, data[1]);
    k->used = false;
    return error;
  }
  client[1] = data[1];
  return 0;
}

void netd_socket_free(struct netd_server* s, int index) {
  struct netd_socket* k = &s->sockets[index];
  /* Bytes queued for a client that is gone count as unread too. */
  if (k->abort_on_close || (k->client_gone && k->out_size)) {
    net_abort(s->stack, k->handle);
  } else {
    net_close(s->stack, k->handle);
  }
  if (k->watched) s->io.watch(s->io.context, k->data, 0, netd_key(NETD_KEY_DATA, index));
  s->io.close(s->io.context, k->data);
  for (size_t i = 0; i < k->out_handle_count; ++i) s->io.close(s->io.context, k->out_handles[i]);
  free(k->in);
  free(k->out);
  const uint32_t generation = k->generation;
  *k = (struct netd_socket){.generation = generation}; /* controls now see -EBADF */
}

/* ---- Client -> stack ---- */

/* Keeps the bytes the stack did not take, to send first later. */
static void keep_in(struct netd_socket* k, const uint8_t* bytes, size_t size) {
  if (!k->in && !(k->in = malloc(NETD_MESSAGE_MAX))) return; /* lost, like a full wire */
  memcpy(k->in, bytes, size);
  k->in_next = 0;
  k->in_end = size;
}

static void send_stream(struct netd_server* s, struct netd_socket* k, const uint8_t* bytes,
                        size_t size) {
  size_t done = 0;
  while (done < size) {
    const long n = net_send(s->stack, k->handle, bytes + done, size - done);
    if (n == NET_EAGAIN) break;
    if (n < 0) return; /* a reset connection: the reader learns it from recv */
    done += (size_t)n;
  }
  if (done < size) keep_in(k, bytes + done, size - done);
}

/* One message from the client's data channel. */
static void take_message(struct netd_server* s, struct netd_socket* k, const uint8_t* m,
                         size_t size) {
  if (size == 0) {
    ++s->stats.bad_messages;
    return;
  }
  const bool stream = k->type == NET_SOCK_STREAM;
  switch (m[0]) {
    case VIPER_NET_DATA:
      if (size == 1) break;
      if (stream) {
        send_stream(s, k, m + 1, size - 1);
      } else {
        net_send(s->stack, k->handle, m + 1, size - 1);
      }
      return;
    case VIPER_NET_DATAGRAM: {
      struct viper_net_datagram to;
      if (stream || size < 1 + sizeof(to)) break;
      memcpy(&to, m + 1, sizeof(to));
      const struct net_endpoint remote = {to.addr, to.port};
      net_sendto(s->stack, k->handle, m + 1 + sizeof(to), size - 1 - sizeof(to), &remote);
      return;
    }
    case VIPER_NET_SHUTDOWN_WRITE:
      if (!stream || size != 1) break;
      k->shutdown_write_pending = true;
      return;
    case VIPER_NET_DISCARDED:
      if (!stream || size != 1) break;
      k->abort_on_close = true;
      return;
    default:
      break;
  }
  ++s->stats.bad_messages;
}

/* Whether the stack takes more of the client's bytes now. */
static bool can_take(struct netd_server* s, const struct netd_socket* k) {
  if (k->in_next < k->in_end) return false;
  if (k->type != NET_SOCK_STREAM || k->listener) return true;
  const int ready = net_poll(s->stack, k->handle);
  /* A connection that failed takes (and drops) bytes: nobody will. */
  return ready < 0 || (ready & (NET_POLL_WRITABLE | NET_POLL_ERROR | NET_POLL_HUP)) != 0 ||
         net_tcp_state(s->stack, k->handle) == TCP_CLOSED;
}

/* Reads the client's messages while the stack takes them: false once the
 * channel is empty and closed (the client is gone). */
static bool drain_in(struct netd_server* s, struct netd_socket* k) {
  for (int budget = 64; budget > 0 && can_take(s, k); --budget) {
    uint64_t handles[VIPER_MESSAGE_HANDLES_MAX];
    size_t handle_count = 0;
    const int64_t n = s->io.read(s->io.context, k->data, s->scratch, sizeof(s->scratch), handles,
                                 VIPER_MESSAGE_HANDLES_MAX, &handle_count);
    if (n == VIPER_ERR_PEER_CLOSED) return false;
    if (n == VIPER_ERR_WOULD_BLOCK) break;
    if (n < 0) {
      ++s->stats.bad_messages; /* too big: discarded */
      continue;
    }
    if (handle_count) {
      for (size_t i = 0; i < handle_count; ++i) s->io.close(s->io.context, handles[i]);
      ++s->stats.bad_messages;
      continue;
    }
    take_message(s, k, s->scratch, (size_t)n);
  }
  return true;
}

static void flush_in(struct netd_server* s, struct netd_socket* k) {
  while (k->in_next < k->in_end) {
    const long n = net_send(s->stack, k->handle, k->in + k->in_next, k->in_end - k->in_next);
    if (n == NET_EAGAIN) return;
    if (n < 0) {
      k->in_next = k->in_end;
      break;
    }
    k->in_next += (size_t)n;
  }
  if (k->shutdown_write_pending) {
    net_shutdown(s->stack, k->handle, NET_SHUT_WR);
    k->shutdown_write_pending = false;
  }
}

/* ---- Stack -> client ---- */

/* Sends a message to the client, or parks it: true if it went. */
static bool deliver(struct netd_server* s, struct netd_socket* k, const uint8_t* m, size_t size,
                    const uint64_t* handles, size_t handle_count) {
  const int64_t sent = s->io.write(s->io.context, k->data, m, size, handles, handle_count);
  if (sent == 0) return true;
  if (sent == VIPER_ERR_WOULD_BLOCK && (k->out || (k->out = malloc(NETD_MESSAGE_MAX)))) {
    memcpy(k->out, m, size);
    k->out_size = size;
    memcpy(k->out_handles, handles, handle_count * sizeof(*handles));
    k->out_handle_count = handle_count;
    return false;
  }
  /* Gone (or no memory): the handles are ours to close. */
  for (size_t i = 0; i < handle_count; ++i) s->io.close(s->io.context, handles[i]);
  return true;
}

static bool deliver_parked(struct netd_server* s, struct netd_socket* k) {
  if (k->out_size == 0) return true;
  const int64_t sent =
      s->io.write(s->io.context, k->data, k->out, k->out_size, k->out_handles, k->out_handle_count);
  if (sent == VIPER_ERR_WOULD_BLOCK) return false;
  if (sent != 0) {
    for (size_t i = 0; i < k->out_handle_count; ++i) s->io.close(s->io.context, k->out_handles[i]);
  }
  k->out_size = 0;
  k->out_handle_count = 0;
  return true;
}

static bool deliver_status(struct netd_server* s, struct netd_socket* k, uint8_t tag,
                           int32_t status) {
  uint8_t m[1 + sizeof(status)];
  m[0] = tag;
  memcpy(m + 1, &status, sizeof(status));
  return deliver(s, k, m, sizeof(m), NULL, 0);
}

/* A listener's next connection, accepted and sent as CONNECTION. */
static bool push_connection(struct netd_server* s, struct netd_socket* k) {
  struct net_endpoint peer;
  const int handle = net_accept(s->stack, k->handle, &peer);
  if (handle < 0) return false;
  uint64_t client[2];
  if (netd_socket_open(s, handle, NET_SOCK_STREAM, client) != 0) {
    net_close(s->stack, handle); /* out of slots: the peer sees a reset */
    return false;
  }
  uint8_t m[1 + sizeof(struct viper_net_datagram)];
  const struct viper_net_datagram from = {peer.addr, peer.port, 0};
  m[0] = VIPER_NET_CONNECTION;
  memcpy(m + 1, &from, sizeof(from));
  return deliver(s, k, m, sizeof(m), client, 2);
}

/* Moves what the stack has for the client until its queue is full. */
static void pump_out(struct netd_server* s, int index) {
  struct netd_socket* k = &s->sockets[index];
  while (k->used && !k->client_gone && !k->error_sent && deliver_parked(s, k)) {
    uint8_t* m = s->scratch;
    if (k->connecting) {
      const int ready = net_poll(s->stack, k->handle);
      if (ready >= 0 && !(ready & (NET_POLL_WRITABLE | NET_POLL_ERROR | NET_POLL_HUP))) return;
      int error = 0;
      net_getsockopt(s->stack, k->handle, NET_SO_ERROR, &error);
      k->connecting = false;
      /* SO_ERROR is a NET_E* value (0: connected). */
      if (!deliver_status(s, k, VIPER_NET_CONNECTED, netd_errno(error))) return;
      continue;
    }
    if (k->listener) {
      if (!(net_poll(s->stack, k->handle) & NET_POLL_READABLE)) return;
      if (!push_connection(s, k)) return;
      continue;
    }
    if (k->type == NET_SOCK_DGRAM) {
      struct net_endpoint from;
      const long n = net_recvfrom(s->stack, k->handle, m + 1 + sizeof(struct viper_net_datagram),
                                  VIPER_NET_DATAGRAM_MAX, &from);
      if (n < 0) return;
      const struct viper_net_datagram source = {from.addr, from.port, 0};
      m[0] = VIPER_NET_DATAGRAM;
      memcpy(m + 1, &source, sizeof(source));
      if (!deliver(s, k, m, 1 + sizeof(source) + (size_t)n, NULL, 0)) return;
      continue;
    }
    if (k->eof_sent) return;
    const long n = net_recv(s->stack, k->handle, m + 1, NETD_CHUNK);
    if (n == NET_EAGAIN || n == NET_ENOTCONN) return;
    if (n == 0) {
      k->eof_sent = true;
      m[0] = VIPER_NET_EOF;
      deliver(s, k, m, 1, NULL, 0);
      return;
    }
    if (n < 0) {
      /* The connection is over: the reader sees the error, then nothing. */
      k->error_sent = true;
      deliver_status(s, k, VIPER_NET_ERROR, netd_errno((int)n));
      return;
    }
    m[0] = VIPER_NET_DATA;
    if (!deliver(s, k, m, 1 + (size_t)n, NULL, 0)) return;
  }
}

static void update_watch(struct netd_server* s, int index) {
  struct netd_socket* k = &s->sockets[index];
  uint32_t want = 0;
  if (!k->client_gone) {
    want |= VIPER_SIGNAL_PEER_CLOSED;
    if (can_take(s, k)) want |= VIPER_SIGNAL_READABLE;
    if (k->out_size) want |= VIPER_SIGNAL_WRITABLE;
  }
  if (want == k->watched) return;
  k->watched = want;
  s->io.watch(s->io.context, k->data, want, netd_key(NETD_KEY_DATA, index));
}

static void pump_socket(struct netd_server* s, int index, uint64_t now) {
  (void)now;
  struct netd_socket* k = &s->sockets[index];
  flush_in(s, k);
  if (k->client_gone) {
    /* Finish what the channel still holds, in order, then close. */
    const bool more = drain_in(s, k);
    flush_in(s, k);
    if (!more && k->in_next == k->in_end) {
      netd_socket_free(s, index);
      return;
    }
  }
  pump_out(s, index);
  if (k->error_sent && k->out_size == 0) {
    netd_socket_free(s, index); /* the ERROR message is queued: done */
    return;
  }
  update_watch(s, index);
}

void netd_server_pump(struct netd_server* s, uint64_t now) {
  for (int i = 0; i < NET_MAX_SOCKETS; ++i) {
    if (s->sockets[i].used) pump_socket(s, i, now);
  }
  netd_ping_pump(s, now);
}

static void data_event(struct netd_server* s, int index, uint32_t signals) {
  struct netd_socket* k = &s->sockets[index];
  if (signals & VIPER_SIGNAL_READABLE) {
    if (!drain_in(s, k)) k->client_gone = true;
    flush_in(s, k);
  }
  if (signals & VIPER_SIGNAL_PEER_CLOSED) k->client_gone = true;
  if (signals & VIPER_SIGNAL_WRITABLE) deliver_parked(s, k);
}

void netd_server_event(struct netd_server* s, uint64_t key, uint32_t signals, uint64_t now) {
  const uint32_t kind = (uint32_t)(key >> 32);
  const uint32_t index = (uint32_t)key;
  s->now_hint = now;
  switch (kind) {
    case NETD_KEY_SERVICE:
      if (index < NETD_SERVICES && s->services[index].used) netd_service_event(s, index, signals);
      break;
    case NETD_KEY_CONTROL:
      if (index < NETD_CONTROLS && s->controls[index].used) netd_control_event(s, index, signals);
      break;
    case NETD_KEY_DATA:
      if (index < NET_MAX_SOCKETS && s->sockets[index].used) data_event(s, index, signals);
      break;
    default:
      break;
  }
  netd_server_pump(s, now);
}

uint64_t netd_server_next_deadline(const struct netd_server* s) {
  uint64_t next = UINT64_MAX;
  for (int i = 0; i < NETD_SERVICES; ++i) {
    const struct netd_service* v = &s->services[i];
    if (v->used && v->ping_pending && v->ping_deadline < next) next = v->ping_deadline;
  }
  return next;
}

void netd_server_stats(const struct netd_server* s, struct netd_server_stats* out) {
  *out = s->stats;
  out->sockets = out->services = out->controls = 0;
  for (int i = 0; i < NET_MAX_SOCKETS; ++i) out->sockets += s->sockets[i].used;
  for (int i = 0; i < NETD_SERVICES; ++i) out->services += s->services[i].used;
  for (int i = 0; i < NETD_CONTROLS; ++i) out->controls += s->controls[i].used;
}
