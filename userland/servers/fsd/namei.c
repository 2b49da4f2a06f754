/* The namespace operations: open (and create), mkdir, rmdir, unlink, link,
 * symlink, readlink. Each takes the file system's lock for its whole run. */
#include <fcntl.h>
#include <string.h>

#include "userland/servers/fsd/ext2_internal.h"

#define PERMISSIONS 07777

static int open_locked(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len,
                       uint32_t flags, uint32_t mode, uint32_t* ino, int* is_dir)
    FS_REQUIRES(fs->lock) {
  struct walk w;
  TRY(path_walk(fs, dir, path, len, &w));
  uint32_t target = w.parent;
  int r = 0;
  if (w.len) {
    struct inode parent;
    TRY(inode_get(fs, w.parent, &parent));
    r = dir_lookup(fs, &parent, w.name, w.len, &target);
    inode_put(fs, &parent);
  }
  const int writes = (flags & O_ACCMODE) != O_RDONLY;
  if (r == -ENOENT && (flags & O_CREAT)) {
    if (flags & O_DIRECTORY) return -EINVAL;
    struct inode created;
    TRY(node_create(fs, &w, (uint16_t)(EXT2_S_IFREG | (mode & PERMISSIONS)), &created));
    target = created.ino;
    inode_put(fs, &created);
  } else if (r < 0) {
    return r;
  } else if ((flags & O_CREAT) && (flags & O_EXCL)) {
    return -EEXIST;
  }
  struct inode in;
  TRY(inode_get(fs, target, &in));
  uint16_t type = inode_mode(&in) & EXT2_S_IFMT;
  r = 0;
  if (type == EXT2_S_IFLNK) {
    r = -ELOOP;
  } else if (type == EXT2_S_IFDIR) {
    if (writes || (flags & O_TRUNC)) r = -EISDIR;
  } else if (flags & O_DIRECTORY) {
    r = -ENOTDIR;
  } else if (type != EXT2_S_IFREG) {
    r = -ENXIO; /* devices, fifos, sockets: not served by fsd */
  }
  if (r == 0 && fs->read_only && (writes || (flags & O_TRUNC))) r = -EROFS;
  /* REL-006: O_TRUNC empties the file, so a short file written over a long
   * one keeps none of its old tail. */
  if (r == 0 && (flags & O_TRUNC) && inode_size(fs, &in) > 0) r = file_truncate(fs, &in, 0);
  if (r == 0) r = open_ref_add(fs, target);
  if (r == 0) {
    *ino = target;
    *is_dir = type == EXT2_S_IFDIR;
  }
  inode_put(fs, &in);
  return r;
}

int ext2_open(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len, uint32_t flags,
              uint32_t mode, uint32_t* ino, int* is_dir) {
  if (!ino || !is_dir) return -EINVAL;
  fs_mutex_lock(&fs->lock);
  int r = open_locked(fs, dir, path, len, flags, mode, ino, is_dir);
  fs_mutex_unlock(&fs->lock);
  return r;
}

int ext2_mkdir(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len, uint32_t mode) {
  fs_mutex_lock(&fs->lock);
  struct walk w;
  int r = path_walk(fs, dir, path, len, &w);
  struct inode created;
  if (r == 0) r = node_create(fs, &w, (uint16_t)(EXT2_S_IFDIR | (mode & PERMISSIONS)), &created);
  if (r == 0) inode_put(fs, &created);
  fs_mutex_unlock(&fs->lock);
  return r;
}

/* Drops one link of `ino` (its directory entry is gone already). */
static int drop_link(struct ext2_fs* fs, struct inode* in, int all) FS_REQUIRES(fs->lock) {
  uint16_t links = inode_links(in);
  put16(in->raw + I_LINKS, all || links == 0 ? 0 : (uint16_t)(links - 1));
  inode_set_time(fs, in, I_CTIME, fs_now(fs));
  inode_dirty(fs, in);
  return inode_links(in) == 0 ? inode_release_if_unused(fs, in->ino) : 0;
}

/* Removes the entry the path names: a directory (rmdir) or not (unlink). */
static int remove_locked(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len,
                         int want_dir) FS_REQUIRES(fs->lock) {
  if (fs->read_only) return -EROFS;
  struct walk w;
  TRY(path_walk(fs, dir, path, len, &w));
  if (w.len == 0) return want_dir ? -EBUSY : -EISDIR;
  struct inode parent, child;
  TRY(inode_get(fs, w.parent, &parent));
  uint32_t ino;
  int r = dir_lookup(fs, &parent, w.name, w.len, &ino);
  if (r == 0) r = ino == EXT2_ROOT_INO ? -EBUSY : inode_get(fs, ino, &child);
  if (r < 0) {
    inode_put(fs, &parent);
    return r;
  }
  int is_dir = inode_is_dir(&child);
  if (want_dir && !is_dir) r = -ENOTDIR;
  if (!want_dir && is_dir) r = -EISDIR;
  if (r == 0 && is_dir) {
    r = dir_is_empty(fs, &child);
    r = r < 0 ? r : r ? 0 : -ENOTEMPTY;
  }
  if (r == 0) r = dir_remove(fs, &parent, w.name, w.len);
  if (r == 0 && is_dir) { /* its ".." no longer counts */
    put16(parent.raw + I_LINKS, (uint16_t)(inode_links(&parent) - 1));
    inode_dirty(fs, &parent);
  }
  if (r == 0) r = drop_link(fs, &child, is_dir);
  inode_put(fs, &child);
  inode_put(fs, &parent);
  return r;
}

