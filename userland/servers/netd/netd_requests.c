/* netd_server's requests: the service connection's (SOCKET, CLONE, the
 * <viperdos/net.h> calls) and a socket's control channel's. Each request
 * is checked whole before anything is done: its size, op, arguments. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <viperdos/errors.h>
#include <viperdos/syscalls.h>

#include "userland/servers/netd/netd_server_internal.h"

#define PING_ID 0x7664 /* "vd": netd's echo identifier */
#define PING_PAYLOAD_MAX 1472

void netd_reply(struct netd_server* s, uint64_t channel, const struct viper_net_reply* reply,
                const void* payload, size_t payload_size, const uint64_t* handles,
                size_t handle_count) {
  uint8_t* m = s->scratch;
  memcpy(m, reply, sizeof(*reply));
  if (payload_size) memcpy(m + sizeof(*reply), payload, payload_size);
  const int64_t sent =
      s->io.write(s->io.context, channel, m, sizeof(*reply) + payload_size, handles, handle_count);
  if (sent == 0) return;
  ++s->stats.lost_replies;
  for (size_t i = 0; i < handle_count; ++i) s->io.close(s->io.context, handles[i]);
}

static void reply_status(struct netd_server* s, uint64_t channel, int status) {
  const struct viper_net_reply reply = {.status = status};
  netd_reply(s, channel, &reply, NULL, 0, NULL, 0);
}

int64_t netd_read_request(struct netd_server* s, uint64_t channel, bool* had_handles) {
  uint64_t handles[VIPER_MESSAGE_HANDLES_MAX];
  size_t handle_count = 0;
  const int64_t n = s->io.read(s->io.context, channel, s->scratch, sizeof(s->scratch), handles,
                               VIPER_MESSAGE_HANDLES_MAX, &handle_count);
  *had_handles = handle_count != 0;
  for (size_t i = 0; i < handle_count; ++i) s->io.close(s->io.context, handles[i]);
  return n;
}

/* ---- The service connection ---- */

static void copy_lower(char* out, size_t capacity, const char* prefix, const char* name) {
  size_t at = 0;
  for (const char* p = prefix; *p && at + 1 < capacity; ++p) out[at++] = *p;
  for (const char* p = name; *p && at + 1 < capacity; ++p) out[at++] = (char)tolower(*p);
  out[at] = 0;
}

static void counters(struct netd_server* s, uint64_t channel, int64_t first) {
  static struct viper_net_counter out[VIPER_NET_COUNTERS_MAX];
  const int total = NET_COUNTER_COUNT + NET_DROP_COUNT;
  int count = 0;
  for (int64_t i = first; i >= 0 && i < total && count < VIPER_NET_COUNTERS_MAX; ++i, ++count) {
    struct viper_net_counter* c = &out[count];
    if (i < NET_COUNTER_COUNT) {
      copy_lower(c->name, sizeof(c->name), "", net_counter_name((enum net_counter)i));
      c->value = netstack_counter(s->stack, (enum net_counter)i);
    } else {
      const enum net_drop d = (enum net_drop)(i - NET_COUNTER_COUNT);
      copy_lower(c->name, sizeof(c->name), "drop_", net_drop_name(d));
      c->value = netstack_drops(s->stack, d);
    }
  }
  const struct viper_net_reply reply = {.value = total};
  /* One reply holds what a message can: the client asks again from there. */
  const size_t fits = (NETD_MESSAGE_MAX - sizeof(reply)) / sizeof(out[0]);
  netd_reply(s, channel, &reply, out,
             (size_t)(count < (int)fits ? count : (int)fits) * sizeof(out[0]), NULL, 0);
}

static void sockets(struct netd_server* s, uint64_t channel, int64_t first) {
  static struct viper_net_socket out[VIPER_NET_SOCKETS_MAX];
  const size_t fits = (NETD_MESSAGE_MAX - sizeof(struct viper_net_reply)) / sizeof(out[0]);
  int position = 0, total = 0, count = 0;
  struct net_socket_info info;
  while (net_socket_next(s->stack, &position, &info)) {
    if (total++ < first || count >= VIPER_NET_SOCKETS_MAX || (size_t)count >= fits) continue;
    struct viper_net_socket* o = &out[count++];
    memset(o, 0, sizeof(*o));
    o->type = info.type;
    o->state = info.type == NET_SOCK_STREAM ? info.state : 0;
    if (info.type == NET_SOCK_STREAM) {
      strncpy(o->state_name, net_tcp_state_name(info.state), sizeof(o->state_name) - 1);
    }
    o->local_addr = info.local.addr;
    o->local_port = info.local.port;
    o->remote_addr = info.remote.addr;
    o->remote_port = info.remote.port;
    o->received = info.received;
    o->unsent = info.unsent;
    o->has_descriptor = info.has_handle;
  }
  const struct viper_net_reply reply = {.value = total};
  netd_reply(s, channel, &reply, out, (size_t)count * sizeof(out[0]), NULL, 0);
}

