/* Stream fds: a channel speaking <viperdos/stream.h> (pipes, console
 * sessions). One description per channel end; its fds share it.
 *
 * read() returns what one DATA message had, or the unread rest of the last
 * one: the rest is kept in the description, so message boundaries never
 * show. It blocks (viper_object_wait on READABLE|PEER_CLOSED, no polling)
 * and returns 0 at PEER_CLOSED or at an EOF message. One reader at a time
 * (the read lock), so two threads never take halves of one message's rest.
 *
 * write() sends DATA messages of at most VIPER_STREAM_DATA_MAX bytes; a
 * full queue (kWouldBlock) waits for WRITABLE|PEER_CLOSED. A write of up to
 * VIPER_STREAM_DATA_MAX bytes is one message, so concurrent writers' lines
 * stay whole (USER-002). Each message is composed in the description's one
 * buffer under the write lock: the predecessor kept such output state
 * shared and unprotected. A closed peer is EPIPE, after SIGPIPE (whose
 * default ends the writer, as POSIX says: `yes | head` must end). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <viperdos/stream.h>
#include <viperdos/viper.h>

#include "userland/libc/fdio.h"
#include "userland/libc/futex_mutex.h"

struct stream_file {
  struct fd_file file; /* first */
  viper_handle_t channel;
  int is_terminal;
  uint32_t read_lock;        /* futex mutex: the fields of reading */
  unsigned char* in;         /* the last DATA message (tag at 0), or 0 */
  size_t in_next;            /* its first unread byte */
  size_t in_end;             /* one past its last byte */
  int at_end;                /* PEER_CLOSED seen with nothing queued */
  uint32_t write_lock;       /* futex mutex: `out` and the order of messages */
  unsigned char* out;        /* a message being composed, or 0 */
  struct termios attributes; /* a terminal's, under write_lock */
};

#define MESSAGE_BYTES (VIPER_STREAM_DATA_MAX + 1)

static struct stream_file* stream_of(struct fd_file* f) { return (struct stream_file*)f; }

/* Waits for `signals` on the channel: the signals seen or a VIPER_ERR_*. */
static int64_t wait_for(viper_handle_t channel, uint32_t signals) {
  return viper_object_wait(channel, signals, VIPER_DEADLINE_NEVER);
}

/* The next message into s->in: 1, 0 at the end of the stream, or -errno. */
static int next_message(struct stream_file* s) {
  if (!s->in && !(s->in = malloc(MESSAGE_BYTES))) return -ENOMEM;
  for (;;) {
    viper_handle_t handles[VIPER_MESSAGE_HANDLES_MAX];
    struct viper_message m = {s->in, 0, MESSAGE_BYTES, handles, 0, VIPER_MESSAGE_HANDLES_MAX};
    const int64_t n = viper_channel_read(s->channel, &m, 0);
    for (uint64_t i = 0; n >= 0 && i < m.handle_count; ++i) viper_handle_close(handles[i]);
    if (n == VIPER_ERR_PEER_CLOSED) {
      s->at_end = 1;
      return 0;
    }
    if (n == VIPER_ERR_WOULD_BLOCK || n == VIPER_ERR_TIMED_OUT) {
      const int64_t seen = wait_for(s->channel, VIPER_SIGNAL_READABLE | VIPER_SIGNAL_PEER_CLOSED);
      if (seen < 0) return -__viper_errno(seen);
      continue;
    }
    if (n < 0) return -__viper_errno(n);
    if (n == 0) continue; /* no tag: nothing to say */
    if (s->in[0] == VIPER_STREAM_EOF) return 0;
    if (s->in[0] != VIPER_STREAM_DATA || n == 1) continue; /* not for readers */
    s->in_next = 1;
    s->in_end = (size_t)n;
    return 1;
  }
}

static ssize_t stream_read(struct fd_file* f, void* buffer, size_t size) {
  struct stream_file* s = stream_of(f);
  if ((f->status_flags & O_ACCMODE) == O_WRONLY) return -EBADF;
  if (size == 0) return 0;
  futex_mutex_lock(&s->read_lock);
  ssize_t result = 0;
  if (s->in_next == s->in_end && !s->at_end) result = next_message(s);
  if (result >= 0 && s->in_next < s->in_end) {
    size_t n = s->in_end - s->in_next;
    if (n > size) n = size;
    memcpy(buffer, s->in + s->in_next, n);
    s->in_next += n;
    result = (ssize_t)n;
  }
  futex_mutex_unlock(&s->read_lock);
  return result;
}

/* Sends one message, waiting while the peer's queue is full. */
static int send_message(viper_handle_t channel, const void* bytes, size_t size,
                        const viper_handle_t* handles, size_t handle_count) {
  for (;;) {
    const int64_t sent = viper_channel_write(channel, bytes, size, handles, handle_count);
    if (sent == VIPER_ERR_WOULD_BLOCK) {
      const int64_t seen = wait_for(channel, VIPER_SIGNAL_WRITABLE | VIPER_SIGNAL_PEER_CLOSED);
      if (seen < 0) return -__viper_errno(seen);
      continue;
    }
    if (sent == VIPER_ERR_PEER_CLOSED) return -EPIPE;
    return sent < 0 ? -__viper_errno(sent) : 0;
  }
}

