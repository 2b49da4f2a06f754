/* The startup message (fd_startup.h): what a parent sends, what _start
 * adopts. */
#include "userland/libc/startup.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/libc/fd_startup.h"
#include "userland/libc/fs_client.h"
#include "userland/libc/net_client.h"
#include "userland/libc/path.h"

#define STARTUP_MAGIC 0x53444656u /* "VFDS" */
#define STARTUP_VERSION 2         /* 2: the file-mode creation mask */

struct startup_header {
  uint32_t magic;
  uint16_t version;
  uint16_t fd_count;
  uint16_t cwd_bytes;
  uint16_t umask; /* the parent's, which exec and spawn keep (POSIX) */
};

struct startup_fd {
  int16_t fd;
  uint8_t kind;
  uint8_t is_terminal;
  int32_t status_flags;
  int64_t offset;
  uint16_t name_bytes;
  uint16_t reserved[3];
};

extern viper_handle_t __viper_bootstrap; /* viper.c */

void __fd_view_take(struct fd_view* view) {
  for (int fd = 0; fd < FD_TABLE_SIZE; ++fd) {
    view->files[fd] = (struct fd_file*)fd_table_get(&__viper_fds, fd, &view->flags[fd]);
    if (!view->files[fd]) view->flags[fd] = 0;
  }
}

void __fd_view_release(struct fd_view* view) {
  for (int fd = 0; fd < FD_TABLE_SIZE; ++fd) {
    __fd_put(view->files[fd]);
    view->files[fd] = 0;
  }
}

void __fd_view_set(struct fd_view* view, int fd, struct fd_file* file, uint32_t flags) {
  __fd_put(view->files[fd]);
  view->files[fd] = file;
  view->flags[fd] = flags;
}

static int inherited(const struct fd_view* view, int fd) {
  return view->files[fd] && !(view->flags[fd] & FD_TABLE_CLOEXEC);
}

/* Whether the fd passes as a handle: a stream's channel, or a clone of
 * a disk fd's connection. */
static int carries_handle(const struct fd_file* file) {
  return file->ops->kind == FD_KIND_STREAM || file->ops->kind == FD_KIND_FSFILE ||
         file->ops->kind == FD_KIND_FSDIR || file->ops->kind == FD_KIND_SOCKET;
}

/* The message's most bytes for the view (the root entry included), and
 * its most handles. */
static size_t message_size(const struct fd_view* view, const char* cwd, int* handles) {
  /* The fs root's entry and netd's. */
  size_t size = sizeof(struct startup_header) + strlen(cwd) + 1 + 2 * sizeof(struct startup_fd);
  *handles = 2;
  for (int fd = 0; fd < FD_TABLE_SIZE; ++fd) {
    if (!inherited(view, fd)) continue;
    const char* name = __fd_bootfile_name(view->files[fd]);
    size += sizeof(struct startup_fd) + (name ? strlen(name) + 1 : 0);
    if (carries_handle(view->files[fd])) ++*handles;
    if (view->files[fd]->ops->kind == FD_KIND_FSFILE) ++*handles; /* its shared offset */
    if (view->files[fd]->ops->kind == FD_KIND_SOCKET) ++*handles; /* control and data */
  }
  return size;
}

/* The handles an inherited fd passes, in *out and (a disk file's shared
 * offset, a socket's control channel) *offset_vmo, 0 for none: 0, or an
 * error that fails the whole message. A disk fd whose clone fsd refuses
 * (fsd gone), or a socket netd will not clone, is left out: *skip. */
