/* Decoding fs_protocol.h requests and calling the ext2 library. */
#include "userland/servers/fsd/dispatch.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#define HEADER sizeof(struct viper_fs_request)
#define PERMISSIONS 07777u

/* A decoded request: its header, its path (or two), its data. */
struct decoded {
  struct viper_fs_request h;
  const char* path;
  size_t path_len;
  const char* second; /* RENAME, LINK, SYMLINK: after the NUL */
  size_t second_len;
  const uint8_t* data; /* WRITE */
  size_t data_len;
};

enum shape { ONE_PATH, TWO_PATHS, NO_PATH, WITH_DATA };

struct op_rule {
  uint32_t op;
  uint8_t on_dir, on_file;
  enum shape shape;
  uint32_t flags; /* the flags the op takes (OPEN: any O_*) */
  int takes_mode;
};

#define ANY_FLAGS 0xFFFFFFFFu
static const struct op_rule kRules[] = {
    {VIPER_FS_OPEN, 1, 0, ONE_PATH, ANY_FLAGS & ~(VIPER_FS_NOFOLLOW | VIPER_FS_APPEND), 1},
    {VIPER_FS_MKDIR, 1, 0, ONE_PATH, 0, 1},
    {VIPER_FS_RMDIR, 1, 0, ONE_PATH, 0, 0},
    {VIPER_FS_UNLINK, 1, 0, ONE_PATH, 0, 0},
    {VIPER_FS_RENAME, 1, 0, TWO_PATHS, 0, 0},
    {VIPER_FS_LINK, 1, 0, TWO_PATHS, 0, 0},
    {VIPER_FS_SYMLINK, 1, 0, TWO_PATHS, 0, 0},
    {VIPER_FS_READLINK, 1, 0, ONE_PATH, 0, 0},
    {VIPER_FS_STATFS, 1, 0, NO_PATH, 0, 0},
    {VIPER_FS_STAT, 1, 1, ONE_PATH, VIPER_FS_NOFOLLOW, 0},
    {VIPER_FS_CLONE, 1, 1, NO_PATH, 0, 0},
    {VIPER_FS_SYNC, 1, 1, NO_PATH, 0, 0},
    {VIPER_FS_CHMOD, 1, 1, ONE_PATH, 0, 1},
    {VIPER_FS_UTIMES, 1, 1, ONE_PATH, 0, 0},
    {VIPER_FS_READ, 0, 1, NO_PATH, 0, 0},
    {VIPER_FS_WRITE, 0, 1, WITH_DATA, VIPER_FS_APPEND, 0},
    {VIPER_FS_TRUNCATE, 0, 1, NO_PATH, 0, 0},
    {VIPER_FS_SHARE, 0, 1, NO_PATH, 0, 0},
    {VIPER_FS_READ_SHARED, 0, 1, NO_PATH, 0, 0},
    {VIPER_FS_WRITE_SHARED, 0, 1, NO_PATH, VIPER_FS_APPEND, 0},
    {VIPER_FS_READDIR, 1, 0, NO_PATH, 0, 0},
};

static const struct op_rule* rule_of(uint32_t op) {
  for (size_t i = 0; i < sizeof(kRules) / sizeof(kRules[0]); ++i) {
    if (kRules[i].op == op) return &kRules[i];
  }
  return 0;
}

