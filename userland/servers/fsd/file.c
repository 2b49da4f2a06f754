/* File data: read, write and truncate through the block map, and freeing
 * an inode whose last link and last open reference are gone. */
#include <stdlib.h>
#include <string.h>

#include "userland/servers/fsd/ext2_internal.h"

/* The largest file: what the block map reaches, capped where i_blocks
 * (512-byte units in 32 bits) would overflow. */
static uint64_t max_size(const struct ext2_fs* fs) {
  uint64_t per = fs->per_block;
  uint64_t blocks = EXT2_NDIR_BLOCKS + per + per * per + per * per * per;
  uint64_t cap = ((1ull << 32) - 1) * 512 / 2; /* leave room for indirect blocks */
  uint64_t size = blocks * fs->block_size;
  return size < cap ? size : cap;
}

/* Before file block `lblock` (at disk block `block`, not cached) is read:
 * it and the file's next blocks that follow it on the disk and are not
 * cached either, up to a cluster, in one request. A sequential reader's
 * next requests then find their blocks cached (read-ahead). */
static int read_ahead(struct ext2_fs* fs, struct inode* in, uint64_t lblock, uint32_t block)
    FS_REQUIRES(fs->lock) {
  const uint64_t last = (inode_size(fs, in) + fs->block_size - 1) / fs->block_size;
  uint32_t n = 1;
  while (n < cache_cluster_blocks(fs) && lblock + n < last) {
    uint32_t next;
    if (inode_bmap(fs, in, lblock + n, 0, &next) < 0 || next != block + n || cache_has(fs, next))
      break;
    ++n;
  }
  return cache_read_cluster(fs, block, n);
}

/* File blocks mapped per walk of the block map in file_read. */
#define RUN_BLOCKS 64

int64_t file_read(struct ext2_fs* fs, struct inode* in, uint64_t offset, void* buffer,
                  size_t count) {
  uint64_t size = inode_size(fs, in);
  if (offset >= size) return 0;
  if (count > size - offset) count = (size_t)(size - offset);
  size_t done = 0;
  uint32_t run[RUN_BLOCKS];
  uint64_t run_first = 0;
  uint32_t run_count = 0; /* run[i] maps file block run_first + i */
  while (done < count) {
    uint64_t at = offset + done;
    uint64_t lblock = at / fs->block_size;
    uint32_t within = (uint32_t)(at % fs->block_size);
    size_t n = fs->block_size - within;
    if (n > count - done) n = count - done;
    if (lblock < run_first || lblock - run_first >= run_count) {
      const uint64_t left = (count - done + within + fs->block_size - 1) / fs->block_size;
      const int got =
          inode_bmap_run(fs, in, lblock, left < RUN_BLOCKS ? (uint32_t)left : RUN_BLOCKS, run);
      if (got < 0) return got;
      run_first = lblock;
      run_count = (uint32_t)got;
    }
    const uint32_t block = run[lblock - run_first];
    if (block == 0) {
      memset((uint8_t*)buffer + done, 0, n);
    } else {
      struct cblock* b = cache_lookup(fs, block);
      if (!b) {
        if (fs->cached_only) return -EAGAIN; /* ext2_read_cached */
        TRY(read_ahead(fs, in, lblock, block));
        int err = 0;
        b = cache_get(fs, block, &err);
        if (!b) return err;
      }
      memcpy((uint8_t*)buffer + done, b->data + within, n);
      cache_put(fs, b);
    }
    done += n;
  }
  return (int64_t)done;
}

/* Zeroes the bytes of the last block past `size`, so a file that later
 * grows reads zeros there, never old data (REL-006's kin). */
static int zero_tail(struct ext2_fs* fs, struct inode* in, uint64_t size) FS_REQUIRES(fs->lock) {
  uint32_t within = (uint32_t)(size % fs->block_size);
  if (within == 0) return 0;
  uint32_t block;
  TRY(inode_bmap(fs, in, size / fs->block_size, 0, &block));
  if (block == 0) return 0;
  int err = 0;
  struct cblock* b = cache_get(fs, block, &err);
  if (!b) return err;
  memset(b->data + within, 0, fs->block_size - within);
  cache_dirty(fs, b);
  cache_put(fs, b);
  return 0;
}