static int64_t handle_for(struct fd_file* file, viper_handle_t* out, viper_handle_t* offset_vmo,
                          int* skip) {
  *out = 0;
  *offset_vmo = 0;
  *skip = 0;
  struct socket_file* socket = __fd_socket(file);
  if (socket) {
    /* A listener with connections queued on its data channel cannot be
     * sent (the kernel refuses a channel whose queue holds endpoints: no
     * cycles); the child goes without it rather than the spawn failing. */
    if (__atomic_load_n(&socket->listening, __ATOMIC_ACQUIRE) &&
        viper_object_wait(socket->data, VIPER_SIGNAL_READABLE, 0) > 0) {
      *skip = 1;
      return 0;
    }
    /* The data channel shared (one socket), the control channel cloned
     * (a call's reply must reach its caller). */
    struct viper_object_info info;
    *skip = __net_clone(&socket->control, offset_vmo) != 0;
    if (*skip) return 0;
    int64_t copy = viper_object_info(socket->data, &info);
    if (copy == 0) copy = viper_handle_duplicate(socket->data, info.rights);
    if (copy < 0) {
      viper_handle_close(*offset_vmo);
      *offset_vmo = 0;
      return copy;
    }
    *out = (viper_handle_t)copy;
  } else if (file->ops->kind == FD_KIND_STREAM) {
    const viper_handle_t channel = __fd_stream_channel(file);
    struct viper_object_info info;
    const int64_t error = viper_object_info(channel, &info);
    const int64_t copy = error ? error : viper_handle_duplicate(channel, info.rights);
    if (copy < 0) return copy;
    *out = (viper_handle_t)copy;
  } else if (__fd_fs_conn(file)) {
    *skip = __fs_clone(__fd_fs_conn(file), out) != 0;
    /* Without the page the child gets a copy of the offset instead. */
    if (!*skip) __fd_fs_share_offset(file, offset_vmo);
  }
  return 0;
}

int64_t __fd_startup_channel(const struct fd_view* view) {
  char cwd[VIPER_PATH_MAX];
  __viper_cwd(cwd);
  int most_handles;
  const size_t size = message_size(view, cwd, &most_handles);
  if (most_handles > VIPER_MESSAGE_HANDLES_MAX || size > VIPER_MESSAGE_BYTES_MAX) {
    return VIPER_ERR_OUT_OF_RANGE;
  }
  unsigned char* message = malloc(size);
  if (!message) return VIPER_ERR_NO_MEMORY;
  viper_handle_t handles[VIPER_MESSAGE_HANDLES_MAX];
  int handle_count = 0;
  int64_t error = 0;
  struct startup_header header = {STARTUP_MAGIC, STARTUP_VERSION, 0, (uint16_t)(strlen(cwd) + 1),
                                  (uint16_t)__viper_umask()};
  size_t at = sizeof(header);
  /* The root connection first: the child needs it to adopt the cwd. */
  struct fs_conn* root = __fs_root();
  viper_handle_t root_clone = 0;
  if (root && __fs_clone(root, &root_clone) == 0) {
    const struct startup_fd entry = {.fd = -1, .kind = FD_KIND_FSROOT};
    handles[handle_count++] = root_clone;
    memcpy(message + at, &entry, sizeof(entry));
    at += sizeof(entry);
    ++header.fd_count;
  }
  /* netd's connection, a clone: the child's own calls and replies. */
  struct net_conn* net = __net_service();
  viper_handle_t net_clone = 0;
  if (net && __net_clone(net, &net_clone) == 0) {
    const struct startup_fd entry = {.fd = -1, .kind = FD_KIND_NETROOT};
    handles[handle_count++] = net_clone;
    memcpy(message + at, &entry, sizeof(entry));
    at += sizeof(entry);
    ++header.fd_count;
  }
  for (int fd = 0; fd < FD_TABLE_SIZE && !error; ++fd) {
    if (!inherited(view, fd)) continue;
    struct fd_file* file = view->files[fd];
    const char* name = __fd_bootfile_name(file);
    const int disk = __fd_fs_conn(file) != 0;
    struct startup_fd entry = {.fd = (int16_t)fd,
                               .kind = (uint8_t)file->ops->kind,
                               .is_terminal = (uint8_t)__fd_stream_is_terminal(file),
                               .status_flags = file->status_flags,
                               .offset = name                ? __fd_bootfile_offset(file)
                                         : disk              ? __fd_fs_offset(file)
                                         : __fd_socket(file) ? __fd_socket_state(__fd_socket(file))
                                                             : 0,
                               .name_bytes = (uint16_t)(name ? strlen(name) + 1 : 0)};
    viper_handle_t handle, offset_vmo;
    int skip;
    error = handle_for(file, &handle, &offset_vmo, &skip);
    if (error || skip) continue;
    if (handle) handles[handle_count++] = handle;
    if (offset_vmo) handles[handle_count++] = offset_vmo;
    entry.reserved[0] = offset_vmo != 0; /* a second handle: the shared offset, the control */
    memcpy(message + at, &entry, sizeof(entry));
    at += sizeof(entry);
    if (name) memcpy(message + at, name, entry.name_bytes);
    at += entry.name_bytes;
    ++header.fd_count;
  }
  memcpy(message, &header, sizeof(header));
  memcpy(message + at, cwd, header.cwd_bytes);
  viper_handle_t ends[2] = {0, 0};
  int moved = 0; /* the handles went into the message */
  if (!error) error = viper_channel_create(ends);
  const size_t used = at + header.cwd_bytes; /* <= size: fds left out shrink it */
  if (!error) error = viper_channel_write(ends[0], message, used, handles, (size_t)handle_count);
  if (!error) moved = 1;
  if (!error) error = viper_object_signal(ends[1], 0, VIPER_SIGNAL_USER0);
  free(message);
  if (ends[0]) viper_handle_close(ends[0]); /* the message stays queued for the child */
  if (error) {
    if (ends[1]) viper_handle_close(ends[1]); /* frees a queued message and its handles */
    for (int i = 0; !moved && i < handle_count; ++i) viper_handle_close(handles[i]);
    return error;
  }
  return (int64_t)ends[1];
}

