/* The client side of <viperdos/net_protocol.h> (net_client.h): the
 * exchange helper, the service connection, fork's clones. */
#include "userland/libc/net_client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <viperdos/viper.h>

#include "userland/libc/futex_mutex.h"

#define REPLY_MAX VIPER_MESSAGE_BYTES_MAX

static int channel_error(int64_t error) {
  return error == VIPER_ERR_PEER_CLOSED || error == VIPER_ERR_BAD_HANDLE ? -ENETDOWN
                                                                         : -__viper_errno(error);
}

static int exchange(struct net_conn* conn, const struct viper_net_request* request,
                    unsigned char* in, viper_handle_t* handles, size_t handle_count, int64_t* got) {
  if (!handles) {
    *got = viper_channel_call(conn->channel, request, sizeof(*request), in, REPLY_MAX,
                              VIPER_DEADLINE_NEVER);
    return *got < 0 ? channel_error(*got) : 0;
  }
  const int64_t sent = viper_channel_write(conn->channel, request, sizeof(*request), 0, 0);
  if (sent < 0) return channel_error(sent);
  viper_handle_t received[VIPER_MESSAGE_HANDLES_MAX];
  struct viper_message m = {in, 0, REPLY_MAX, received, 0, VIPER_MESSAGE_HANDLES_MAX};
  *got = viper_channel_read(conn->channel, &m, VIPER_DEADLINE_NEVER);
  if (*got < 0) return channel_error(*got);
  for (size_t i = 0; i < m.handle_count; ++i) {
    if (i < handle_count) {
      handles[i] = received[i];
    } else {
      viper_handle_close(received[i]); /* more than asked: not trusted */
    }
  }
  return m.handle_count >= handle_count ? 0 : 1; /* 1: too few handles */
}

int __net_call(struct net_conn* conn, const struct viper_net_request* request,
               struct viper_net_reply* reply, void* payload, size_t capacity, size_t* payload_bytes,
               viper_handle_t* handles, size_t handle_count) {
  if (!conn || !conn->channel) return -ENETDOWN;
  unsigned char* in = malloc(REPLY_MAX);
  if (!in) return -ENOMEM;
  for (size_t i = 0; handles && i < handle_count; ++i) handles[i] = 0;
  int64_t got = 0;
  futex_mutex_lock(&conn->lock);
  int result = exchange(conn, request, in, handles, handle_count, &got);
  futex_mutex_unlock(&conn->lock);
  if (result == 0 && got < (int64_t)sizeof(*reply)) result = -EIO; /* nonsense from netd */
  if (result >= 0 && got >= (int64_t)sizeof(*reply)) {
    memcpy(reply, in, sizeof(*reply));
    size_t extra = (size_t)got - sizeof(*reply);
    if (extra > capacity) extra = capacity;
    if (payload && extra) memcpy(payload, in + sizeof(*reply), extra);
    if (payload_bytes) *payload_bytes = payload ? extra : 0;
    /* A success must carry what it promised. */
    if (result == 1) result = reply->status ? reply->status : -EIO;
    if (result == 0) result = reply->status;
  }
  if (result != 0) {
    for (size_t i = 0; handles && i < handle_count; ++i) {
      if (handles[i]) viper_handle_close(handles[i]);
      handles[i] = 0;
    }
  }
  free(in);
  return result;
}

int __net_clone(struct net_conn* conn, viper_handle_t* out) {
  const struct viper_net_request request = {.op = VIPER_NET_CLONE};
  struct viper_net_reply reply;
  return __net_call(conn, &request, &reply, 0, 0, 0, out, 1);
}

/* ---- The service connection ---- */

static uint32_t service_lock; /* guards the choice of channel */
static struct net_conn service;

struct net_conn* __net_service(void) {
  futex_mutex_lock(&service_lock);
  const int has = service.channel != 0;
  futex_mutex_unlock(&service_lock);
  return has ? &service : 0;
}

void __net_set_service(viper_handle_t channel) {
  futex_mutex_lock(&service_lock);
  futex_mutex_lock(&service.lock); /* no exchange is on the old one */
  const viper_handle_t old = service.channel;
  service.channel = channel;
  futex_mutex_unlock(&service.lock);
  futex_mutex_unlock(&service_lock);
  if (old) viper_handle_close(old);
}

int64_t viper_net_set_connection(viper_handle_t connection) {
  struct viper_object_info info;
  if (!connection || viper_object_info(connection, &info) < 0 ||
      info.type != VIPER_OBJECT_CHANNEL) {
    return VIPER_ERR_INVALID_ARGUMENT;
  }
  __net_set_service(connection);
  return 0;
}

uint64_t __net_deadline(uint64_t timeout_ns, int nonblocking) {
  if (nonblocking) return 0;
  return timeout_ns ? viper_deadline_after(timeout_ns) : VIPER_DEADLINE_NEVER;
}

/* ---- fork ---- */

struct net_fork {
  viper_handle_t service;
  int count;
  struct {
    struct socket_file* socket; /* a reference until the end */
    viper_handle_t control;
  } entries[FD_TABLE_SIZE];
};

struct net_fork* __net_fork_prepare(void) {
  struct net_conn* conn = __net_service();
  struct net_fork* f = calloc(1, sizeof(*f));
  if (!f) return 0;
  if (conn && __net_clone(conn, &f->service) != 0) f->service = 0;
  for (int fd = 0; fd < FD_TABLE_SIZE; ++fd) {
    struct fd_file* file = (struct fd_file*)fd_table_get(&__viper_fds, fd, 0);
    struct socket_file* s = file ? __fd_socket(file) : 0;
    int seen = 0;
    for (int i = 0; s && i < f->count && !seen; ++i) seen = f->entries[i].socket == s;
    viper_handle_t clone = 0;
    if (!s || seen || __net_clone(&s->control, &clone) != 0) {
      __fd_put(file);
      continue;
    }
    f->entries[f->count].socket = s;
    f->entries[f->count++].control = clone;
  }
  return f;
}

void __net_fork_child(struct net_fork* f) {
  if (!f) return;
  if (f->service || __net_service()) __net_set_service(f->service);
  for (int i = 0; i < f->count; ++i) {
    struct socket_file* s = f->entries[i].socket;
    futex_mutex_lock(&s->control.lock);
    const viper_handle_t shared = s->control.channel;
    s->control.channel = f->entries[i].control;
    futex_mutex_unlock(&s->control.lock);
    viper_handle_close(shared); /* the parent's stays open */
    __fd_put(&s->file);
  }
  free(f);
}

void __net_fork_parent(struct net_fork* f) {
  if (!f) return;
  if (f->service) viper_handle_close(f->service);
  for (int i = 0; i < f->count; ++i) {
    viper_handle_close(f->entries[i].control);
    __fd_put(&f->entries[i].socket->file);
  }
  free(f);
}
