/* memfsd: a test stand-in for fsd — the protocol of
 * <viperdos/fs_protocol.h> served from memory, one thread, every
 * connection in one pollset — so libc's client (and bin/files_test) can
 * run before the kernel has a disk driver (//kernel:files_memfs_test). It
 * starts with the tree of //userland/disk (lost+found, etc/motd,
 * home/user, tmp) and POSIX's answers (Linux's where POSIX leaves a
 * choice). Nodes are never freed: a test server lives for one boot.
 *
 * Its bootstrap channel is its first connection: the root directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <viperdos/fs_protocol.h>
#include <viperdos/viper.h>

#define MAX_NODES 4096
#define MAX_CONNS 256
#define MESSAGE_MAX (sizeof(struct viper_fs_request) + 2 * VIPER_FS_PATH_MAX + 2 + VIPER_FS_IO_MAX)

struct entry {
  char* name;
  int ino;
};

struct node {
  uint32_t mode; /* S_IF* | bits; 0: unused */
  uint32_t nlink;
  int64_t atime, mtime, ctime;
  unsigned char* data; /* a file's bytes, a symlink's target */
  size_t size, capacity;
  struct entry* entries; /* a directory's */
  int count, room;
  int parent;
};

static struct node nodes[MAX_NODES];
static int node_count = 1; /* 0 is no node */
static struct {
  viper_handle_t channel;
  int ino;
} conns[MAX_CONNS];
static viper_handle_t pollset;