int64_t __viper_startup_channel_for_exec(void) {
  struct fd_view* view = malloc(sizeof(*view));
  if (!view) return VIPER_ERR_NO_MEMORY;
  __fd_view_take(view);
  const int64_t channel = __fd_startup_channel(view);
  __fd_view_release(view);
  free(view);
  return channel;
}

/* ---- The child's side ---- */

static void console_fallback(void) {
  for (int fd = 0; fd <= 2; ++fd) __fd_install_at(fd, __fd_console(), 0);
}

/* One fd of the message; the stream's or disk fd's handle is `*handle`,
 * a disk file's shared offset `*offset_vmo` (both taken). */
static void adopt(const struct startup_fd* entry, const char* name, viper_handle_t* handle,
                  viper_handle_t* offset_vmo) {
  struct fd_file* file = 0;
  switch (entry->kind) {
    case FD_KIND_CONSOLE:
      file = __fd_console();
      break;
    case FD_KIND_STREAM:
      if (!*handle) return;
      file = __fd_stream_new(*handle, entry->is_terminal, entry->status_flags);
      if (!file) viper_handle_close(*handle);
      *handle = 0;
      break;
    case FD_KIND_FSFILE:
    case FD_KIND_FSDIR:
      if (!*handle) return;
      file = __fd_fs_new(*handle, entry->kind == FD_KIND_FSDIR, entry->status_flags);
      *handle = 0;
      if (file && *offset_vmo && __fd_fs_adopt_offset(file, *offset_vmo) == 0) {
        *offset_vmo = 0; /* the parent's offset, shared */
      } else if (file && entry->offset > 0) {
        __fd_fs_set_offset(file, entry->offset);
      }
      *offset_vmo = 0; /* taken either way */
      break;
    case FD_KIND_FSROOT:
      if (*handle) __fs_set_root(*handle);
      *handle = 0;
      return;
    case FD_KIND_NETROOT:
      if (*handle) __net_set_service(*handle);
      *handle = 0;
      return;
    case FD_KIND_SOCKET: {
      if (!*handle || !*offset_vmo) return;
      file = __fd_socket_new(*offset_vmo, *handle, (int)(entry->offset & 0xff), entry->status_flags,
                             0);
      *handle = *offset_vmo = 0; /* taken either way */
      if (file) __fd_socket_set_state(__fd_socket(file), entry->offset);
      break;
    }
    case FD_KIND_BOOTFILE:
    case FD_KIND_DIRECTORY:
      if (!name || __fd_bootfile_open(name, O_RDONLY, &file) != 0) return;
      if (entry->offset > 0) file->ops->seek(file, entry->offset, SEEK_SET);
      break;
    default:
      return;
  }
  if (file && __fd_install_at(entry->fd, file, 0) < 0) __fd_put(file);
}