static int decode(const struct fsd_conn* conn, const uint8_t* bytes, size_t size,
                  struct decoded* d) {
  if (!bytes || size < HEADER) return -EINVAL;
  memcpy(&d->h, bytes, HEADER);
  const struct op_rule* rule = rule_of(d->h.op);
  if (!rule) return -EINVAL;
  if (!(conn->kind == FSD_CONN_DIR ? rule->on_dir : rule->on_file)) return -EINVAL;
  if (d->h.flags & ~rule->flags) return -EINVAL;
  if (!rule->takes_mode && d->h.mode) return -EINVAL;
  if (d->h.mode & ~PERMISSIONS) return -EINVAL;
  if (d->h.path_bytes > size - HEADER) return -EINVAL;
  d->path = (const char*)bytes + HEADER;
  d->path_len = d->h.path_bytes;
  d->second = 0;
  d->second_len = 0;
  d->data = bytes + HEADER + d->h.path_bytes;
  d->data_len = size - HEADER - d->h.path_bytes;
  if (rule->shape == WITH_DATA) {
    if (d->data_len != d->h.count || d->data_len > VIPER_FS_IO_MAX) return -EINVAL;
  } else if (d->data_len != 0) {
    return -EINVAL; /* bytes the header does not account for */
  }
  if ((rule->shape == NO_PATH || rule->shape == WITH_DATA || conn->kind == FSD_CONN_FILE) &&
      d->path_len != 0)
    return -EINVAL;
  const char* nul = d->path_len ? memchr(d->path, 0, d->path_len) : 0;
  if (rule->shape == TWO_PATHS) {
    if (!nul) return -EINVAL;
    d->second = nul + 1;
    d->second_len = d->path_len - (size_t)(d->second - d->path);
    d->path_len = (size_t)(nul - d->path);
    if (memchr(d->second, 0, d->second_len)) return -EINVAL;
  } else if (nul) {
    return -EINVAL;
  }
  return 0;
}

struct dirent_sink {
  uint8_t* at;
  size_t left;
  uint64_t records;
};

static uint8_t protocol_type(uint8_t ext2_type) {
  switch (ext2_type) {
    case 1:
      return VIPER_FS_TYPE_FILE;
    case 2:
      return VIPER_FS_TYPE_DIR;
    case 7:
      return VIPER_FS_TYPE_SYMLINK;
    default:
      return VIPER_FS_TYPE_UNKNOWN;
  }
}

static int emit_dirent(void* context, uint32_t ino, uint8_t type, const char* name,
                       size_t name_len) {
  struct dirent_sink* sink = context;
  size_t size = (sizeof(struct viper_fs_dirent) + name_len + 7) & ~(size_t)7;
  if (size > sink->left) return 1;
  struct viper_fs_dirent e = {ino, (uint16_t)size, protocol_type(type), (uint8_t)name_len, 0};
  memset(sink->at, 0, size);
  memcpy(sink->at, &e, sizeof(e));
  memcpy(sink->at + sizeof(e), name, name_len);
  sink->at += size;
  sink->left -= size;
  sink->records++;
  return 0;
}

static uint32_t* g_generations;

void fsd_set_generations(uint32_t* slots) { g_generations = slots; }

/* After a change of `ino`'s data, before the reply: release, so a client
 * that sees the new value also sees the data (fs_protocol.h). */
static void bump_generation(uint32_t ino) {
  if (g_generations)
    __atomic_fetch_add(&g_generations[VIPER_FS_GENERATION_SLOT(ino)], 1, __ATOMIC_RELEASE);
}

static int can_read(const struct fsd_conn* c) { return (c->flags & O_ACCMODE) != O_WRONLY; }
static int can_write(const struct fsd_conn* c) { return (c->flags & O_ACCMODE) != O_RDONLY; }