static void ping(struct netd_server* s, int index, const struct viper_net_request* r,
                 uint64_t now) {
  struct netd_service* v = &s->services[index];
  if (v->ping_pending) return reply_status(s, v->channel, -EBUSY);
  if (r->addr == 0 || r->value < 0 || r->value > PING_PAYLOAD_MAX || r->option == 0) {
    return reply_status(s, v->channel, -EINVAL);
  }
  static const uint8_t zeros[PING_PAYLOAD_MAX];
  const int sent = net_ping(s->stack, r->addr, PING_ID, r->port, zeros, (size_t)r->value);
  if (sent < 0) return reply_status(s, v->channel, netd_errno(sent));
  v->ping_pending = true;
  v->ping_addr = r->addr;
  v->ping_sequence = r->port;
  v->ping_start = now;
  v->ping_deadline = now + (uint64_t)r->option * 1000000u;
}

void netd_ping_pump(struct netd_server* s, uint64_t now) {
  uint32_t from = 0;
  uint16_t id = 0, sequence = 0;
  const bool seen = net_last_echo_reply(s->stack, &from, &id, &sequence);
  for (int i = 0; i < NETD_SERVICES; ++i) {
    struct netd_service* v = &s->services[i];
    if (!v->used || !v->ping_pending) continue;
    if (seen && id == PING_ID && sequence == v->ping_sequence && from == v->ping_addr) {
      v->ping_pending = false;
      const struct viper_net_reply reply = {.value = (int64_t)(now - v->ping_start)};
      netd_reply(s, v->channel, &reply, NULL, 0, NULL, 0);
    } else if (now >= v->ping_deadline) {
      v->ping_pending = false;
      reply_status(s, v->channel, -ETIMEDOUT);
    }
  }
}

static void service_request(struct netd_server* s, int index, const struct viper_net_request* r,
                            uint64_t now) {
  const uint64_t channel = s->services[index].channel;
  switch (r->op) {
    case VIPER_NET_SOCKET: {
      if (r->value != NET_SOCK_STREAM && r->value != NET_SOCK_DGRAM) break;
      const int handle = net_socket(s->stack, (int)r->value);
      if (handle < 0) return reply_status(s, channel, netd_errno(handle));
      uint64_t client[2];
      const int error = netd_socket_open(s, handle, (int)r->value, client);
      if (error) {
        net_close(s->stack, handle);
        return reply_status(s, channel, error);
      }
      const struct viper_net_reply reply = {0};
      return netd_reply(s, channel, &reply, NULL, 0, client, 2);
    }
    case VIPER_NET_CLONE: {
      uint64_t ends[2];
      if (s->io.create(s->io.context, ends) != 0) return reply_status(s, channel, -ENOMEM);
      if (netd_server_add_service(s, ends[0]) != 0) {
        s->io.close(s->io.context, ends[1]);
        return reply_status(s, channel, -EMFILE);
      }
      const struct viper_net_reply reply = {0};
      return netd_reply(s, channel, &reply, NULL, 0, &ends[1], 1);
    }
    case VIPER_NET_INTERFACE: {
      struct viper_net_interface info;
      memset(&info, 0, sizeof(info));
      if (s->io.interface) s->io.interface(s->io.context, &info);
      const struct viper_net_reply reply = {0};
      return netd_reply(s, channel, &reply, &info, sizeof(info), NULL, 0);
    }
    case VIPER_NET_COUNTERS:
      if (r->value < 0) break;
      return counters(s, channel, r->value);
    case VIPER_NET_PING:
      return ping(s, index, r, now);
    case VIPER_NET_SOCKETS:
      if (r->value < 0) break;
      return sockets(s, channel, r->value);
    default:
      break;
  }
  ++s->stats.bad_requests;
  reply_status(s, channel, -EINVAL);
}

void netd_service_event(struct netd_server* s, int index, uint32_t signals) {
  struct netd_service* v = &s->services[index];
  /* A few requests per report, so one busy client cannot starve others. */
  for (int budget = 8; budget > 0 && (signals & VIPER_SIGNAL_READABLE); --budget) {
    bool had_handles;
    const int64_t n = netd_read_request(s, v->channel, &had_handles);
    if (n == VIPER_ERR_WOULD_BLOCK) return;
    if (n == VIPER_ERR_PEER_CLOSED) break;
    struct viper_net_request r;
    if (n != (int64_t)sizeof(r) || had_handles) {
      ++s->stats.bad_requests;
      reply_status(s, v->channel, -EINVAL);
      continue;
    }
    memcpy(&r, s->scratch, sizeof(r));
    service_request(s, index, &r, s->now_hint);
  }
  if (!(signals & VIPER_SIGNAL_PEER_CLOSED)) return;
  s->io.watch(s->io.context, v->channel, 0, netd_key(NETD_KEY_SERVICE, index));
  s->io.close(s->io.context, v->channel);
  *v = (struct netd_service){0};
}

