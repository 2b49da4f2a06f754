/* Block and inode allocation: the bitmaps, with every change counted in the
 * group descriptor and the superblock at the same time, so the free counts
 * e2fsck sums always agree. Nothing outside [first_data_block,
 * blocks_count) is ever handed out; blocks the bitmap marks used (the
 * metadata, the resize inode's reserved descriptor blocks) never are. */
#include "userland/servers/fsd/ext2_internal.h"

static uint8_t* gd(struct ext2_fs* fs, uint32_t group) FS_REQUIRES(fs->lock) {
  return fs->gdt + (size_t)group * GD_BYTES;
}

static void count(struct ext2_fs* fs, uint32_t group, uint32_t gd_field, uint32_t sb_field,
                  int delta) FS_REQUIRES(fs->lock) {
  uint8_t* d = gd(fs, group);
  put16(d + gd_field, (uint16_t)(le16(d + gd_field) + delta));
  if (sb_field) put32(fs->sb + sb_field, (uint32_t)(le32(fs->sb + sb_field) + delta));
  fs->meta_dirty = 1;
}

static uint32_t blocks_in_group(struct ext2_fs* fs, uint32_t group) {
  uint32_t start = fs->first_data_block + group * fs->blocks_per_group;
  uint32_t left = fs->blocks_count - start;
  return left < fs->blocks_per_group ? left : fs->blocks_per_group;
}

/* The first clear bit of `bits` in [from, limit), or -1. */
static int64_t find_clear(const uint8_t* bits, uint32_t from, uint32_t limit) {
  for (uint32_t i = from; i < limit; ++i) {
    if (bits[i / 8] == 0xFF && i % 8 == 0 && i + 8 <= limit) {
      i += 7;
      continue;
    }
    if (!(bits[i / 8] & (1u << (i % 8)))) return i;
  }
  return -1;
}

int alloc_block(struct ext2_fs* fs, uint32_t goal, uint32_t* out) {
  if (goal < fs->first_data_block || goal >= fs->blocks_count) goal = fs->first_data_block;
  uint32_t first = (goal - fs->first_data_block) / fs->blocks_per_group;
  for (uint32_t n = 0; n < fs->groups; ++n) {
    uint32_t g = (first + n) % fs->groups;
    if (le16(gd(fs, g) + GD_FREE_BLOCKS) == 0) continue;
    int err = 0;
    struct cblock* b = cache_get(fs, le32(gd(fs, g) + GD_BLOCK_BITMAP), &err);
    if (!b) return err;
    uint32_t from = n == 0 ? (goal - fs->first_data_block) % fs->blocks_per_group : 0;
    uint32_t limit = blocks_in_group(fs, g);
    int64_t bit = find_clear(b->data, from, limit);
    if (bit < 0 && from) bit = find_clear(b->data, 0, from);
    if (bit >= 0) {
      b->data[bit / 8] |= (uint8_t)(1u << (bit % 8));
      cache_dirty(fs, b);
      cache_put(fs, b);
      count(fs, g, GD_FREE_BLOCKS, SB_FREE_BLOCKS, -1);
      *out = fs->first_data_block + g * fs->blocks_per_group + (uint32_t)bit;
      fs->last_block = *out;
      return 0;
    }
    cache_put(fs, b);
  }
  return -ENOSPC;
}

int free_block(struct ext2_fs* fs, uint32_t block) {
  if (block <= fs->first_data_block + fs->gdt_blocks || block >= fs->blocks_count) return -EIO;
  uint32_t g = (block - fs->first_data_block) / fs->blocks_per_group;
  uint32_t bit = (block - fs->first_data_block) % fs->blocks_per_group;
  int err = 0;
  struct cblock* b = cache_get(fs, le32(gd(fs, g) + GD_BLOCK_BITMAP), &err);
  if (!b) return err;
  int was_set = (b->data[bit / 8] >> (bit % 8)) & 1;
  if (was_set) {
    b->data[bit / 8] &= (uint8_t)~(1u << (bit % 8));
    cache_dirty(fs, b);
  }
  cache_put(fs, b);
  if (!was_set) return -EIO; /* freeing a free block: a corrupt pointer */
  count(fs, g, GD_FREE_BLOCKS, SB_FREE_BLOCKS, +1);
  cache_forget(fs, block);
  return 0;
}

int alloc_inode(struct ext2_fs* fs, uint32_t parent, int is_dir, uint32_t* out) {
  uint32_t first = parent ? (parent - 1) / fs->inodes_per_group : 0;
  for (uint32_t n = 0; n < fs->groups; ++n) {
    uint32_t g = (first + n) % fs->groups;
    if (le16(gd(fs, g) + GD_FREE_INODES) == 0) continue;
    int err = 0;
    struct cblock* b = cache_get(fs, le32(gd(fs, g) + GD_INODE_BITMAP), &err);
    if (!b) return err;
    /* Inodes below first_ino are reserved (root, resize, journal, ...). */
    uint32_t from = g == 0 ? fs->first_ino - 1 : 0;
    int64_t bit = find_clear(b->data, from, fs->inodes_per_group);
    if (bit >= 0) {
      b->data[bit / 8] |= (uint8_t)(1u << (bit % 8));
      cache_dirty(fs, b);
      cache_put(fs, b);
      count(fs, g, GD_FREE_INODES, SB_FREE_INODES, -1);
      if (is_dir) count(fs, g, GD_USED_DIRS, 0, +1);
      *out = g * fs->inodes_per_group + (uint32_t)bit + 1;
      return 0;
    }
    cache_put(fs, b);
  }
  return -ENOSPC;
}

int free_inode(struct ext2_fs* fs, uint32_t ino, int is_dir) {
  if (ino == 0 || ino > fs->inodes_count) return -EIO;
  uint32_t g = (ino - 1) / fs->inodes_per_group, bit = (ino - 1) % fs->inodes_per_group;
  int err = 0;
  struct cblock* b = cache_get(fs, le32(gd(fs, g) + GD_INODE_BITMAP), &err);
  if (!b) return err;
  int was_set = (b->data[bit / 8] >> (bit % 8)) & 1;
  b->data[bit / 8] &= (uint8_t)~(1u << (bit % 8));
  cache_dirty(fs, b);
  cache_put(fs, b);
  if (!was_set) return -EIO;
  count(fs, g, GD_FREE_INODES, SB_FREE_INODES, +1);
  if (is_dir) count(fs, g, GD_USED_DIRS, 0, -1);
  return 0;
}