int64_t file_write(struct ext2_fs* fs, struct inode* in, uint64_t offset, const void* data,
                   size_t count) {
  if (offset > max_size(fs) || count > max_size(fs) - offset) return -EFBIG;
  uint64_t size = inode_size(fs, in);
  if (offset > size) TRY(zero_tail(fs, in, size));
  size_t done = 0;
  int r = 0;
  while (done < count) {
    uint64_t at = offset + done;
    uint32_t within = (uint32_t)(at % fs->block_size);
    size_t n = fs->block_size - within;
    if (n > count - done) n = count - done;
    uint32_t block;
    r = inode_bmap(fs, in, at / fs->block_size, 1, &block);
    if (r < 0) break;
    int err = 0;
    struct cblock* b = cache_get(fs, block, &err);
    if (!b) {
      r = err;
      break;
    }
    memcpy(b->data + within, (const uint8_t*)data + done, n);
    cache_dirty(fs, b);
    cache_put(fs, b);
    done += n;
  }
  if (done > 0) {
    if (offset + done > size) inode_set_size(fs, in, offset + done);
    int64_t now = fs_now(fs);
    inode_set_time(fs, in, I_MTIME, now);
    inode_set_time(fs, in, I_CTIME, now);
    inode_dirty(fs, in);
    return (int64_t)done;
  }
  return r;
}

int file_truncate(struct ext2_fs* fs, struct inode* in, uint64_t size) {
  if (size > max_size(fs)) return -EFBIG;
  uint64_t old = inode_size(fs, in);
  if (size < old) {
    uint64_t keep = (size + fs->block_size - 1) / fs->block_size;
    TRY(inode_free_blocks(fs, in, keep));
    TRY(zero_tail(fs, in, size));
  } else if (size > old) {
    TRY(zero_tail(fs, in, old)); /* grows sparse: no blocks, zeros read back */
  }
  inode_set_size(fs, in, size);
  int64_t now = fs_now(fs);
  inode_set_time(fs, in, I_MTIME, now);
  inode_set_time(fs, in, I_CTIME, now);
  inode_dirty(fs, in);
  return 0;
}

/* The extended-attribute block an inode names loses a reference. */
static int release_ea(struct ext2_fs* fs, uint32_t block) FS_REQUIRES(fs->lock) {
  int err = 0;
  struct cblock* b = cache_get(fs, block, &err);
  if (!b) return err;
  uint32_t refs = le32(b->data + EA_REFCOUNT);
  int valid = le32(b->data) == EA_MAGIC && refs > 0;
  if (valid && refs > 1) {
    put32(b->data + EA_REFCOUNT, refs - 1);
    cache_dirty(fs, b);
  }
  cache_put(fs, b);
  if (!valid) return -EIO;
  return refs == 1 ? free_block(fs, block) : 0;
}

int inode_release_if_unused(struct ext2_fs* fs, uint32_t ino) {
  if (open_refs(fs, ino)) return 0;
  struct inode in;
  TRY(inode_get(fs, ino, &in));
  if (inode_links(&in) != 0 || inode_mode(&in) == 0) {
    inode_put(fs, &in);
    return 0;
  }
  int is_dir = inode_is_dir(&in);
  int r = inode_is_fast_symlink(fs, &in) ? 0 : inode_free_blocks(fs, &in, 0);
  uint32_t ea = le32(in.raw + I_FILE_ACL);
  if (r == 0 && ea) {
    r = release_ea(fs, ea);
    put32(in.raw + I_FILE_ACL, 0);
  }
  if (r == 0) {
    inode_set_size(fs, &in, 0);
    put32(in.raw + I_DTIME, (uint32_t)(fs_now(fs) / 1000000000));
    inode_dirty(fs, &in);
    r = free_inode(fs, ino, is_dir);
  }
  inode_put(fs, &in);
  return r;
}
