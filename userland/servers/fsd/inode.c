/* Inodes: their bytes in the inode table (through the cache), sizes, times,
 * and the block map: 12 direct pointers, then single, double and triple
 * indirect blocks; a zero pointer is a hole that reads as zeros. */
#include <string.h>

#include "userland/servers/fsd/ext2_internal.h"

int inode_get(struct ext2_fs* fs, uint32_t ino, struct inode* out) {
  if (ino == 0 || ino > fs->inodes_count) return -EIO;
  uint32_t group = (ino - 1) / fs->inodes_per_group;
  uint64_t byte = (uint64_t)((ino - 1) % fs->inodes_per_group) * fs->inode_size;
  uint32_t table = le32(fs->gdt + (size_t)group * GD_BYTES + GD_INODE_TABLE);
  int err = 0;
  struct cblock* b = cache_get(fs, table + (uint32_t)(byte / fs->block_size), &err);
  if (!b) return err;
  out->ino = ino;
  out->b = b;
  out->raw = b->data + byte % fs->block_size;
  return 0;
}

void inode_put(struct ext2_fs* fs, struct inode* in) {
  cache_put(fs, in->b);
  in->b = 0;
}

void inode_dirty(struct ext2_fs* fs, struct inode* in) { cache_dirty(fs, in->b); }

uint64_t inode_size(const struct ext2_fs* fs, const struct inode* in) {
  (void)fs;
  uint64_t size = le32(in->raw + I_SIZE);
  if ((inode_mode(in) & EXT2_S_IFMT) == EXT2_S_IFREG)
    size |= (uint64_t)le32(in->raw + I_SIZE_HIGH) << 32;
  return size;
}

void inode_set_size(struct ext2_fs* fs, struct inode* in, uint64_t size) FS_NO_ANALYSIS {
  put32(in->raw + I_SIZE, (uint32_t)size);
  if ((inode_mode(in) & EXT2_S_IFMT) == EXT2_S_IFREG) {
    put32(in->raw + I_SIZE_HIGH, (uint32_t)(size >> 32));
    uint32_t ro = le32(fs->sb + SB_FEATURE_RO_COMPAT);
    if (size >= (1ull << 31) && !(ro & RO_COMPAT_LARGE_FILE)) {
      put32(fs->sb + SB_FEATURE_RO_COMPAT, ro | RO_COMPAT_LARGE_FILE);
      fs->meta_dirty = 1;
    }
  }
}

int inode_is_fast_symlink(const struct ext2_fs* fs, const struct inode* in) {
  if ((inode_mode(in) & EXT2_S_IFMT) != EXT2_S_IFLNK) return 0;
  uint32_t ea = le32(in->raw + I_FILE_ACL) ? fs->block_size / 512 : 0;
  return le32(in->raw + I_BLOCKS) == ea;
}

/* Where a time's nanoseconds and epoch bits live, if the inode has room. */
static int extra_of(const struct ext2_fs* fs, const struct inode* in, uint32_t field) {
  if (fs->inode_size <= EXT2_GOOD_OLD_INODE_SIZE) return -1;
  int extra = field == I_ATIME ? I_ATIME_EXTRA : field == I_MTIME ? I_MTIME_EXTRA : I_CTIME_EXTRA;
  uint32_t have = EXT2_GOOD_OLD_INODE_SIZE + le16(in->raw + I_EXTRA_ISIZE);
  return (uint32_t)extra + 4 <= have && have <= fs->inode_size ? extra : -1;
}

void inode_set_time(struct ext2_fs* fs, struct inode* in, uint32_t field, int64_t ns) {
  int64_t seconds = ns / 1000000000;
  int64_t nanos = ns % 1000000000;
  if (nanos < 0) {
    nanos += 1000000000;
    seconds -= 1;
  }
  put32(in->raw + field, (uint32_t)seconds);
  int extra = extra_of(fs, in, field);
  if (extra >= 0) {
    uint32_t epoch = (uint32_t)(((seconds - (int32_t)(uint32_t)seconds) >> 32) & 3);
    put32(in->raw + extra, (uint32_t)nanos << 2 | epoch);
  }
}

