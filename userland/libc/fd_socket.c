/* Socket fds: a socket of netd is its control channel (calls) and its
 * data channel (<viperdos/net_protocol.h>). One description per socket;
 * its fds share it, and a child gets a duplicate of the data channel and
 * a clone of the control channel.
 *
 * A read is one channel_read of the data channel, blocking in the kernel
 * until a message comes (or the timeout: SO_RCVTIMEO; O_NONBLOCK and
 * MSG_DONTWAIT: not at all); the unread rest of a DATA message stays in
 * the description, as for pipes (fd_stream.c). A write is one
 * channel_write per VIPER_NET_DATA_MAX bytes, waiting for WRITABLE while
 * netd's queue is full (that is the flow control: netd reads only while
 * TCP takes bytes). A closed peer is EPIPE after SIGPIPE, unless
 * MSG_NOSIGNAL. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <viperdos/viper.h>

#include "userland/libc/futex_mutex.h"
#include "userland/libc/net_client.h"

#define MESSAGE_BYTES (VIPER_NET_DATA_MAX + 1)
#define DATAGRAM_HEADER (1 + sizeof(struct viper_net_datagram))

static int nonblocking(const struct socket_file* s, int flags) {
  return (s->file.status_flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
}

static int32_t status_of(const unsigned char* m, int64_t n) {
  int32_t status = -EIO;
  if (n == 5) memcpy(&status, m + 1, sizeof(status));
  return status;
}

/* The next message into s->in (read_lock held): 1, 0 at the end, or
 * -errno (-EAGAIN at the deadline). A CONNECTED message settles a pending
 * connect and is not for readers; neither are unknown tags. */
static int next_message(struct socket_file* s, uint64_t deadline, int want_connected) {
  if (!s->in && !(s->in = malloc(MESSAGE_BYTES))) return -ENOMEM;
  for (;;) {
    viper_handle_t handles[2] = {0, 0};
    struct viper_message m = {s->in, 0, MESSAGE_BYTES, handles, 0, 2};
    const int64_t n = viper_channel_read(s->data, &m, deadline);
    if (n == VIPER_ERR_PEER_CLOSED) {
      s->at_end = 1;
      return 0;
    }
    if (n == VIPER_ERR_WOULD_BLOCK || n == VIPER_ERR_TIMED_OUT) return -EAGAIN;
    if (n < 0) return -__viper_errno(n);
    if (n == 0) continue;
    s->in_next = 1;
    s->in_end = (size_t)n;
    switch (s->in[0]) {
      case VIPER_NET_CONNECTED: {
        const int32_t status = status_of(s->in, n);
        __atomic_store_n(&s->connecting, 0, __ATOMIC_RELEASE);
        if (status == 0) {
          __atomic_store_n(&s->connected, 1, __ATOMIC_RELEASE);
        } else {
          __atomic_store_n(&s->so_error, -status, __ATOMIC_RELEASE);
        }
        s->in_next = s->in_end = 0;
        if (want_connected) return 1;
        continue;
      }
      case VIPER_NET_EOF:
        s->in_next = s->in_end = 0;
        s->at_end = 1;
        return 0;
      case VIPER_NET_ERROR:
        s->pending_error = -status_of(s->in, n);
        s->in_next = s->in_end = 0;
        return -s->pending_error;
      case VIPER_NET_CONNECTION:
        if (m.handle_count == 2 && n == (int64_t)DATAGRAM_HEADER) {
          s->in_handles[0] = handles[0];
          s->in_handles[1] = handles[1];
          return 1;
        }
        break;
      case VIPER_NET_DATA:
      case VIPER_NET_DATAGRAM:
        if (m.handle_count == 0) return 1;
        break;
      default:
        break;
    }
    for (uint64_t i = 0; i < m.handle_count; ++i) viper_handle_close(handles[i]);
    s->in_next = s->in_end = 0; /* not for readers */
  }
}

int __fd_socket_settle_connect(struct socket_file* s, uint64_t deadline) {
  futex_mutex_lock(&s->read_lock);
  int result = 0;
  while (__atomic_load_n(&s->connecting, __ATOMIC_ACQUIRE) && result >= 0) {
    if (s->in_next < s->in_end) break; /* a message came first: cannot be */
    result = next_message(s, deadline, 1);
    if (result == 0 && s->at_end) break;
  }
  futex_mutex_unlock(&s->read_lock);
  return result < 0 ? result : 0;
}

