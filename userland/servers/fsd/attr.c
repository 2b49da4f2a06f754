/* Attributes and data of one node: stat, chmod, utimes, and the public
 * read/write/truncate/fsync/readdir, each under the file system's lock. */
#include <string.h>

#include "userland/servers/fsd/ext2_internal.h"

static void fill_stat(struct ext2_fs* fs, struct inode* in, struct viper_fs_stat* out) {
  memset(out, 0, sizeof(*out));
  out->ino = in->ino;
  out->size = inode_size(fs, in);
  out->blocks = le32(in->raw + I_BLOCKS);
  out->mode = inode_mode(in);
  out->nlink = inode_links(in);
  out->uid = le16(in->raw + I_UID) | (uint32_t)le16(in->raw + I_UID_HIGH) << 16;
  out->gid = le16(in->raw + I_GID) | (uint32_t)le16(in->raw + I_GID_HIGH) << 16;
  out->block_size = fs->block_size;
  out->atime_ns = inode_time(fs, in, I_ATIME);
  out->mtime_ns = inode_time(fs, in, I_MTIME);
  out->ctime_ns = inode_time(fs, in, I_CTIME);
}

/* Runs `fn` on the inode `path` names, under the lock. */
typedef int (*inode_fn)(struct ext2_fs* fs, struct inode* in, void* arg);
static int on_path(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len, int writes,
                   inode_fn fn, void* arg) {
  fs_mutex_lock(&fs->lock);
  uint32_t ino;
  struct inode in;
  int r = writes && fs->read_only ? -EROFS : path_resolve(fs, dir, path, len, &ino);
  if (r == 0) r = inode_get(fs, ino, &in);
  if (r == 0) {
    r = fn(fs, &in, arg);
    inode_put(fs, &in);
  }
  fs_mutex_unlock(&fs->lock);
  return r;
}

static int do_stat(struct ext2_fs* fs, struct inode* in, void* arg) FS_NO_ANALYSIS {
  fill_stat(fs, in, arg);
  return 0;
}

int ext2_stat(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len,
              struct viper_fs_stat* out) {
  if (!out) return -EINVAL;
  return on_path(fs, dir, path, len, 0, do_stat, out);
}

static int do_chmod(struct ext2_fs* fs, struct inode* in, void* arg) FS_NO_ANALYSIS {
  uint32_t mode = *(const uint32_t*)arg;
  put16(in->raw + I_MODE, (uint16_t)((inode_mode(in) & EXT2_S_IFMT) | (mode & 07777)));
  inode_set_time(fs, in, I_CTIME, fs_now(fs));
  inode_dirty(fs, in);
  return 0;
}

int ext2_chmod(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len, uint32_t mode) {
  if (mode & ~07777u) return -EINVAL;
  return on_path(fs, dir, path, len, 1, do_chmod, &mode);
}

static int do_utimes(struct ext2_fs* fs, struct inode* in, void* arg) FS_NO_ANALYSIS {
  const int64_t* times = arg;
  inode_set_time(fs, in, I_ATIME, times[0]);
  inode_set_time(fs, in, I_MTIME, times[1]);
  inode_set_time(fs, in, I_CTIME, fs_now(fs));
  inode_dirty(fs, in);
  return 0;
}

int ext2_utimes(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len, int64_t atime_ns,
                int64_t mtime_ns) {
  int64_t times[2] = {atime_ns, mtime_ns};
  return on_path(fs, dir, path, len, 1, do_utimes, times);
}

/* The inode of an open file: held open, and a regular file. */
static int open_file(struct ext2_fs* fs, uint32_t ino, struct inode* in) FS_REQUIRES(fs->lock) {
  if (!open_refs(fs, ino)) return -EBADF;
  TRY(inode_get(fs, ino, in));
  if ((inode_mode(in) & EXT2_S_IFMT) != EXT2_S_IFREG) {
    inode_put(fs, in);
    return -EISDIR;
  }
  return 0;
}

static int64_t read_locked(struct ext2_fs* fs, uint32_t ino, uint64_t offset, void* buffer,
                           size_t count) FS_REQUIRES(fs->lock);

int64_t ext2_read(struct ext2_fs* fs, uint32_t ino, uint64_t offset, void* buffer, size_t count) {
  if (!buffer && count) return -EINVAL;
  fs_mutex_lock(&fs->lock);
  int64_t r = read_locked(fs, ino, offset, buffer, count);
  fs_mutex_unlock(&fs->lock);
  return r;
}

int64_t ext2_read_cached(struct ext2_fs* fs, uint32_t ino, uint64_t offset, void* buffer,
                         size_t count) {
  if (!buffer && count) return -EINVAL;
  if (!fs_mutex_trylock(&fs->lock)) return -EAGAIN;
  fs->cached_only = 1;
  int64_t r = read_locked(fs, ino, offset, buffer, count);
  fs->cached_only = 0;
  fs_mutex_unlock(&fs->lock);
  return r;
}