int64_t inode_time(const struct ext2_fs* fs, const struct inode* in, uint32_t field) {
  int64_t seconds = (int32_t)le32(in->raw + field);
  int64_t nanos = 0;
  int extra = extra_of(fs, in, field);
  if (extra >= 0) {
    uint32_t e = le32(in->raw + extra);
    seconds += (int64_t)(e & 3) << 32;
    nanos = (e >> 2) % 1000000000;
  }
  /* int64 nanoseconds reach 2262; ext2's 34-bit seconds go further. */
  const int64_t limit = INT64_MAX / 1000000000 - 1;
  if (seconds > limit) seconds = limit;
  if (seconds < -limit) seconds = -limit;
  return seconds * 1000000000 + nanos;
}

void inode_init(struct ext2_fs* fs, struct inode* in, uint16_t mode) {
  memset(in->raw, 0, fs->inode_size);
  put16(in->raw + I_MODE, mode);
  if (fs->inode_size >= EXT2_GOOD_OLD_INODE_SIZE + EXT2_EXTRA_ISIZE_NEW)
    put16(in->raw + I_EXTRA_ISIZE, EXT2_EXTRA_ISIZE_NEW);
  int64_t now = fs_now(fs);
  inode_set_time(fs, in, I_ATIME, now);
  inode_set_time(fs, in, I_MTIME, now);
  inode_set_time(fs, in, I_CTIME, now);
}

static void add_blocks(struct ext2_fs* fs, struct inode* in, int delta) {
  put32(in->raw + I_BLOCKS,
        le32(in->raw + I_BLOCKS) + (uint32_t)(delta * (int)(fs->block_size / 512)));
}

/* A data or indirect block: on the disk and past the superblock and group
 * descriptors of group 0 (a pointer there is corrupt, and following it
 * would let file data overwrite them). */
static int valid_pointer(struct ext2_fs* fs, uint32_t block) {
  return block > fs->first_data_block + fs->gdt_blocks && block < fs->blocks_count;
}

/* A new zeroed block for `in`, its number stored at `slot`. */
static int grow(struct ext2_fs* fs, struct inode* in, uint8_t* slot, uint32_t* out)
    FS_REQUIRES(fs->lock) {
  /* Near the inode; after the last block handed out when that is in the
   * inode's group, so a file written sequentially is laid out in order and
   * the bitmap search does not start over for each block. */
  uint32_t group = (in->ino - 1) / fs->inodes_per_group;
  uint32_t goal = fs->first_data_block + group * fs->blocks_per_group;
  if (fs->last_block >= goal && fs->last_block + 1 < goal + fs->blocks_per_group)
    goal = fs->last_block + 1;
  uint32_t block;
  TRY(alloc_block(fs, goal, &block));
  int err = 0;
  struct cblock* b = cache_get_zero(fs, block, &err);
  if (!b) {
    free_block(fs, block);
    return err;
  }
  cache_put(fs, b);
  put32(slot, block);
  add_blocks(fs, in, 1);
  inode_dirty(fs, in);
  *out = block;
  return 0;
}

int inode_bmap(struct ext2_fs* fs, struct inode* in, uint64_t lblock, int create, uint32_t* out) {
  if (le32(in->raw + I_FLAGS) & (EXT2_EXTENTS_FL | EXT2_INLINE_FL)) return -EIO;
  const uint64_t per = fs->per_block;
  int level, root;
  if (lblock < EXT2_NDIR_BLOCKS) {
    level = 0;
    root = (int)lblock;
  } else if ((lblock -= EXT2_NDIR_BLOCKS) < per) {
    level = 1;
    root = EXT2_IND_BLOCK;
  } else if ((lblock -= per) < per * per) {
    level = 2;
    root = EXT2_DIND_BLOCK;
  } else if ((lblock -= per * per) < per * per * per) {
    level = 3;
    root = EXT2_TIND_BLOCK;
  } else {
    return -EFBIG;
  }
  uint8_t* slot = in->raw + I_BLOCK + 4 * root;
  uint32_t block = le32(slot);
  if (block == 0) {
    if (!create) return *out = 0, 0;
    TRY(grow(fs, in, slot, &block));
  } else if (!valid_pointer(fs, block)) {
    return -EIO;
  }
  uint64_t span = 1;
  for (int i = 1; i < level; ++i) span *= per;
  for (; level > 0; --level, span /= per) {
    int err = 0;
    struct cblock* b = cache_get(fs, block, &err);
    if (!b) return err;
    uint8_t* entry = b->data + 4 * ((lblock / span) % per);
    uint32_t next = le32(entry);
    int r = 0;
    if (next == 0) {
      if (create) {
        r = grow(fs, in, entry, &next);
        if (r == 0) cache_dirty(fs, b);
      }
    } else if (!valid_pointer(fs, next)) {
      r = -EIO;
    }
    cache_put(fs, b);
    if (r < 0) return r;
    if (next == 0) return *out = 0, 0;
    block = next;
  }
  *out = block;
  return 0;
}