int __fd_socket_buffered(struct socket_file* s) {
  futex_mutex_lock(&s->read_lock);
  const int ready = s->in_next < s->in_end || s->at_end || s->pending_error;
  futex_mutex_unlock(&s->read_lock);
  return ready;
}

/* A datagram's bytes: where they start in s->in; its source kept. */
static size_t payload_start(struct socket_file* s) {
  if (s->in[0] != VIPER_NET_DATAGRAM) return 1; /* connected: from the peer */
  struct viper_net_datagram from;
  if (s->in_end < DATAGRAM_HEADER) return s->in_end;
  memcpy(&from, s->in + 1, sizeof(from));
  s->from_addr = from.addr;
  s->from_port = from.port;
  return DATAGRAM_HEADER;
}

/* One datagram per call; what does not fit is discarded (MSG_TRUNC: the
 * whole size is returned). read_lock held. */
static ssize_t receive_datagram(struct socket_file* s, void* buffer, size_t size, int flags,
                                uint64_t deadline, uint32_t* from_addr, uint16_t* from_port) {
  while (!s->datagram_ready) {
    if (s->at_end) return 0;
    const int got = next_message(s, deadline, 0);
    if (got <= 0) return got;
    if (s->in[0] != VIPER_NET_DATA && s->in[0] != VIPER_NET_DATAGRAM) continue;
    s->in_next = payload_start(s);
    s->datagram_ready = 1;
  }
  const size_t whole = s->in_end - s->in_next;
  const size_t n = whole < size ? whole : size;
  memcpy(buffer, s->in + s->in_next, n);
  if (from_addr) *from_addr = s->from_addr;
  if (from_port) *from_port = s->from_port;
  if (!(flags & MSG_PEEK)) {
    s->datagram_ready = 0;
    s->in_next = s->in_end;
  }
  return (ssize_t)((flags & MSG_TRUNC) ? whole : n);
}

static ssize_t receive_stream(struct socket_file* s, void* buffer, size_t size, int flags,
                              uint64_t deadline) {
  size_t done = 0;
  int result = 0;
  while (done < size) {
    if (s->pending_error) {
      if (done) break; /* the bytes first, the error on the next call */
      result = -s->pending_error;
      s->pending_error = 0;
      s->at_end = 1; /* the connection is over: then EOF */
      break;
    }
    if (s->in_next == s->in_end) {
      if (s->at_end) break;
      /* Wait only for the first bytes (or all of them: MSG_WAITALL). */
      result = next_message(s, done && !(flags & MSG_WAITALL) ? 0 : deadline, 0);
      if (result <= 0) {
        if (result == -s->pending_error) s->pending_error = 0, s->at_end = 1;
        break;
      }
      if (s->in[0] != VIPER_NET_DATA) {
        s->in_next = s->in_end;
        continue;
      }
    }
    size_t n = s->in_end - s->in_next;
    if (n > size - done) n = size - done;
    memcpy((char*)buffer + done, s->in + s->in_next, n);
    done += n;
    if (flags & MSG_PEEK) break;
    s->in_next += n;
  }
  if (done > 0) return (ssize_t)done;
  return result < 0 ? result : 0;
}

ssize_t __fd_socket_receive(struct socket_file* s, void* buffer, size_t size, int flags,
                            uint32_t* from_addr, uint16_t* from_port) {
  if (__atomic_load_n(&s->listening, __ATOMIC_ACQUIRE)) return -ENOTCONN;
  const int stream = s->type == SOCK_STREAM;
  const uint64_t deadline = __net_deadline(s->receive_timeout_ns, nonblocking(s, flags));
  if (stream && __atomic_load_n(&s->connecting, __ATOMIC_ACQUIRE)) {
    const int settled = __fd_socket_settle_connect(s, deadline);
    if (settled < 0) return settled;
  }
  if (stream && !__atomic_load_n(&s->connected, __ATOMIC_ACQUIRE)) {
    const int error = __atomic_exchange_n(&s->so_error, 0, __ATOMIC_ACQ_REL);
    return error ? -error : -ENOTCONN;
  }
  futex_mutex_lock(&s->read_lock);
  const ssize_t result =
      stream ? receive_stream(s, buffer, size, flags, deadline)
             : receive_datagram(s, buffer, size, flags, deadline, from_addr, from_port);
  futex_mutex_unlock(&s->read_lock);
  return result;
}