static int64_t read_locked(struct ext2_fs* fs, uint32_t ino, uint64_t offset, void* buffer,
                           size_t count) {
  struct inode in;
  int64_t r = open_file(fs, ino, &in);
  if (r == 0) {
    r = file_read(fs, &in, offset, buffer, count);
    /* relatime-like: atime moves only when it is older than the mtime. */
    if (r > 0 && !fs->read_only && inode_time(fs, &in, I_ATIME) < inode_time(fs, &in, I_MTIME)) {
      inode_set_time(fs, &in, I_ATIME, fs_now(fs));
      inode_dirty(fs, &in);
    }
    inode_put(fs, &in);
  }
  return r;
}

int64_t ext2_write(struct ext2_fs* fs, uint32_t ino, uint64_t offset, const void* data,
                   size_t count, int append, uint64_t* end) {
  if (!data && count) return -EINVAL;
  fs_mutex_lock(&fs->lock);
  struct inode in;
  int64_t r = fs->read_only ? -EROFS : open_file(fs, ino, &in);
  if (r == 0) {
    if (append) offset = inode_size(fs, &in);
    r = count ? file_write(fs, &in, offset, data, count) : 0;
    if (r >= 0 && end) *end = offset + (uint64_t)r;
    inode_put(fs, &in);
  }
  fs_mutex_unlock(&fs->lock);
  return r;
}

int ext2_truncate(struct ext2_fs* fs, uint32_t ino, uint64_t size) {
  fs_mutex_lock(&fs->lock);
  struct inode in;
  int r = fs->read_only ? -EROFS : open_file(fs, ino, &in);
  if (r == 0) {
    r = file_truncate(fs, &in, size);
    inode_put(fs, &in);
  }
  fs_mutex_unlock(&fs->lock);
  return r;
}

/* An indirect block `level` levels above the data, and those below it. */
static int write_tree(struct ext2_fs* fs, uint32_t block, int level) FS_REQUIRES(fs->lock) {
  if (block == 0) return 0;
  TRY(cache_write_block(fs, block));
  if (level == 1) return 0;
  int err = 0;
  struct cblock* b = cache_get(fs, block, &err);
  if (!b) return err;
  int r = 0;
  for (uint32_t i = 0; i < fs->per_block && r == 0; ++i)
    r = write_tree(fs, le32(b->data + 4 * i), level - 1);
  cache_put(fs, b);
  return r;
}

/* The file's blocks (data and indirect) reach the disk. */
static int write_file_blocks(struct ext2_fs* fs, struct inode* in) FS_REQUIRES(fs->lock) {
  uint64_t blocks = (inode_size(fs, in) + fs->block_size - 1) / fs->block_size;
  uint32_t start = 0, run = 0; /* contiguous on the disk: one request */
  for (uint64_t i = 0; i < blocks; ++i) {
    uint32_t block;
    TRY(inode_bmap(fs, in, i, 0, &block));
    if (run && block == start + run) {
      ++run;
      continue;
    }
    if (run) TRY(cache_write_range(fs, start, run));
    start = block;
    run = block ? 1 : 0;
  }
  if (run) TRY(cache_write_range(fs, start, run));
  /* Indirect blocks, every level. */
  for (int i = EXT2_IND_BLOCK; i < EXT2_N_BLOCKS; ++i)
    TRY(write_tree(fs, le32(in->raw + I_BLOCK + 4 * i), i - EXT2_IND_BLOCK + 1));
  return 0;
}

int ext2_fsync(struct ext2_fs* fs, uint32_t ino) {
  fs_mutex_lock(&fs->lock);
  struct inode in;
  int r = fs->read_only ? 0 : !open_refs(fs, ino) ? -EBADF : inode_get(fs, ino, &in);
  if (r == 0 && !fs->read_only) {
    /* The file's blocks, then its inode's, then the device's cache. The
     * bitmaps and descriptors may lag (e2fsck repairs those); sync writes
     * them. */
    r = write_file_blocks(fs, &in);
    if (r == 0) r = cache_write_block(fs, in.b->block);
    inode_put(fs, &in);
    if (r == 0) r = fs->dev.flush(fs->dev.context);
  }
  fs_mutex_unlock(&fs->lock);
  return r;
}

int ext2_readdir(struct ext2_fs* fs, uint32_t dir, uint64_t cookie, ext2_emit_fn emit,
                 void* context, uint64_t* next) {
  if (!emit || !next) return -EINVAL;
  fs_mutex_lock(&fs->lock);
  struct inode in;
  int r = inode_get(fs, dir, &in);
  if (r == 0) {
    r = inode_is_dir(&in) ? dir_iterate(fs, &in, cookie, emit, context, next) : -ENOTDIR;
    inode_put(fs, &in);
  }
  fs_mutex_unlock(&fs->lock);
  return r;
}
