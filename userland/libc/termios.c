/* termios on console sessions, and <viperdos/console.h>: adopting a stream
 * channel as an fd, and naming a session's foreground job. */
#include <errno.h>
#include <fcntl.h>
#include <termios.h>
#include <viperdos/console.h>
#include <viperdos/stream.h>
#include <viperdos/viper.h>

#include "userland/libc/children.h"
#include "userland/libc/fdio.h"

static int fail(int error) {
  errno = error;
  return -1;
}

int tcgetattr(int fd, struct termios* attributes) {
  if (!attributes) return fail(EFAULT);
  struct fd_file* file = __fd_get(fd);
  if (!file) return fail(EBADF);
  int result = 0;
  if (file->ops->kind == FD_KIND_CONSOLE) {
    __fd_default_attributes(attributes); /* the kernel console: always cooked */
  } else {
    result = __fd_stream_attributes(file, attributes);
  }
  __fd_put(file);
  return result < 0 ? fail(-result) : 0;
}

int tcsetattr(int fd, int when, const struct termios* attributes) {
  if (!attributes) return fail(EFAULT);
  if (when != TCSANOW && when != TCSADRAIN && when != TCSAFLUSH) return fail(EINVAL);
  struct fd_file* file = __fd_get(fd);
  if (!file) return fail(EBADF);
  /* The kernel console has no modes (and no input): only a session does. */
  const int result =
      file->ops->kind == FD_KIND_CONSOLE ? -ENOTSUP : __fd_stream_set_attributes(file, attributes);
  __fd_put(file);
  return result < 0 ? fail(-result) : 0;
}

void cfmakeraw(struct termios* t) {
  t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  t->c_oflag &= ~(tcflag_t)OPOST;
  t->c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  t->c_cflag = (t->c_cflag & ~(tcflag_t)(CSIZE | PARENB)) | CS8;
  t->c_cc[VMIN] = 1;
  t->c_cc[VTIME] = 0;
}

speed_t cfgetispeed(const struct termios* t) { return t->c_ispeed; }
speed_t cfgetospeed(const struct termios* t) { return t->c_ospeed; }
int cfsetispeed(struct termios* t, speed_t speed) {
  t->c_ispeed = speed;
  return 0;
}
int cfsetospeed(struct termios* t, speed_t speed) {
  t->c_ospeed = speed;
  return 0;
}

int viper_fd_adopt_stream(viper_handle_t channel, int is_terminal) {
  struct viper_object_info info;
  if (viper_object_info(channel, &info) != 0 || info.type != VIPER_OBJECT_CHANNEL) {
    return fail(EBADF);
  }
  struct fd_file* file = __fd_stream_new(channel, is_terminal, O_RDWR);
  if (!file) return fail(ENOMEM);
  const int fd = __fd_install(file, 0, 0);
  if (fd < 0) {
    __fd_put(file); /* closes the channel: it was given to us */
    return fail(-fd);
  }
  return fd;
}

int viper_console_set_foreground(int fd, const pid_t* pids, int count) {
  if (count < 0 || count > VIPER_MESSAGE_HANDLES_MAX || (count > 0 && !pids)) return fail(EINVAL);
  struct fd_file* file = __fd_get(fd);
  if (!file) return fail(EBADF);
  if (!__fd_stream_is_terminal(file)) {
    __fd_put(file);
    return fail(ENOTTY);
  }
  int64_t known_pids[256];
  viper_handle_t known[256];
  int children = __viper_children(known_pids, known, 256);
  if (children > 256) children = 256;
  viper_handle_t handles[VIPER_MESSAGE_HANDLES_MAX];
  int made = 0, error = 0;
  for (int i = 0; i < count && !error; ++i) {
    viper_handle_t process = 0;
    for (int c = 0; c < children; ++c) {
      if (known_pids[c] == pids[i]) process = known[c];
    }
    struct viper_object_info info;
    if (!process || viper_object_info(process, &info) != 0) {
      error = ESRCH;
      break;
    }
    const int64_t copy = viper_handle_duplicate(process, info.rights);
    if (copy < 0) error = __viper_errno(copy);
    if (copy >= 0) handles[made++] = (viper_handle_t)copy;
  }
  const unsigned char tag = VIPER_STREAM_SET_FOREGROUND;
  if (!error) {
    const int sent = __fd_stream_control(file, &tag, 1, handles, (size_t)made);
    if (sent < 0) error = -sent;
  }
  /* Sent handles moved; the others are still ours. */
  for (int i = 0; error && i < made; ++i) viper_handle_close(handles[i]);
  __fd_put(file);
  return error ? fail(error) : 0;
}