int __fd_socket_accept(struct socket_file* s, viper_handle_t out[2], uint32_t* addr,
                       uint16_t* port) {
  if (!__atomic_load_n(&s->listening, __ATOMIC_ACQUIRE)) return -EINVAL;
  const uint64_t deadline = __net_deadline(s->receive_timeout_ns, nonblocking(s, 0));
  futex_mutex_lock(&s->read_lock);
  int result;
  for (;;) {
    result = next_message(s, deadline, 0);
    if (result == 0) result = -ECONNABORTED; /* netd is gone */
    if (result < 0) break;
    if (s->in[0] != VIPER_NET_CONNECTION) continue;
    struct viper_net_datagram peer;
    memcpy(&peer, s->in + 1, sizeof(peer));
    *addr = peer.addr;
    *port = peer.port;
    out[0] = s->in_handles[0];
    out[1] = s->in_handles[1];
    s->in_handles[0] = s->in_handles[1] = 0;
    s->in_next = s->in_end;
    result = 0;
    break;
  }
  futex_mutex_unlock(&s->read_lock);
  return result;
}

/* Sends one message, waiting while netd's queue is full. */
static int send_message(struct socket_file* s, const void* bytes, size_t size, uint64_t deadline) {
  for (;;) {
    const int64_t sent = viper_channel_write(s->data, bytes, size, 0, 0);
    if (sent == VIPER_ERR_WOULD_BLOCK) {
      if (deadline == 0) return -EAGAIN;
      const int64_t seen =
          viper_object_wait(s->data, VIPER_SIGNAL_WRITABLE | VIPER_SIGNAL_PEER_CLOSED, deadline);
      if (seen == VIPER_ERR_TIMED_OUT) return -EAGAIN;
      if (seen < 0) return -__viper_errno(seen);
      continue;
    }
    if (sent == VIPER_ERR_PEER_CLOSED) return -EPIPE;
    return sent < 0 ? -__viper_errno(sent) : 0;
  }
}

ssize_t __fd_socket_send(struct socket_file* s, const void* bytes, size_t size, int flags,
                         const uint32_t* to_addr, uint16_t to_port) {
  const int stream = s->type == SOCK_STREAM;
  const uint64_t deadline = __net_deadline(s->send_timeout_ns, nonblocking(s, flags));
  if (stream && __atomic_load_n(&s->connecting, __ATOMIC_ACQUIRE)) {
    const int settled = __fd_socket_settle_connect(s, deadline);
    if (settled < 0) return settled;
  }
  if (stream && !__atomic_load_n(&s->connected, __ATOMIC_ACQUIRE)) {
    const int error = __atomic_exchange_n(&s->so_error, 0, __ATOMIC_ACQ_REL);
    return error ? -error : -ENOTCONN;
  }
  if (!stream && size > VIPER_NET_DATAGRAM_MAX) return -EMSGSIZE;
  if (!stream && !to_addr && !__atomic_load_n(&s->connected, __ATOMIC_ACQUIRE)) {
    return -EDESTADDRREQ;
  }
  futex_mutex_lock(&s->write_lock);
  size_t done = 0;
  int error = 0;
  if (!s->out && !(s->out = malloc(MESSAGE_BYTES))) error = -ENOMEM;
  while (!error && (done < size || (!stream && done == 0))) {
    size_t header = 1, chunk = size - done;
    if (chunk > VIPER_NET_DATA_MAX) chunk = VIPER_NET_DATA_MAX;
    s->out[0] = VIPER_NET_DATA;
    if (to_addr) {
      const struct viper_net_datagram to = {*to_addr, to_port, 0};
      s->out[0] = VIPER_NET_DATAGRAM;
      memcpy(s->out + 1, &to, sizeof(to));
      header = DATAGRAM_HEADER;
    }
    memcpy(s->out + header, (const char*)bytes + done, chunk);
    error = send_message(s, s->out, header + chunk, deadline);
    if (!error) done += chunk;
    if (!stream) break;
  }
  futex_mutex_unlock(&s->write_lock);
  if (error == -EPIPE && !(flags & MSG_NOSIGNAL)) raise(SIGPIPE);
  if (done > 0 || (!stream && !error)) return (ssize_t)done;
  return error;
}

