/* Mounting: the superblock and group descriptors, checked before anything
 * is trusted, and the feature policy:
 *
 *   implemented: revision 0 and 1, 1/2/4 KiB blocks, sparse_super,
 *     large_file, filetype; any compat feature (dir_index directories are
 *     read linearly and lose their index flag when changed; the resize
 *     inode and its reserved blocks are never touched; a journal is
 *     neither replayed nor written, which compat allows).
 *   read-only: unknown ro_compat features (huge_file, gdt_csum,
 *     metadata_csum, ... a write would leave them wrong), a journal that
 *     needs recovery, flex_bg and mmp (readable, not written by fsd), a
 *     read-only disk.
 *   refused: other incompat features (extents, 64bit, meta_bg, inline_data,
 *     compression, ...): their blocks mean something fsd cannot read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "userland/servers/fsd/ext2_internal.h"

#define INCOMPAT_READ_ONLY (INCOMPAT_RECOVER | INCOMPAT_FLEX_BG | INCOMPAT_MMP)
#define RO_COMPAT_KNOWN (RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE)

static int64_t wall_clock(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return 0;
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t fs_now(struct ext2_fs* fs) { return fs->now_ns(); }

static int say(char* message, size_t capacity, int error, const char* text, uint32_t value) {
  if (message && capacity) snprintf(message, capacity, "%s (0x%x)", text, (unsigned)value);
  return error;
}

/* The geometry, checked: every later access is bounded by these. */
static int check_geometry(struct ext2_fs* fs, char* msg, size_t cap) FS_REQUIRES(fs->lock) {
  const uint8_t* sb = fs->sb;
  if (le16(sb + SB_MAGIC) != EXT2_MAGIC)
    return say(msg, cap, -EINVAL, "not ext2: bad magic", le16(sb + SB_MAGIC));
  uint32_t rev = le32(sb + SB_REV_LEVEL);
  if (rev > 1) return say(msg, cap, -EINVAL, "unknown revision", rev);
  uint32_t log = le32(sb + SB_LOG_BLOCK_SIZE);
  if (log > 2) return say(msg, cap, -EINVAL, "block size not 1, 2 or 4 KiB: log", log);
  fs->block_size = 1024u << log;
  fs->blocks_count = le32(sb + SB_BLOCKS_COUNT);
  fs->inodes_count = le32(sb + SB_INODES_COUNT);
  fs->first_data_block = le32(sb + SB_FIRST_DATA_BLOCK);
  fs->blocks_per_group = le32(sb + SB_BLOCKS_PER_GROUP);
  fs->inodes_per_group = le32(sb + SB_INODES_PER_GROUP);
  fs->inode_size = rev == 0 ? EXT2_GOOD_OLD_INODE_SIZE : le16(sb + SB_INODE_SIZE);
  fs->first_ino = rev == 0 ? 11 : le32(sb + SB_FIRST_INO);
  fs->per_block = fs->block_size / 4;
  if (fs->first_data_block != (fs->block_size == 1024 ? 1u : 0u))
    return say(msg, cap, -EUCLEAN, "corrupt: first data block", fs->first_data_block);
  if (fs->blocks_per_group == 0 || fs->blocks_per_group > 8 * fs->block_size)
    return say(msg, cap, -EUCLEAN, "corrupt: blocks per group", fs->blocks_per_group);
  if (fs->inodes_per_group == 0 || fs->inodes_per_group > 8 * fs->block_size)
    return say(msg, cap, -EUCLEAN, "corrupt: inodes per group", fs->inodes_per_group);
  if (fs->inode_size < EXT2_GOOD_OLD_INODE_SIZE || fs->inode_size > fs->block_size ||
      (fs->inode_size & (fs->inode_size - 1)))
    return say(msg, cap, -EUCLEAN, "corrupt: inode size", fs->inode_size);
  if (fs->blocks_count <= fs->first_data_block ||
      (uint64_t)fs->blocks_count * fs->block_size > fs->dev.size_bytes)
    return say(msg, cap, -EUCLEAN, "corrupt: the file system is larger than the disk",
               fs->blocks_count);
  fs->groups =
      (fs->blocks_count - fs->first_data_block + fs->blocks_per_group - 1) / fs->blocks_per_group;
  if ((uint64_t)fs->groups * fs->inodes_per_group != fs->inodes_count)
    return say(msg, cap, -EUCLEAN, "corrupt: inode count", fs->inodes_count);
  if (fs->first_ino < EXT2_RESIZE_INO + 1 || fs->first_ino >= fs->inodes_count)
    return say(msg, cap, -EUCLEAN, "corrupt: first inode", fs->first_ino);
  fs->gdt_blocks = (fs->groups * GD_BYTES + fs->block_size - 1) / fs->block_size;
  return 0;
}

