/* Path walking. Each component is checked before it is looked up; a path
 * never leaves the directory it starts in ("." and ".." are refused, libc
 * resolves them), and symbolic links are not followed (ext2.h). */
#include <string.h>

#include "userland/servers/fsd/ext2_internal.h"

static int check_component(const char* name, size_t len) {
  if (len == 0) return -EINVAL;
  if (len > VIPER_FS_NAME_MAX) return -ENAMETOOLONG;
  if (memchr(name, 0, len)) return -EINVAL;
  if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
    return -EINVAL;
  return 0;
}

static int check_path(const char* path, size_t len) {
  if (len > VIPER_FS_PATH_MAX) return -ENAMETOOLONG;
  if (len && !path) return -EINVAL;
  size_t start = 0;
  for (size_t i = 0; i <= len; ++i) {
    if (i == len || path[i] == '/') {
      if (len) TRY(check_component(path + start, i - start));
      start = i + 1;
    }
  }
  return 0;
}

/* `ino` must be a directory that still exists. */
static int check_dir(struct ext2_fs* fs, uint32_t ino) FS_REQUIRES(fs->lock) {
  struct inode in;
  TRY(inode_get(fs, ino, &in));
  int r = !inode_is_dir(&in) ? ((inode_mode(&in) & EXT2_S_IFMT) == EXT2_S_IFLNK ? -ELOOP : -ENOTDIR)
          : inode_links(&in) == 0 ? -ENOENT
                                  : 0;
  inode_put(fs, &in);
  return r;
}

int path_walk(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len, struct walk* out) {
  TRY(check_path(path, len));
  /* An empty path names `dir` itself, of any type (STAT on a file). */
  if (len) TRY(check_dir(fs, dir));
  size_t start = 0;
  for (size_t i = 0; i < len; ++i) {
    if (path[i] != '/') continue;
    struct inode d;
    TRY(inode_get(fs, dir, &d));
    uint32_t next;
    int r = dir_lookup(fs, &d, path + start, i - start, &next);
    inode_put(fs, &d);
    TRY(r);
    TRY(check_dir(fs, next));
    dir = next;
    start = i + 1;
  }
  out->parent = dir;
  out->name = path + start;
  out->len = len - start;
  return 0;
}

int path_resolve(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len, uint32_t* ino) {
  struct walk w;
  TRY(path_walk(fs, dir, path, len, &w));
  if (w.len == 0) {
    *ino = w.parent;
    return 0;
  }
  struct inode d;
  TRY(inode_get(fs, w.parent, &d));
  int r = dir_lookup(fs, &d, w.name, w.len, ino);
  inode_put(fs, &d);
  return r;
}

int node_create(struct ext2_fs* fs, const struct walk* w, uint16_t mode, struct inode* out) {
  if (fs->read_only) return -EROFS;
  if (w->len == 0) return -EEXIST;
  struct inode parent;
  TRY(inode_get(fs, w->parent, &parent));
  uint32_t existing, ino = 0;
  int r = dir_lookup(fs, &parent, w->name, w->len, &existing);
  int is_dir = (mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
  if (r == 0) r = -EEXIST;
  if (r == -ENOENT) r = is_dir && inode_links(&parent) >= EXT2_LINK_MAX ? -EMLINK : 0;
  if (r == 0) r = alloc_inode(fs, w->parent, is_dir, &ino);
  if (r == 0) {
    r = inode_get(fs, ino, out);
    if (r < 0) free_inode(fs, ino, is_dir);
  }
  if (r == 0) {
    inode_init(fs, out, mode);
    put16(out->raw + I_LINKS, is_dir ? 2 : 1);
    inode_dirty(fs, out);
    if (is_dir) r = dir_init(fs, out, w->parent);
    if (r == 0) r = dir_add(fs, &parent, w->name, w->len, ino, dir_type_of_mode(mode));
    if (r == 0 && is_dir) {
      put16(parent.raw + I_LINKS, (uint16_t)(inode_links(&parent) + 1));
      inode_dirty(fs, &parent);
    }
    if (r < 0) { /* undo: the inode and any block it got */
      put16(out->raw + I_LINKS, 0);
      inode_free_blocks(fs, out, 0);
      inode_put(fs, out);
      free_inode(fs, ino, is_dir);
    }
  }
  inode_put(fs, &parent);
  return r;
}
