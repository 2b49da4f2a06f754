/* rename: over an existing name (a file over a file, an empty directory
 * over a directory), across directories (a moved directory's ".." and both
 * parents' link counts follow), never a directory into its own subtree.
 * The new name is made first and the old one removed after, so a failure
 * midway (no space for the new entry) leaves the old name in place. */
#include "userland/servers/fsd/ext2_internal.h"

/* -EINVAL if `dir` is `ancestor` or lies below it. */
static int check_not_below(struct ext2_fs* fs, uint32_t dir, uint32_t ancestor)
    FS_REQUIRES(fs->lock) {
  for (uint32_t steps = 0; steps <= fs->inodes_count; ++steps) {
    if (dir == ancestor) return -EINVAL;
    if (dir == EXT2_ROOT_INO) return 0;
    struct inode d;
    TRY(inode_get(fs, dir, &d));
    int r = dir_lookup(fs, &d, "..", 2, &dir);
    inode_put(fs, &d);
    TRY(r);
  }
  return -EIO; /* a loop of ".." entries: corrupt */
}

static void add_links(struct ext2_fs* fs, struct inode* in, int delta) FS_REQUIRES(fs->lock) {
  put16(in->raw + I_LINKS, (uint16_t)(inode_links(in) + delta));
  inode_dirty(fs, in);
}

/* Replaces `victim` (the inode at the new name) by `source`'s. */
static int replace(struct ext2_fs* fs, struct inode* to_parent, const struct walk* to,
                   struct inode* source, uint32_t victim_ino) FS_REQUIRES(fs->lock) {
  struct inode victim;
  TRY(inode_get(fs, victim_ino, &victim));
  int src_dir = inode_is_dir(source), victim_dir = inode_is_dir(&victim);
  int r = src_dir && !victim_dir ? -ENOTDIR : !src_dir && victim_dir ? -EISDIR : 0;
  if (r == 0 && victim_dir) {
    r = dir_is_empty(fs, &victim);
    r = r < 0 ? r : r ? 0 : -ENOTEMPTY;
  }
  if (r == 0)
    r = dir_retarget(fs, to_parent, to->name, to->len, source->ino,
                     dir_type_of_mode(inode_mode(source)));
  if (r == 0) {
    if (victim_dir) add_links(fs, to_parent, -1); /* the victim's ".." */
    uint16_t links = inode_links(&victim);
    put16(victim.raw + I_LINKS, victim_dir || links == 0 ? 0 : (uint16_t)(links - 1));
    inode_set_time(fs, &victim, I_CTIME, fs_now(fs));
    inode_dirty(fs, &victim);
  }
  inode_put(fs, &victim);
  if (r == 0) r = inode_release_if_unused(fs, victim_ino);
  return r;
}

static int rename_locked(struct ext2_fs* fs, uint32_t dir, const char* from, size_t from_len,
                         const char* to, size_t to_len) FS_REQUIRES(fs->lock) {
  if (fs->read_only) return -EROFS;
  struct walk f, t;
  TRY(path_walk(fs, dir, from, from_len, &f));
  TRY(path_walk(fs, dir, to, to_len, &t));
  if (f.len == 0 || t.len == 0) return -EBUSY;
  struct inode from_parent, to_parent, source = {0};
  TRY(inode_get(fs, f.parent, &from_parent));
  uint32_t ino, victim = 0;
  int r = dir_lookup(fs, &from_parent, f.name, f.len, &ino);
  if (r < 0) {
    inode_put(fs, &from_parent);
    return r;
  }
  r = inode_get(fs, t.parent, &to_parent);
  if (r < 0) {
    inode_put(fs, &from_parent);
    return r;
  }
  r = inode_get(fs, ino, &source);
  int is_dir = r == 0 && inode_is_dir(&source);
  if (r == 0 && is_dir) r = check_not_below(fs, t.parent, ino);
  if (r == 0) {
    r = dir_lookup(fs, &to_parent, t.name, t.len, &victim);
    if (r == -ENOENT) victim = 0, r = 0;
  }
  if (r == 0 && victim == ino) { /* the same inode: nothing to do (POSIX) */
    inode_put(fs, &source);
    inode_put(fs, &to_parent);
    inode_put(fs, &from_parent);
    return 0;
  }
  if (r == 0 && is_dir && !victim && f.parent != t.parent &&
      inode_links(&to_parent) >= EXT2_LINK_MAX)
    r = -EMLINK;
  if (r == 0) {
    r = victim ? replace(fs, &to_parent, &t, &source, victim)
               : dir_add(fs, &to_parent, t.name, t.len, ino, dir_type_of_mode(inode_mode(&source)));
  }
  if (r == 0) r = dir_remove(fs, &from_parent, f.name, f.len);
  if (r == 0 && is_dir && f.parent != t.parent) {
    r = dir_retarget(fs, &source, "..", 2, t.parent, EXT2_FT_DIR);
    add_links(fs, &from_parent, -1);
    add_links(fs, &to_parent, +1);
  }
  if (r == 0) {
    inode_set_time(fs, &source, I_CTIME, fs_now(fs));
    inode_dirty(fs, &source);
  }
  if (source.b) inode_put(fs, &source);
  inode_put(fs, &to_parent);
  inode_put(fs, &from_parent);
  return r;
}

int ext2_rename(struct ext2_fs* fs, uint32_t dir, const char* from, size_t from_len, const char* to,
                size_t to_len) {
  fs_mutex_lock(&fs->lock);
  int r = rename_locked(fs, dir, from, from_len, to, to_len);
  fs_mutex_unlock(&fs->lock);
  return r;
}