/* ---- A socket's control channel ---- */

static int endpoint_reply(struct netd_server* s, uint64_t channel, int result,
                          const struct net_endpoint* e) {
  const struct viper_net_reply reply = {
      .status = netd_errno(result), .addr = result ? 0 : e->addr, .port = result ? 0 : e->port};
  netd_reply(s, channel, &reply, NULL, 0, NULL, 0);
  return 0;
}

static void control_request(struct netd_server* s, struct netd_control* c,
                            const struct viper_net_request* r) {
  struct netd_socket* k = &s->sockets[c->socket];
  if (!k->used || k->generation != c->generation) return reply_status(s, c->channel, -EBADF);
  const struct net_endpoint at = {r->addr, r->port};
  struct net_endpoint e = {0, 0};
  int result;
  switch (r->op) {
    case VIPER_NET_BIND:
      result = net_bind(s->stack, k->handle, &at);
      break;
    case VIPER_NET_LISTEN:
      if (r->value < 0 || r->value > 0x7fffffff) {
        result = NET_EINVAL;
        break;
      }
      result = net_listen(s->stack, k->handle, (int)r->value);
      if (result == NET_OK) k->listener = true;
      break;
    case VIPER_NET_CONNECT:
      if (k->listener) {
        result = NET_EISCONN;
        break;
      }
      result = net_connect(s->stack, k->handle, &at);
      if (result == NET_EINPROGRESS) k->connecting = true;
      break;
    case VIPER_NET_SHUTDOWN:
      result =
          r->value == NET_SHUT_RD ? net_shutdown(s->stack, k->handle, NET_SHUT_RD) : NET_EINVAL;
      break;
    case VIPER_NET_SETSOCKOPT:
      if (r->option < VIPER_NET_OPT_REUSEADDR || r->option >= VIPER_NET_OPT_ERROR ||
          r->value < -0x80000000LL || r->value > 0x7fffffff) {
        result = NET_ENOPROTOOPT;
        break;
      }
      result = net_setsockopt(s->stack, k->handle, (int)r->option, (int)r->value);
      break;
    case VIPER_NET_GETSOCKOPT: {
      int value = 0;
      if (r->option < VIPER_NET_OPT_REUSEADDR || r->option > VIPER_NET_OPT_ERROR) {
        return reply_status(s, c->channel, -ENOPROTOOPT);
      }
      result = net_getsockopt(s->stack, k->handle, (int)r->option, &value);
      /* SO_ERROR as the errno a program expects: positive. */
      if (r->option == VIPER_NET_OPT_ERROR) value = -netd_errno(value);
      const struct viper_net_reply reply = {.status = netd_errno(result), .value = value};
      return netd_reply(s, c->channel, &reply, NULL, 0, NULL, 0);
    }
    case VIPER_NET_GETSOCKNAME:
      endpoint_reply(s, c->channel, net_getsockname(s->stack, k->handle, &e), &e);
      return;
    case VIPER_NET_GETPEERNAME:
      endpoint_reply(s, c->channel, net_getpeername(s->stack, k->handle, &e), &e);
      return;
    case VIPER_NET_CLONE: {
      uint64_t client;
      const int error = netd_control_open(s, c->socket, &client);
      if (error) return reply_status(s, c->channel, error);
      const struct viper_net_reply reply = {0};
      return netd_reply(s, c->channel, &reply, NULL, 0, &client, 1);
    }
    default:
      ++s->stats.bad_requests;
      return reply_status(s, c->channel, -EINVAL);
  }
  reply_status(s, c->channel, netd_errno(result));
}

void netd_control_event(struct netd_server* s, int index, uint32_t signals) {
  struct netd_control* c = &s->controls[index];
  for (int budget = 8; budget > 0 && (signals & VIPER_SIGNAL_READABLE); --budget) {
    bool had_handles;
    const int64_t n = netd_read_request(s, c->channel, &had_handles);
    if (n == VIPER_ERR_WOULD_BLOCK) return;
    if (n == VIPER_ERR_PEER_CLOSED) break;
    struct viper_net_request r;
    if (n != (int64_t)sizeof(r) || had_handles) {
      ++s->stats.bad_requests;
      reply_status(s, c->channel, -EINVAL);
      continue;
    }
    memcpy(&r, s->scratch, sizeof(r));
    control_request(s, c, &r);
  }
  if (!(signals & VIPER_SIGNAL_PEER_CLOSED)) return;
  s->io.watch(s->io.context, c->channel, 0, netd_key(NETD_KEY_CONTROL, index));
  s->io.close(s->io.context, c->channel);
  *c = (struct netd_control){0};
}