/* Runs a decoded request; the payload goes after the reply header. */
static int64_t run(struct ext2_fs* fs, const struct fsd_conn* conn, const struct decoded* d,
                   struct viper_fs_reply* reply, uint8_t* payload, size_t* payload_len,
                   struct fsd_result* out, int cached_only) {
  int64_t (*read)(struct ext2_fs*, uint32_t, uint64_t, void*, size_t) =
      cached_only ? ext2_read_cached : ext2_read;
  const struct viper_fs_request* h = &d->h;
  const uint32_t here = conn->ino;
  switch (h->op) {
    case VIPER_FS_OPEN: {
      uint32_t ino;
      int is_dir;
      int r = ext2_open(fs, here, d->path, d->path_len, h->flags, h->mode, &ino, &is_dir);
      if (r < 0) return r;
      if (h->flags & O_TRUNC) bump_generation(ino);
      out->has_conn = 1;
      out->conn = (struct fsd_conn){is_dir ? FSD_CONN_DIR : FSD_CONN_FILE, ino,
                                    h->flags & (O_ACCMODE | O_APPEND), 0, 0};
      return is_dir;
    }
    case VIPER_FS_MKDIR:
      return ext2_mkdir(fs, here, d->path, d->path_len, h->mode);
    case VIPER_FS_RMDIR:
      return ext2_rmdir(fs, here, d->path, d->path_len);
    case VIPER_FS_UNLINK:
      return ext2_unlink(fs, here, d->path, d->path_len);
    case VIPER_FS_RENAME:
      return ext2_rename(fs, here, d->path, d->path_len, d->second, d->second_len);
    case VIPER_FS_LINK:
      return ext2_link(fs, here, d->path, d->path_len, d->second, d->second_len);
    case VIPER_FS_SYMLINK:
      return ext2_symlink(fs, here, d->path, d->path_len, d->second, d->second_len);
    case VIPER_FS_READLINK: {
      int64_t n = ext2_readlink(fs, here, d->path, d->path_len, (char*)payload, VIPER_FS_IO_MAX);
      if (n >= 0) *payload_len = (size_t)n;
      return n;
    }
    case VIPER_FS_STATFS: {
      struct viper_fs_statfs s;
      int r = ext2_statfs(fs, &s);
      if (r == 0) memcpy(payload, &s, *payload_len = sizeof(s));
      return r;
    }
    case VIPER_FS_STAT: {
      struct viper_fs_stat s;
      int r = ext2_stat(fs, here, d->path, d->path_len, &s);
      if (r == 0) memcpy(payload, &s, *payload_len = sizeof(s));
      return r;
    }
    case VIPER_FS_CLONE: {
      int r = ext2_ref(fs, here);
      if (r < 0) return r;
      out->has_conn = 1;
      out->conn = *conn;
      out->conn.shared = 0; /* the buffer is the connection's, not the node's */
      out->conn.shared_bytes = 0;
      return conn->kind == FSD_CONN_DIR;
    }
    case VIPER_FS_SYNC:
      return conn->kind == FSD_CONN_FILE ? ext2_fsync(fs, here) : ext2_sync(fs);
    case VIPER_FS_CHMOD:
      return ext2_chmod(fs, here, d->path, d->path_len, h->mode);
    case VIPER_FS_UTIMES:
      return ext2_utimes(fs, here, d->path, d->path_len, (int64_t)h->offset, (int64_t)h->count);
    case VIPER_FS_READ: {
      if (h->count > VIPER_FS_IO_MAX) return -EINVAL;
      if (!can_read(conn)) return -EBADF;
      int64_t n = read(fs, here, h->offset, payload, (size_t)h->count);
      if (n >= 0) *payload_len = (size_t)n;
      return n;
    }
    case VIPER_FS_WRITE: {
      if (!can_write(conn)) return -EBADF;
      int append = (h->flags & VIPER_FS_APPEND) || (conn->flags & O_APPEND);
      uint64_t end = 0;
      int64_t n = ext2_write(fs, here, h->offset, d->data, d->data_len, append, &end);
      bump_generation(here); /* even a failed write may have changed some */
      reply->offset = end;
      return n;
    }
    case VIPER_FS_TRUNCATE: {
      if (!can_write(conn)) return -EBADF;
      int r = ext2_truncate(fs, here, h->offset);
      bump_generation(here);
      return r;
    }
    case VIPER_FS_SHARE:
      return -EINVAL; /* it carries a handle: the server takes it (fsd_share_check) */
    case VIPER_FS_READ_SHARED: {
      if (!conn->shared) return -ENOBUFS;
      if (h->count > conn->shared_bytes) return -EINVAL;
      if (!can_read(conn)) return -EBADF;
      return read(fs, here, h->offset, conn->shared, (size_t)h->count);
    }
    case VIPER_FS_WRITE_SHARED: {
      if (!conn->shared) return -ENOBUFS;
      if (h->count > conn->shared_bytes) return -EINVAL;
      if (!can_write(conn)) return -EBADF;
      int append = (h->flags & VIPER_FS_APPEND) || (conn->flags & O_APPEND);
      uint64_t end = 0;
      int64_t n = ext2_write(fs, here, h->offset, conn->shared, (size_t)h->count, append, &end);
      bump_generation(here);
      reply->offset = end;
      return n;
    }
    case VIPER_FS_READDIR: {
      if (h->count > VIPER_FS_IO_MAX) return -EINVAL;
      struct dirent_sink sink = {payload, (size_t)h->count, 0};
      uint64_t next = 0;
      int r = ext2_readdir(fs, here, h->offset, emit_dirent, &sink, &next);
      if (r < 0) return r;
      reply->offset = next;
      *payload_len = (size_t)h->count - sink.left;
      return (int64_t)sink.records;
    }
    default:
      return -EINVAL;
  }
}