static int check_features(struct ext2_fs* fs, char* msg, size_t cap) FS_REQUIRES(fs->lock) {
  if (le32(fs->sb + SB_REV_LEVEL) == 0) return 0;
  uint32_t incompat = le32(fs->sb + SB_FEATURE_INCOMPAT);
  uint32_t ro_compat = le32(fs->sb + SB_FEATURE_RO_COMPAT);
  uint32_t refused = incompat & ~(INCOMPAT_FILETYPE | INCOMPAT_READ_ONLY);
  if (refused) return say(msg, cap, -EINVAL, "refused: unsupported incompatible features", refused);
  fs->filetype = (incompat & INCOMPAT_FILETYPE) != 0;
  if (incompat & INCOMPAT_RECOVER) {
    fs->read_only = 1;
    say(msg, cap, 0, "read-only: the journal needs recovery", incompat & INCOMPAT_RECOVER);
  } else if (incompat & INCOMPAT_READ_ONLY) {
    fs->read_only = 1;
    say(msg, cap, 0, "read-only: incompatible features fsd does not write",
        incompat & INCOMPAT_READ_ONLY);
  } else if (ro_compat & ~RO_COMPAT_KNOWN) {
    fs->read_only = 1;
    say(msg, cap, 0, "read-only: unsupported read-only-compatible features",
        ro_compat & ~RO_COMPAT_KNOWN);
  }
  return 0;
}

static int check_groups(struct ext2_fs* fs, char* msg, size_t cap) FS_REQUIRES(fs->lock) {
  uint32_t table_blocks =
      (uint32_t)(((uint64_t)fs->inodes_per_group * fs->inode_size + fs->block_size - 1) /
                 fs->block_size);
  for (uint32_t g = 0; g < fs->groups; ++g) {
    const uint8_t* d = fs->gdt + (size_t)g * GD_BYTES;
    uint32_t bb = le32(d + GD_BLOCK_BITMAP), ib = le32(d + GD_INODE_BITMAP);
    uint32_t it = le32(d + GD_INODE_TABLE);
    if (bb < fs->first_data_block || bb >= fs->blocks_count || ib < fs->first_data_block ||
        ib >= fs->blocks_count || it < fs->first_data_block ||
        (uint64_t)it + table_blocks > fs->blocks_count)
      return say(msg, cap, -EUCLEAN, "corrupt: group descriptor of group", g);
  }
  return 0;
}

/* The cache the options ask for: buffers in their memory (as many as it
 * holds, or cache_blocks if fewer), else cache_blocks malloc'ed ones. */
static int init_cache(struct ext2_fs* fs, const struct ext2_mount_options* options)
    FS_REQUIRES(fs->lock) {
  uint32_t blocks = options && options->cache_blocks ? options->cache_blocks : 1024;
  uint8_t* memory = options ? (uint8_t*)options->cache_memory : 0;
  if (memory) {
    const uint64_t room = options->cache_memory_bytes / fs->block_size;
    if (!options->cache_blocks || room < blocks) {
      blocks = room > UINT32_MAX ? UINT32_MAX : (uint32_t)room;
    }
  }
  return cache_init(fs, blocks, memory);
}