static int64_t now(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int is_dir(int ino) { return S_ISDIR(nodes[ino].mode); }

static int new_node(uint32_t mode, int parent) {
  if (node_count == MAX_NODES) return -ENOSPC;
  const int ino = node_count++;
  nodes[ino] = (struct node){.mode = mode, .nlink = S_ISDIR(mode) ? 2 : 1, .parent = parent};
  nodes[ino].atime = nodes[ino].mtime = nodes[ino].ctime = now();
  return ino;
}

static int find(int dir, const char* name) {
  for (int i = 0; i < nodes[dir].count; ++i) {
    if (strcmp(nodes[dir].entries[i].name, name) == 0) return i;
  }
  return -1;
}

static int add_entry(int dir, const char* name, int ino) {
  struct node* d = &nodes[dir];
  if (d->count == d->room) {
    const int room = d->room ? d->room * 2 : 8;
    struct entry* grown = realloc(d->entries, (size_t)room * sizeof(*grown));
    if (!grown) return -ENOSPC;
    d->entries = grown;
    d->room = room;
  }
  d->entries[d->count].name = strdup(name);
  d->entries[d->count++].ino = ino;
  if (is_dir(ino)) {
    nodes[ino].parent = dir;
    ++d->nlink;
  }
  d->mtime = now();
  return 0;
}

static void remove_entry(int dir, int index) {
  struct node* d = &nodes[dir];
  if (is_dir(d->entries[index].ino)) --d->nlink;
  free(d->entries[index].name);
  d->entries[index] = d->entries[--d->count];
  d->mtime = now();
}

/* Walks `path` (n bytes) from `dir`: the parent of its last component in
 * *parent, the last component in `last`, its node (0 if missing) in *ino.
 * An empty path is `dir` itself (*parent 0). */
static int walk(int dir, const char* path, size_t n, int* parent, char last[256], int* ino) {
  *parent = 0;
  *ino = dir;
  last[0] = 0;
  size_t at = 0;
  while (at < n) {
    size_t end = at;
    while (end < n && path[end] != '/') ++end;
    const size_t length = end - at;
    if (length == 0 || memchr(path + at, 0, length)) return -EINVAL;
    if (length > VIPER_FS_NAME_MAX) return -ENAMETOOLONG;
    if ((length == 1 && path[at] == '.') || (length == 2 && !memcmp(path + at, "..", 2))) {
      return -EINVAL;
    }
    if (*ino == 0) return -ENOENT;
    if (!is_dir(*ino)) return -ENOTDIR;
    *parent = *ino;
    memcpy(last, path + at, length);
    last[length] = 0;
    const int i = find(*ino, last);
    *ino = i < 0 ? 0 : nodes[*ino].entries[i].ino;
    at = end + 1;
    if (end < n && end + 1 == n) return -EINVAL; /* a trailing slash: an empty component */
  }
  return 0;
}

/* A symlink's target, one level, from its directory. */
static int follow(int parent, int ino) {
  if (!S_ISLNK(nodes[ino].mode)) return ino;
  const struct node* l = &nodes[ino];
  int p, target;
  char last[256];
  const char* t = (const char*)l->data;
  if (l->size && t[0] == '/') return 0; /* absolute targets: not in a test server */
  if (walk(parent, t, l->size, &p, last, &target) != 0) return 0;
  return target;
}

static int new_conn(int ino, viper_handle_t* out) {
  for (int i = 1; i < MAX_CONNS; ++i) {
    if (conns[i].channel) continue;
    viper_handle_t ends[2];
    if (viper_channel_create(ends) < 0) return -ENOSPC;
    conns[i].channel = ends[0];
    conns[i].ino = ino;
    viper_pollset_add(pollset, ends[0], VIPER_SIGNAL_READABLE | VIPER_SIGNAL_PEER_CLOSED,
                      (uint64_t)i);
    *out = ends[1];
    return 0;
  }
  return -ENFILE;
}

static void fill_stat(int ino, struct viper_fs_stat* s) {
  const struct node* n = &nodes[ino];
  *s = (struct viper_fs_stat){.ino = (uint64_t)ino,
                              .size = is_dir(ino) ? 1024 : n->size,
                              .blocks = (n->size + 511) / 512,
                              .mode = n->mode,
                              .nlink = n->nlink,
                              .block_size = 1024,
                              .atime_ns = n->atime,
                              .mtime_ns = n->mtime,
                              .ctime_ns = n->ctime};
}

static int grow(struct node* n, size_t size) {
  if (size > n->capacity) {
    size_t capacity = n->capacity ? n->capacity : 64;
    while (capacity < size) capacity *= 2;
    unsigned char* data = realloc(n->data, capacity);
    if (!data) return -ENOSPC;
    memset(data + n->capacity, 0, capacity - n->capacity);
    n->data = data;
    n->capacity = capacity;
  }
  if (size > n->size) memset(n->data + n->size, 0, size - n->size);
  n->size = size;
  return 0;
}

/* Whether `ino` is `dir` or below it. */
static int within(int ino, int dir) {
  for (int at = ino; at; at = at == nodes[at].parent ? 0 : nodes[at].parent) {
    if (at == dir) return 1;
  }
  return 0;
}

static int do_rename(int dir, const char* a, size_t an, const char* b, size_t bn) {
  int op, oi, np, ni;
  char oname[256], nname[256];
  int r = walk(dir, a, an, &op, oname, &oi);
  if (r == 0) r = walk(dir, b, bn, &np, nname, &ni);
  if (r != 0) return r;
  if (!oi || !op) return op ? -ENOENT : -EBUSY;
  if (!np) return -EBUSY;
  if (is_dir(oi) && within(np, oi)) return -EINVAL;
  if (ni == oi) return 0;
  if (ni) {
    if (is_dir(oi) && !is_dir(ni)) return -ENOTDIR;
    if (!is_dir(oi) && is_dir(ni)) return -EISDIR;
    if (is_dir(ni) && nodes[ni].count) return -ENOTEMPTY;
    remove_entry(np, find(np, nname));
    --nodes[ni].nlink;
  }
  remove_entry(op, find(op, oname));
  return add_entry(np, nname, oi);
}

static int readdir_records(int ino, uint64_t cookie, size_t capacity, unsigned char* out,
                           size_t* bytes, uint64_t* next, uint64_t* records) {
  const struct node* d = &nodes[ino];
  *bytes = 0;
  *records = 0;
  *next = 0;
  for (uint64_t i = cookie; i < (uint64_t)d->count; ++i) {
    const struct entry* e = &d->entries[i];
    const size_t name = strlen(e->name);
    const size_t size = (sizeof(struct viper_fs_dirent) + name + 7) & ~(size_t)7;
    if (*bytes + size > capacity) {
      *next = i;
      return *records ? 0 : -EINVAL;
    }
    const uint32_t m = nodes[e->ino].mode;
    struct viper_fs_dirent r = {.ino = (uint64_t)e->ino,
                                .record_bytes = (uint16_t)size,
                                .type = S_ISDIR(m)   ? VIPER_FS_TYPE_DIR
                                        : S_ISLNK(m) ? VIPER_FS_TYPE_SYMLINK
                                                     : VIPER_FS_TYPE_FILE,
                                .name_bytes = (uint8_t)name};
    memset(out + *bytes, 0, size);
    memcpy(out + *bytes, &r, sizeof(r));
    memcpy(out + *bytes + sizeof(r), e->name, name);
    *bytes += size;
    ++*records;
  }
  return 0;
}

/* One request of connection `c`: the reply's header, payload and handle. */
static void serve(int c, const unsigned char* m, size_t size, struct viper_fs_reply* reply,
                  unsigned char* payload, size_t* payload_bytes, viper_handle_t* handle) {
  struct viper_fs_request q;
  *payload_bytes = 0;
  *handle = 0;
  reply->status = -EINVAL;
  if (size < sizeof(q)) return;
  memcpy(&q, m, sizeof(q));
  if (q.path_bytes > size - sizeof(q)) return;
  const char* path = (const char*)m + sizeof(q);
  const size_t extra = size - sizeof(q) - q.path_bytes;
  const int self = conns[c].ino;
  if (q.op != VIPER_FS_WRITE && extra) return;
  const int file_op = q.op == VIPER_FS_READ || q.op == VIPER_FS_WRITE || q.op == VIPER_FS_TRUNCATE;
  if (file_op != !is_dir(self) && (file_op || q.op < 16 || q.op == VIPER_FS_READDIR)) return;
  int parent, ino;
  char last[256];
  const char* nul = memchr(path, 0, q.path_bytes);
  const int two = q.op == VIPER_FS_RENAME || q.op == VIPER_FS_LINK || q.op == VIPER_FS_SYMLINK;
  int r = two ? 0 : walk(self, path, q.path_bytes, &parent, last, &ino);
  if (r) {
    reply->status = r;
    return;
  }
  struct node* n = two ? 0 : &nodes[ino];
  switch (q.op) {
    case VIPER_FS_OPEN: {
      const int creating = !ino && (q.flags & O_CREAT);
      if (!ino && !creating) r = -ENOENT;
      if (ino && (q.flags & O_CREAT) && (q.flags & O_EXCL)) r = -EEXIST;
      if (!r && creating) {
        ino = new_node(S_IFREG | (q.mode & 07777), parent);
        r = ino < 0 ? ino : add_entry(parent, last, ino);
      }
      if (!r && S_ISLNK(nodes[ino].mode)) ino = follow(parent, ino);
      if (!r && !ino) r = -ENOENT;
      if (!r && is_dir(ino) && (q.flags & O_ACCMODE) != O_RDONLY) r = -EISDIR;
      if (!r && !is_dir(ino) && (q.flags & O_DIRECTORY)) r = -ENOTDIR;
      if (!r && !is_dir(ino) && (q.flags & O_TRUNC) && (q.flags & O_ACCMODE) != O_RDONLY) {
        nodes[ino].size = 0; /* REL-006 */
        nodes[ino].mtime = now();
      }
      if (!r) r = new_conn(ino, handle);
      reply->value = !r && is_dir(ino);
      break;
    }
    case VIPER_FS_MKDIR:
      r = ino ? -EEXIST : new_node(S_IFDIR | (q.mode & 07777), parent);
      if (r > 0) r = add_entry(parent, last, r);
      break;
    case VIPER_FS_RMDIR:
      r = !ino ? -ENOENT : !parent ? -EBUSY : !is_dir(ino) ? -ENOTDIR : n->count ? -ENOTEMPTY : 0;
      if (!r) remove_entry(parent, find(parent, last));
      break;
    case VIPER_FS_UNLINK:
      r = !ino ? -ENOENT : is_dir(ino) ? -EISDIR : 0;
      if (!r) {
        remove_entry(parent, find(parent, last));
        --n->nlink;
        n->ctime = now();
      }
      break;
    case VIPER_FS_RENAME:
    case VIPER_FS_LINK:
    case VIPER_FS_SYMLINK: {
      if (!nul) break;
      const size_t an = (size_t)(nul - path), bn = q.path_bytes - an - 1;
      if (q.op == VIPER_FS_RENAME) {
        r = do_rename(self, path, an, nul + 1, bn);
        break;
      }
      int np, ni, op2 = 0, oi = 0;
      r = walk(self, nul + 1, bn, &np, last, &ni);
      if (!r && q.op == VIPER_FS_LINK) r = walk(self, path, an, &op2, (char[256]){0}, &oi);
      if (!r && q.op == VIPER_FS_LINK) r = !oi ? -ENOENT : is_dir(oi) ? -EPERM : 0;
      if (!r && ni) r = -EEXIST;
      if (!r && !np) r = -EEXIST;
      if (r) break;
      if (q.op == VIPER_FS_LINK) {
        ++nodes[oi].nlink;
        r = add_entry(np, last, oi);
        break;
      }
      ni = new_node(S_IFLNK | 0777, np);
      r = ni < 0 ? ni : grow(&nodes[ni], an);
      if (!r) memcpy(nodes[ni].data, path, an);
      if (!r) r = add_entry(np, last, ni);
      break;
    }
    case VIPER_FS_READLINK:
      r = !ino ? -ENOENT : !S_ISLNK(n->mode) ? -EINVAL : 0;
      if (!r) memcpy(payload, n->data, *payload_bytes = n->size);
      break;
    case VIPER_FS_STATFS: {
      const struct viper_fs_statfs s = {
          1024, 32768, 32768 - (uint64_t)node_count, MAX_NODES, MAX_NODES - (uint64_t)node_count,
          0,    0};
      memcpy(payload, &s, *payload_bytes = sizeof(s));
      r = 0;
      break;
    }
    case VIPER_FS_STAT:
      if (ino && parent && !(q.flags & VIPER_FS_NOFOLLOW)) ino = follow(parent, ino);
      r = ino ? 0 : -ENOENT;
      if (!r) {
        struct viper_fs_stat s;
        fill_stat(ino, &s);
        memcpy(payload, &s, *payload_bytes = sizeof(s));
      }
      break;
    case VIPER_FS_CLONE:
      r = q.path_bytes ? -EINVAL : new_conn(self, handle);
      break;
    case VIPER_FS_SYNC:
      r = 0;
      break;
    case VIPER_FS_CHMOD:
      r = ino ? 0 : -ENOENT;
      if (!r) n->mode = (n->mode & ~07777u) | (q.mode & 07777);
      break;
    case VIPER_FS_UTIMES:
      r = ino ? 0 : -ENOENT;
      if (!r) {
        n->atime = (int64_t)q.offset;
        n->mtime = (int64_t)q.count;
      }
      break;
    case VIPER_FS_READ:
      if (q.count > VIPER_FS_IO_MAX) break;
      r = 0;
      if (q.offset < n->size) {
        *payload_bytes = n->size - q.offset < q.count ? n->size - q.offset : q.count;
        memcpy(payload, n->data + q.offset, *payload_bytes);
      }
      reply->value = *payload_bytes;
      break;
    case VIPER_FS_WRITE: {
      if (extra != q.count || extra > VIPER_FS_IO_MAX) break;
      const uint64_t at = (q.flags & VIPER_FS_APPEND) ? n->size : q.offset;
      r = at + extra > n->size ? grow(n, at + extra) : 0;
      if (!r) memcpy(n->data + at, path + q.path_bytes, extra);
      n->mtime = now();
      reply->value = extra;
      reply->offset = at + extra;
      break;
    }
    case VIPER_FS_TRUNCATE:
      r = grow(n, q.offset);
      n->size = q.offset;
      break;
    case VIPER_FS_READDIR: {
      size_t bytes;
      uint64_t next, records;
      if (q.count > VIPER_FS_IO_MAX) break;
      r = readdir_records(ino, q.offset, q.count, payload, &bytes, &next, &records);
      *payload_bytes = r ? 0 : bytes;
      reply->value = records;
      reply->offset = next;
      break;
    }
    default:
      r = -EINVAL;
  }
  reply->status = r;
  if (r) *payload_bytes = 0;
}

static void put(const char* dir_path, const char* name, uint32_t mode, const char* text) {
  int parent, ino;
  char last[256];
  walk(1, dir_path, strlen(dir_path), &parent, last, &ino);
  const int child = new_node(mode, ino);
  add_entry(ino, name, child);
  if (text) {
    grow(&nodes[child], strlen(text));
    memcpy(nodes[child].data, text, strlen(text));
  }
}

int main(void) {
  const viper_handle_t bootstrap = viper_bootstrap_handle();
  if (!bootstrap) return 2;
  pollset = (viper_handle_t)viper_pollset_create();
  new_node(S_IFDIR | 0755, 1); /* 1: the root */
  put("", "lost+found", S_IFDIR | 0700, 0);
  put("", "etc", S_IFDIR | 0755, 0);
  put("etc", "motd", S_IFREG | 0644, "Welcome to ViperDOS (memfsd).\n");
  put("", "home", S_IFDIR | 0755, 0);
  put("home", "user", S_IFDIR | 0755, 0);
  put("", "tmp", S_IFDIR | 0777, 0);
  conns[0].channel = bootstrap;
  conns[0].ino = 1;
  viper_pollset_add(pollset, bootstrap, VIPER_SIGNAL_READABLE | VIPER_SIGNAL_PEER_CLOSED, 0);
  unsigned char* in = malloc(MESSAGE_MAX);
  unsigned char* out = malloc(sizeof(struct viper_fs_reply) + VIPER_FS_IO_MAX);
  for (;;) {
    struct viper_poll_event events[16];
    const int64_t n = viper_pollset_wait(pollset, events, 16, VIPER_DEADLINE_NEVER);
    for (int64_t e = 0; e < n; ++e) {
      const int c = (int)events[e].key;
      for (;;) {
        viper_handle_t handles[1];
        struct viper_message m = {in, 0, MESSAGE_MAX, handles, 0, 1};
        const int64_t got = viper_channel_read(conns[c].channel, &m, 0);
        if (got < 0) {
          if (got == VIPER_ERR_PEER_CLOSED) { /* the client is gone (else: nothing queued) */
            viper_pollset_remove(pollset, conns[c].channel);
            viper_handle_close(conns[c].channel);
            conns[c].channel = 0;
            if (c == 0) return 0; /* the root's owner is gone: so is the file system */
          }
          break;
        }
        for (uint64_t h = 0; h < m.handle_count; ++h) viper_handle_close(handles[h]);
        struct viper_fs_reply reply = {0};
        size_t payload = 0;
        viper_handle_t handle = 0;
        serve(c, in, (size_t)got, &reply, out + sizeof(reply), &payload, &handle);
        memcpy(out, &reply, sizeof(reply));
        const int64_t sent = viper_channel_write(conns[c].channel, out, sizeof(reply) + payload,
                                                 &handle, handle ? 1 : 0);
        if (sent < 0 && handle) viper_handle_close(handle); /* the client is gone */
      }
    }
  }
}