/* Both entry points: with `cached_only` only a READ or READ_SHARED that
 * the cache serves at once is answered (1), anything else is left (0). */
static int dispatch(struct ext2_fs* fs, const struct fsd_conn* conn, const void* request,
                    size_t request_bytes, void* reply_bytes, struct fsd_result* out,
                    int cached_only) {
  struct viper_fs_reply reply = {0, 0, 0, 0};
  uint8_t* payload = (uint8_t*)reply_bytes + sizeof(reply);
  size_t payload_len = 0;
  out->has_conn = 0;
  struct decoded d;
  int64_t r = conn ? decode(conn, request, request_bytes, &d) : -EINVAL;
  if (cached_only && (r < 0 || (d.h.op != VIPER_FS_READ && d.h.op != VIPER_FS_READ_SHARED)))
    return 0;
  if (r == 0) r = run(fs, conn, &d, &reply, payload, &payload_len, out, cached_only);
  if (cached_only && r == -EAGAIN) return 0;
  if (r < 0) {
    reply.status = (int32_t)r;
    payload_len = 0;
  } else {
    reply.value = (uint64_t)r;
  }
  memcpy(reply_bytes, &reply, sizeof(reply));
  out->reply_bytes = sizeof(reply) + payload_len;
  return 1;
}

void fsd_dispatch(struct ext2_fs* fs, const struct fsd_conn* conn, const void* request,
                  size_t request_bytes, void* reply_bytes, struct fsd_result* out) {
  dispatch(fs, conn, request, request_bytes, reply_bytes, out, 0);
}

int fsd_dispatch_cached(struct ext2_fs* fs, const struct fsd_conn* conn, const void* request,
                        size_t request_bytes, void* reply_bytes, struct fsd_result* out) {
  return dispatch(fs, conn, request, request_bytes, reply_bytes, out, 1);
}

int fsd_share_check(const struct fsd_conn* conn, const void* request, size_t request_bytes,
                    size_t handles, int is_vmo, int read_write, uint64_t size) {
  struct decoded d;
  if (!conn || decode(conn, request, request_bytes, &d) < 0) return -EINVAL;
  if (d.h.op != VIPER_FS_SHARE || d.h.offset || d.h.count) return -EINVAL;
  if (handles != 1 || !is_vmo) return -EINVAL;
  if (!read_write) return -EACCES;
  if (size < VIPER_FS_SHARED_MIN || size > VIPER_FS_SHARED_MAX) return -EINVAL;
  return conn->shared ? -EBUSY : 0;
}

int fsd_conn_root(struct ext2_fs* fs, struct fsd_conn* out) {
  uint32_t ino;
  int is_dir;
  int r = ext2_open(fs, EXT2_ROOT_INO_PUBLIC, "", 0, O_RDONLY | O_DIRECTORY, 0, &ino, &is_dir);
  if (r < 0) return r;
  *out = (struct fsd_conn){FSD_CONN_DIR, ino, O_RDONLY, 0, 0};
  return 0;
}

void fsd_conn_close(struct ext2_fs* fs, const struct fsd_conn* conn) { ext2_close(fs, conn->ino); }