static ssize_t stream_write(struct fd_file* f, const void* bytes, size_t size) {
  struct stream_file* s = stream_of(f);
  if ((f->status_flags & O_ACCMODE) == O_RDONLY) return -EBADF;
  futex_mutex_lock(&s->write_lock);
  size_t done = 0;
  int error = 0;
  if (!s->out && !(s->out = malloc(MESSAGE_BYTES))) error = -ENOMEM;
  while (!error && done < size) {
    size_t chunk = size - done;
    if (chunk > VIPER_STREAM_DATA_MAX) chunk = VIPER_STREAM_DATA_MAX;
    s->out[0] = VIPER_STREAM_DATA;
    memcpy(s->out + 1, (const char*)bytes + done, chunk);
    error = send_message(s->channel, s->out, chunk + 1, 0, 0);
    if (!error) done += chunk;
  }
  futex_mutex_unlock(&s->write_lock);
  if (error == -EPIPE) raise(SIGPIPE);
  return done > 0 ? (ssize_t)done : (error ? error : 0);
}

static off_t stream_seek(struct fd_file* f, off_t offset, int whence) {
  (void)f;
  (void)offset;
  (void)whence;
  return -ESPIPE;
}

static int stream_stat(struct fd_file* f, struct stat* status) {
  status->st_mode = stream_of(f)->is_terminal ? (S_IFCHR | 0620) : (S_IFIFO | 0600);
  return 0;
}

static void stream_destroy(struct fd_file* f) {
  struct stream_file* s = stream_of(f);
  viper_handle_close(s->channel);
  free(s->in);
  free(s->out);
  free(s);
}

static const struct fd_ops stream_ops = {
    .kind = FD_KIND_STREAM,
    .read = stream_read,
    .write = stream_write,
    .seek = stream_seek,
    .stat = stream_stat,
    .destroy = stream_destroy,
};

struct fd_file* __fd_stream_new(viper_handle_t channel, int is_terminal, int status_flags) {
  struct stream_file* s = calloc(1, sizeof(*s));
  if (!s) return 0;
  s->file.counted.references = 1;
  s->file.ops = &stream_ops;
  s->file.status_flags = status_flags;
  s->channel = channel;
  s->is_terminal = is_terminal != 0;
  __fd_default_attributes(&s->attributes);
  return &s->file;
}

viper_handle_t __fd_stream_channel(const struct fd_file* f) {
  return f->ops == &stream_ops ? ((const struct stream_file*)f)->channel : 0;
}

int __fd_stream_is_terminal(const struct fd_file* f) {
  return f->ops == &stream_ops && ((const struct stream_file*)f)->is_terminal;
}

/* Sends a control message (SET_MODE, SET_FOREGROUND) on a stream fd's
 * channel, in order with its data. */
int __fd_stream_control(struct fd_file* f, const void* bytes, size_t size,
                        const viper_handle_t* handles, size_t handle_count) {
  if (f->ops != &stream_ops) return -ENOTTY;
  struct stream_file* s = stream_of(f);
  futex_mutex_lock(&s->write_lock);
  const int sent = send_message(s->channel, bytes, size, handles, handle_count);
  futex_mutex_unlock(&s->write_lock);
  return sent;
}

/* Whether attributes select consoled's raw mode (sys/termios.h). */
static int raw(const struct termios* t) {
  return (t->c_lflag & (ICANON | ECHO)) != (ICANON | ECHO);
}

void __fd_default_attributes(struct termios* t) {
  memset(t, 0, sizeof(*t));
  t->c_iflag = ICRNL | IXON;
  t->c_oflag = OPOST | ONLCR;
  t->c_cflag = CS8 | CREAD;
  t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN;
  t->c_cc[VINTR] = 3;
  t->c_cc[VQUIT] = 034;
  t->c_cc[VERASE] = 0177;
  t->c_cc[VKILL] = 025;
  t->c_cc[VEOF] = 4;
  t->c_cc[VMIN] = 1;
  t->c_ispeed = t->c_ospeed = B38400;
}

int __fd_stream_attributes(struct fd_file* f, struct termios* out) {
  if (!__fd_stream_is_terminal(f)) return -ENOTTY;
  struct stream_file* s = stream_of(f);
  futex_mutex_lock(&s->write_lock);
  *out = s->attributes;
  futex_mutex_unlock(&s->write_lock);
  return 0;
}

/* Keeps the attributes and, when the mode changes, tells consoled: in
 * order with the data written before. */
int __fd_stream_set_attributes(struct fd_file* f, const struct termios* t) {
  if (!__fd_stream_is_terminal(f)) return -ENOTTY;
  struct stream_file* s = stream_of(f);
  futex_mutex_lock(&s->write_lock);
  int result = 0;
  if (raw(t) != raw(&s->attributes)) {
    const unsigned char message[2] = {VIPER_STREAM_SET_MODE,
                                      raw(t) ? VIPER_CONSOLE_RAW : VIPER_CONSOLE_COOKED};
    result = send_message(s->channel, message, sizeof(message), 0, 0);
  }
  if (result == 0) s->attributes = *t;
  futex_mutex_unlock(&s->write_lock);
  return result;
}

/* For poll(): whether a read would return at once without the channel
 * (the unread rest of a message, or the end already seen). */
int __fd_stream_buffered(struct fd_file* f) {
  if (f->ops != &stream_ops) return 0;
  struct stream_file* s = stream_of(f);
  futex_mutex_lock(&s->read_lock);
  const int ready = s->in_next < s->in_end || s->at_end;
  futex_mutex_unlock(&s->read_lock);
  return ready;
}