/* Adopts a checked message: 0, or -1 if it is malformed (nothing adopted
 * past the fault; the handles left are closed by the caller). */
static int adopt_all(const unsigned char* bytes, size_t size, viper_handle_t* handles,
                     size_t handle_count) {
  struct startup_header header;
  if (size < sizeof(header)) return -1;
  memcpy(&header, bytes, sizeof(header));
  if (header.magic != STARTUP_MAGIC || header.version != STARTUP_VERSION) return -1;
  if (header.umask & ~0777) return -1;
  size_t at = sizeof(header), next_handle = 0;
  for (int i = 0; i < header.fd_count; ++i) {
    struct startup_fd entry;
    if (size - at < sizeof(entry)) return -1;
    memcpy(&entry, bytes + at, sizeof(entry));
    at += sizeof(entry);
    const int root = entry.kind == FD_KIND_FSROOT || entry.kind == FD_KIND_NETROOT;
    if ((root ? entry.fd != -1 : entry.fd < 0) || entry.fd >= FD_TABLE_SIZE ||
        size - at < entry.name_bytes) {
      return -1;
    }
    const char* name = (const char*)bytes + at;
    if (entry.name_bytes && name[entry.name_bytes - 1] != 0) return -1;
    at += entry.name_bytes;
    viper_handle_t none = 0, no_vmo = 0;
    viper_handle_t* handle = &none;
    viper_handle_t* offset_vmo = &no_vmo;
    if (entry.kind == FD_KIND_STREAM || entry.kind == FD_KIND_FSFILE ||
        entry.kind == FD_KIND_FSDIR || entry.kind == FD_KIND_SOCKET || root) {
      if (next_handle == handle_count) return -1;
      handle = &handles[next_handle++];
    }
    if ((entry.kind == FD_KIND_FSFILE || entry.kind == FD_KIND_SOCKET) && entry.reserved[0] == 1) {
      if (next_handle == handle_count) return -1;
      offset_vmo = &handles[next_handle++];
    }
    adopt(&entry, entry.name_bytes ? name : 0, handle, offset_vmo);
  }
  if (size - at != header.cwd_bytes || header.cwd_bytes == 0 || bytes[size - 1] != 0) return -1;
  __viper_set_cwd((const char*)bytes + at);
  umask((mode_t)header.umask);
  return 0;
}

void __viper_fd_startup(void) {
  const viper_handle_t bootstrap = __viper_bootstrap;
  /* No USER0: no startup message; the bootstrap is the program's. */
  if (!bootstrap || viper_object_wait(bootstrap, VIPER_SIGNAL_USER0, 0) < 0) {
    console_fallback();
    return;
  }
  unsigned char* bytes = malloc(VIPER_MESSAGE_BYTES_MAX);
  viper_handle_t handles[VIPER_MESSAGE_HANDLES_MAX] = {0};
  struct viper_message m = {bytes,   0, bytes ? VIPER_MESSAGE_BYTES_MAX : 0,
                            handles, 0, VIPER_MESSAGE_HANDLES_MAX};
  const int64_t n = viper_channel_read(bootstrap, &m, 0);
  if (n < 0 || adopt_all(bytes, (size_t)n, handles, m.handle_count) != 0) console_fallback();
  for (uint64_t i = 0; n >= 0 && i < m.handle_count; ++i) {
    if (handles[i]) viper_handle_close(handles[i]); /* not adopted */
  }
  free(bytes);
  /* libc's channel, done with: the program starts as if it had none. */
  viper_handle_close(bootstrap);
  __viper_bootstrap = 0;
}