/* shutdown(SHUT_WR): in order with the bytes before it. */
int __fd_socket_shutdown_write(struct socket_file* s) {
  const unsigned char tag = VIPER_NET_SHUTDOWN_WRITE;
  futex_mutex_lock(&s->write_lock);
  const int result = send_message(s, &tag, 1, VIPER_DEADLINE_NEVER);
  futex_mutex_unlock(&s->write_lock);
  return result == -EPIPE ? -ENOTCONN : result;
}

static ssize_t socket_read(struct fd_file* f, void* buffer, size_t size) {
  if (size == 0) return 0;
  return __fd_socket_receive((struct socket_file*)f, buffer, size, 0, 0, 0);
}

static ssize_t socket_write(struct fd_file* f, const void* bytes, size_t size) {
  if (size == 0 && ((struct socket_file*)f)->type == SOCK_STREAM) return 0;
  return __fd_socket_send((struct socket_file*)f, bytes, size, 0, 0, 0);
}

static off_t socket_seek(struct fd_file* f, off_t offset, int whence) {
  (void)f;
  (void)offset;
  (void)whence;
  return -ESPIPE;
}

static int socket_stat(struct fd_file* f, struct stat* status) {
  (void)f;
  status->st_mode = S_IFSOCK | 0777;
  return 0;
}

/* Whether the first message queued for us carries bytes: a read with no
 * room leaves it queued and says its size (an EOF is its tag alone, and
 * comes after every byte). */
static int queued_bytes(viper_handle_t data) {
  struct viper_message m = {0, 0, 0, 0, 0, 0};
  return viper_channel_read(data, &m, 0) == VIPER_ERR_OUT_OF_RANGE && m.byte_count > 1;
}

static void socket_destroy(struct fd_file* f) {
  struct socket_file* s = (struct socket_file*)f;
  /* Bytes unread here, or queued for us: the peer must be reset, not
   * closed (VIPER_NET_DISCARDED). Never waits: a full queue loses it. A
   * socket shared with another process (fork) is judged by this holder:
   * the reset comes only when the last one is gone, but then even if
   * that one read everything (a limit). */
  const int unread = s->in_next < s->in_end || queued_bytes(s->data);
  if (s->type == SOCK_STREAM && __atomic_load_n(&s->connected, __ATOMIC_ACQUIRE) && unread) {
    const unsigned char tag = VIPER_NET_DISCARDED;
    viper_channel_write(s->data, &tag, 1, 0, 0);
  }
  /* The data channel last: netd finishes what it still holds, then closes. */
  viper_handle_close(s->control.channel);
  viper_handle_close(s->data);
  if (s->in_handles[0]) viper_handle_close(s->in_handles[0]);
  if (s->in_handles[1]) viper_handle_close(s->in_handles[1]);
  free(s->in);
  free(s->out);
  free(s);
}

static const struct fd_ops socket_ops = {
    .kind = FD_KIND_SOCKET,
    .read = socket_read,
    .write = socket_write,
    .seek = socket_seek,
    .stat = socket_stat,
    .destroy = socket_destroy,
};

struct fd_file* __fd_socket_new(viper_handle_t control, viper_handle_t data, int type,
                                int status_flags, int connected) {
  struct socket_file* s = calloc(1, sizeof(*s));
  if (!s) {
    viper_handle_close(control);
    viper_handle_close(data);
    return 0;
  }
  s->file.counted.references = 1;
  s->file.ops = &socket_ops;
  s->file.status_flags = status_flags;
  s->control.channel = control;
  s->data = data;
  s->type = type;
  s->connected = connected;
  return &s->file;
}

struct socket_file* __fd_socket(struct fd_file* f) {
  return f && f->ops == &socket_ops ? (struct socket_file*)f : 0;
}

int64_t __fd_socket_state(const struct socket_file* s) {
  return (int64_t)s->type | (int64_t)__atomic_load_n(&s->connected, __ATOMIC_ACQUIRE) << 8 |
         (int64_t)__atomic_load_n(&s->listening, __ATOMIC_ACQUIRE) << 9 |
         (int64_t)__atomic_load_n(&s->connecting, __ATOMIC_ACQUIRE) << 10;
}

void __fd_socket_set_state(struct socket_file* s, int64_t state) {
  s->type = (int)(state & 0xff);
  s->connected = (int)(state >> 8) & 1;
  s->listening = (int)(state >> 9) & 1;
  s->connecting = (int)(state >> 10) & 1;
}