int ext2_mount(const struct fs_blockdev* dev, const struct ext2_mount_options* options,
               struct ext2_fs** out, char* msg, size_t cap) FS_NO_ANALYSIS {
  if (msg && cap) msg[0] = 0;
  if (!dev || !out || !dev->read || !dev->write || !dev->flush)
    return say(msg, cap, -EINVAL, "no device", 0);
  struct ext2_fs* fs = calloc(1, sizeof(*fs));
  if (!fs) return -ENOMEM;
  fs_mutex_init(&fs->lock);
  fs->dev = *dev;
  fs->now_ns = options && options->now_ns ? options->now_ns : wall_clock;
  fs->read_only = (options && options->read_only) || dev->read_only;
  int r = dev->size_bytes < EXT2_SB_OFFSET + EXT2_SB_BYTES
              ? say(msg, cap, -EINVAL, "the disk is too small", 0)
              : dev->read(dev->context, EXT2_SB_OFFSET, fs->sb, EXT2_SB_BYTES);
  if (r == 0) r = check_geometry(fs, msg, cap);
  if (r == 0) r = check_features(fs, msg, cap);
  if (r == 0) {
    fs->gdt = calloc(fs->gdt_blocks, fs->block_size);
    r = fs->gdt ? dev->read(dev->context, (uint64_t)(fs->first_data_block + 1) * fs->block_size,
                            fs->gdt, (size_t)fs->gdt_blocks * fs->block_size)
                : -ENOMEM;
  }
  if (r == 0) r = check_groups(fs, msg, cap);
  if (r == 0) r = init_cache(fs, options);
  if (r == 0 && dev->read_only && !(msg && msg[0])) say(msg, cap, 0, "read-only: the disk", 0);
  if (r < 0) {
    cache_free(fs);
    free(fs->gdt);
    fs_mutex_destroy(&fs->lock);
    free(fs);
    return r;
  }
  if (!fs->read_only) {
    put16(fs->sb + SB_MNT_COUNT, (uint16_t)(le16(fs->sb + SB_MNT_COUNT) + 1));
    put32(fs->sb + SB_MTIME, (uint32_t)(fs_now(fs) / 1000000000));
    fs->meta_dirty = 1;
  }
  *out = fs;
  return 0;
}

int ext2_read_only(const struct ext2_fs* fs) { return fs->read_only; }

int super_write(struct ext2_fs* fs) {
  if (!fs->meta_dirty || fs->read_only) return 0;
  put32(fs->sb + SB_WTIME, (uint32_t)(fs_now(fs) / 1000000000));
  /* The descriptors first: the superblock's counts sum theirs. */
  TRY(fs->dev.write(fs->dev.context, (uint64_t)(fs->first_data_block + 1) * fs->block_size, fs->gdt,
                    (size_t)fs->gdt_blocks * fs->block_size));
  TRY(fs->dev.write(fs->dev.context, EXT2_SB_OFFSET, fs->sb, EXT2_SB_BYTES));
  fs->meta_dirty = 0;
  return 0;
}

static int sync_locked(struct ext2_fs* fs) FS_REQUIRES(fs->lock) {
  if (fs->read_only) return 0;
  TRY(cache_write_all(fs));
  TRY(super_write(fs));
  return fs->dev.flush(fs->dev.context);
}

int ext2_sync(struct ext2_fs* fs) {
  fs_mutex_lock(&fs->lock);
  int r = sync_locked(fs);
  fs_mutex_unlock(&fs->lock);
  return r;
}

int ext2_unmount(struct ext2_fs* fs) {
  if (!fs) return -EINVAL;
  fs_mutex_lock(&fs->lock);
  int r = sync_locked(fs);
  cache_free(fs);
  free(fs->gdt);
  free(fs->opens);
  fs_mutex_unlock(&fs->lock);
  fs_mutex_destroy(&fs->lock);
  free(fs);
  return r;
}

int ext2_statfs(struct ext2_fs* fs, struct viper_fs_statfs* out) {
  if (!out) return -EINVAL;
  fs_mutex_lock(&fs->lock);
  memset(out, 0, sizeof(*out));
  out->block_size = fs->block_size;
  out->blocks = fs->blocks_count;
  out->free_blocks = le32(fs->sb + SB_FREE_BLOCKS);
  out->inodes = fs->inodes_count;
  out->free_inodes = le32(fs->sb + SB_FREE_INODES);
  out->read_only = (uint32_t)fs->read_only;
  fs_mutex_unlock(&fs->lock);
  return 0;
}