int inode_bmap_run(struct ext2_fs* fs, struct inode* in, uint64_t lblock, uint32_t max,
                   uint32_t* out) {
  const uint64_t per = fs->per_block;
  if (le32(in->raw + I_FLAGS) & (EXT2_EXTENTS_FL | EXT2_INLINE_FL)) return -EIO;
  if (lblock < EXT2_NDIR_BLOCKS || lblock - EXT2_NDIR_BLOCKS >= per + per * per) {
    /* Direct (and the rarely reached triple-indirect range): one at a time. */
    TRY(inode_bmap(fs, in, lblock, 0, out));
    return 1;
  }
  /* Walk to the leaf with inode_bmap's checks: the pointer to the leaf is
   * what the first block's lookup passes through. */
  uint64_t index = lblock - EXT2_NDIR_BLOCKS;
  uint32_t leaf;
  if (index < per) {
    leaf = le32(in->raw + I_BLOCK + 4 * EXT2_IND_BLOCK);
  } else {
    index -= per;
    const uint32_t top = le32(in->raw + I_BLOCK + 4 * EXT2_DIND_BLOCK);
    if (top == 0) return *out = 0, 1;
    if (!valid_pointer(fs, top)) return -EIO;
    int err = 0;
    struct cblock* b = cache_get(fs, top, &err);
    if (!b) return err;
    leaf = le32(b->data + 4 * (index / per));
    cache_put(fs, b);
    index %= per;
  }
  if (leaf == 0) return *out = 0, 1;
  if (!valid_pointer(fs, leaf)) return -EIO;
  int err = 0;
  struct cblock* b = cache_get(fs, leaf, &err);
  if (!b) return err;
  uint32_t n = 0;
  int r = 0;
  for (; n < max && index + n < per && r == 0; ++n) {
    out[n] = le32(b->data + 4 * (index + n));
    if (out[n] && !valid_pointer(fs, out[n])) r = -EIO;
  }
  cache_put(fs, b);
  return r < 0 ? r : (int)n;
}

/* Frees the blocks of the subtree at `slot` (a `level`-deep tree covering
 * file blocks from `base`) that map file blocks >= `first`. */
static int free_tree(struct ext2_fs* fs, struct inode* in, uint8_t* slot, int level, uint64_t base,
                     uint64_t first) FS_REQUIRES(fs->lock) {
  uint32_t block = le32(slot);
  if (block == 0) return 0;
  if (!valid_pointer(fs, block)) return -EIO;
  uint64_t child_span = 1;
  for (int i = 1; i < level; ++i) child_span *= fs->per_block;
  if (level > 0) {
    int err = 0;
    struct cblock* b = cache_get(fs, block, &err);
    if (!b) return err;
    int r = 0;
    for (uint32_t i = 0; i < fs->per_block && r == 0; ++i) {
      uint64_t child = base + i * child_span;
      if (child + child_span <= first) continue;
      r = free_tree(fs, in, b->data + 4 * i, level - 1, child, first);
      cache_dirty(fs, b);
    }
    cache_put(fs, b);
    if (r < 0) return r;
  }
  if (base >= first) {
    TRY(free_block(fs, block));
    put32(slot, 0);
    add_blocks(fs, in, -1);
  }
  return 0;
}

int inode_free_blocks(struct ext2_fs* fs, struct inode* in, uint64_t first) {
  if (le32(in->raw + I_FLAGS) & (EXT2_EXTENTS_FL | EXT2_INLINE_FL)) return -EIO;
  const uint64_t per = fs->per_block;
  int r = 0;
  for (uint32_t i = 0; i < EXT2_NDIR_BLOCKS && r == 0; ++i) {
    if (i >= first) r = free_tree(fs, in, in->raw + I_BLOCK + 4 * i, 0, i, first);
  }
  uint64_t base = EXT2_NDIR_BLOCKS, span = per;
  for (int level = 1; level <= 3 && r == 0; ++level) {
    if (base + span > first)
      r = free_tree(fs, in, in->raw + I_BLOCK + 4 * (EXT2_IND_BLOCK + level - 1), level, base,
                    first);
    base += span;
    span *= per;
  }
  inode_dirty(fs, in);
  return r;
}