int ext2_rmdir(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len) {
  fs_mutex_lock(&fs->lock);
  int r = remove_locked(fs, dir, path, len, 1);
  fs_mutex_unlock(&fs->lock);
  return r;
}

int ext2_unlink(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len) {
  fs_mutex_lock(&fs->lock);
  int r = remove_locked(fs, dir, path, len, 0);
  fs_mutex_unlock(&fs->lock);
  return r;
}

static int link_locked(struct ext2_fs* fs, uint32_t dir, const char* from, size_t from_len,
                       const char* to, size_t to_len) FS_REQUIRES(fs->lock) {
  if (fs->read_only) return -EROFS;
  uint32_t ino;
  TRY(path_resolve(fs, dir, from, from_len, &ino));
  struct walk w;
  TRY(path_walk(fs, dir, to, to_len, &w));
  if (w.len == 0) return -EEXIST;
  struct inode in, parent;
  TRY(inode_get(fs, ino, &in));
  int r = inode_is_dir(&in) ? -EPERM : inode_links(&in) >= EXT2_LINK_MAX ? -EMLINK : 0;
  if (r == 0) r = inode_get(fs, w.parent, &parent);
  if (r == 0) {
    uint32_t existing;
    r = dir_lookup(fs, &parent, w.name, w.len, &existing);
    r = r == 0 ? -EEXIST : r == -ENOENT ? 0 : r;
    if (r == 0) r = dir_add(fs, &parent, w.name, w.len, ino, dir_type_of_mode(inode_mode(&in)));
    if (r == 0) {
      put16(in.raw + I_LINKS, (uint16_t)(inode_links(&in) + 1));
      inode_set_time(fs, &in, I_CTIME, fs_now(fs));
      inode_dirty(fs, &in);
    }
    inode_put(fs, &parent);
  }
  inode_put(fs, &in);
  return r;
}

int ext2_link(struct ext2_fs* fs, uint32_t dir, const char* from, size_t from_len, const char* to,
              size_t to_len) {
  fs_mutex_lock(&fs->lock);
  int r = link_locked(fs, dir, from, from_len, to, to_len);
  fs_mutex_unlock(&fs->lock);
  return r;
}

int ext2_symlink(struct ext2_fs* fs, uint32_t dir, const char* target, size_t target_len,
                 const char* path, size_t len) {
  if (target_len == 0 || !target || target_len >= VIPER_FS_PATH_MAX ||
      memchr(target, 0, target_len))
    return -EINVAL;
  fs_mutex_lock(&fs->lock);
  struct walk w;
  int r = path_walk(fs, dir, path, len, &w);
  struct inode in;
  if (r == 0) r = node_create(fs, &w, EXT2_S_IFLNK | 0777, &in);
  if (r == 0) {
    if (target_len <= EXT2_FAST_SYMLINK_MAX) { /* a fast symlink: in i_block */
      memcpy(in.raw + I_BLOCK, target, target_len);
      inode_set_size(fs, &in, target_len);
      inode_dirty(fs, &in);
    } else {
      int64_t n = file_write(fs, &in, 0, target, target_len);
      r = n < 0 ? (int)n : 0;
    }
    inode_put(fs, &in);
  }
  fs_mutex_unlock(&fs->lock);
  return r;
}

int64_t ext2_readlink(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len, char* buffer,
                      size_t capacity) {
  if (!buffer && capacity) return -EINVAL;
  fs_mutex_lock(&fs->lock);
  uint32_t ino;
  struct inode in;
  int64_t r = path_resolve(fs, dir, path, len, &ino);
  if (r == 0) r = inode_get(fs, ino, &in);
  if (r == 0) {
    uint64_t size = inode_size(fs, &in);
    if ((inode_mode(&in) & EXT2_S_IFMT) != EXT2_S_IFLNK) {
      r = -EINVAL;
    } else if (size >= VIPER_FS_PATH_MAX) {
      r = -EIO;
    } else if (inode_is_fast_symlink(fs, &in)) {
      if (size > EXT2_N_BLOCKS * 4) {
        r = -EIO;
      } else {
        memcpy(buffer, in.raw + I_BLOCK, size < capacity ? size : capacity);
        r = (int64_t)size;
      }
    } else {
      char target[VIPER_FS_PATH_MAX];
      r = file_read(fs, &in, 0, target, size);
      if (r >= 0) memcpy(buffer, target, (size_t)r < capacity ? (size_t)r : capacity);
    }
    inode_put(fs, &in);
  }
  fs_mutex_unlock(&fs->lock);
  return r;
}
