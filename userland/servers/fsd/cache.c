/* The block cache: a fixed number of block buffers, found by a hash of the
 * block number, evicted least recently used first, written back when
 * evicted dirty or when synced (write-back: a write reaches the disk at
 * fsync, sync, unmount, or when its buffer is needed for another block).
 * Pinned buffers (refs > 0) are never evicted. */
#include <stdlib.h>
#include <string.h>

#include "userland/servers/fsd/ext2_internal.h"

static void lru_unlink(struct cblock* b) {
  b->lru_prev->lru_next = b->lru_next;
  b->lru_next->lru_prev = b->lru_prev;
}

static void lru_push_front(struct ext2_fs* fs, struct cblock* b) FS_REQUIRES(fs->lock) {
  b->lru_next = fs->lru.lru_next;
  b->lru_prev = &fs->lru;
  fs->lru.lru_next->lru_prev = b;
  fs->lru.lru_next = b;
}

/* The block number itself, masked: a file's blocks are mostly consecutive
 * on the disk, so a sequential read walks consecutive buckets (a few
 * pages of the table) instead of one scattered bucket, and a page of it
 * not in the TLB, per block (measured in fsd's 1 MiB reads, docs/fs.md).
 * Blocks collide only hash_size (>= the cache's blocks) apart. */
static uint32_t slot_of(struct ext2_fs* fs, uint32_t block) FS_REQUIRES(fs->lock) {
  return block & (fs->hash_size - 1);
}

int cache_init(struct ext2_fs* fs, uint32_t blocks, uint8_t* memory) {
  if (blocks < 32 && !memory) blocks = 32; /* an operation pins a handful at most */
  if (blocks < 32) return -EINVAL;
  fs->cache_memory = memory;
  fs->hash_size = 1;
  while (fs->hash_size < blocks) fs->hash_size <<= 1;
  fs->cache = calloc(blocks, sizeof(struct cblock));
  fs->hash = calloc(fs->hash_size, sizeof(struct cblock*));
  if (!fs->cache || !fs->hash) return -ENOMEM;
  fs->cache_count = blocks;
  fs->lru.lru_next = fs->lru.lru_prev = &fs->lru;
  /* Buffers get their memory when first claimed: a cache of thousands of
   * blocks costs nothing at mount (allocating all of it took seconds of
   * CPU under QEMU), and a small disk never fills a large one. */
  for (uint32_t i = 0; i < blocks; ++i) lru_push_front(fs, &fs->cache[i]);
  return 0;
}

void cache_free(struct ext2_fs* fs) {
  free(fs->cluster);
  fs->cluster = 0;
  if (fs->cache) {
    if (!fs->cache_memory) {
      for (uint32_t i = 0; i < fs->cache_count; ++i) free(fs->cache[i].data);
    }
  }
  free(fs->cache);
  free(fs->hash);
  fs->cache = 0;
  fs->hash = 0;
}

static struct cblock* find(struct ext2_fs* fs, uint32_t block) FS_REQUIRES(fs->lock) {
  for (struct cblock* b = fs->hash[slot_of(fs, block)]; b; b = b->hash_next) {
    if (b->valid && b->block == block) return b;
  }
  return 0;
}

static void unhash(struct ext2_fs* fs, struct cblock* b) FS_REQUIRES(fs->lock) {
  struct cblock** p = &fs->hash[slot_of(fs, b->block)];
  while (*p && *p != b) p = &(*p)->hash_next;
  if (*p) *p = b->hash_next;
  b->valid = 0;
  b->dirty = 0;
}

static int write_back(struct ext2_fs* fs, struct cblock* b) FS_REQUIRES(fs->lock) {
  if (!b->dirty) return 0;
  int r =
      fs->dev.write(fs->dev.context, (uint64_t)b->block * fs->block_size, b->data, fs->block_size);
  if (r < 0) return r;
  b->dirty = 0;
  return 0;
}

/* Memory for a buffer never used yet: its part of the caller's memory, or
 * a new allocation (0 when out of memory). */
static uint8_t* buffer_memory(struct ext2_fs* fs, struct cblock* b) FS_REQUIRES(fs->lock) {
  if (fs->cache_memory) return fs->cache_memory + (size_t)(b - fs->cache) * fs->block_size;
  return malloc(fs->block_size);
}

/* An unpinned buffer for `block`, least recently used first. A buffer
 * that gets no memory leaves the list for good (the cache shrinks to what
 * memory allows) and one that has memory is taken instead: out of memory
 * only when every buffer that has some is pinned. */
static struct cblock* claim(struct ext2_fs* fs, uint32_t block, int* err) FS_REQUIRES(fs->lock) {
  for (struct cblock *b = fs->lru.lru_prev, *older; b != &fs->lru; b = older) {
    older = b->lru_prev;
    if (b->refs) continue;
    if (!b->data && !(b->data = buffer_memory(fs, b))) {
      lru_unlink(b);
      continue;
    }
    if (b->valid) {
      int r = write_back(fs, b);
      if (r < 0) {
        *err = r;
        return 0;
      }
      unhash(fs, b);
    }
    b->block = block;
    b->valid = 1;
    uint32_t s = slot_of(fs, block);
    b->hash_next = fs->hash[s];
    fs->hash[s] = b;
    return b;
  }
  *err = -ENOMEM;
  return 0;
}

static struct cblock* pin(struct ext2_fs* fs, struct cblock* b) FS_REQUIRES(fs->lock) {
  b->refs++;
  lru_unlink(b);
  lru_push_front(fs, b);
  return b;
}

struct cblock* cache_get(struct ext2_fs* fs, uint32_t block, int* err) {
  if (block >= fs->blocks_count) {
    *err = -EIO; /* a block pointer off the disk: corrupt */
    return 0;
  }
  struct cblock* b = find(fs, block);
  if (b) return pin(fs, b);
  if (fs->cached_only) {
    *err = -EAGAIN; /* ext2_read_cached: no device request */
    return 0;
  }
  b = claim(fs, block, err);
  if (!b) return 0;
  int r = fs->dev.read(fs->dev.context, (uint64_t)block * fs->block_size, b->data, fs->block_size);
  if (r < 0) {
    unhash(fs, b);
    *err = r;
    return 0;
  }
  return pin(fs, b);
}

struct cblock* cache_get_zero(struct ext2_fs* fs, uint32_t block, int* err) {
  if (block >= fs->blocks_count) {
    *err = -EIO;
    return 0;
  }
  struct cblock* b = find(fs, block);
  if (!b) b = claim(fs, block, err);
  if (!b) return 0;
  memset(b->data, 0, fs->block_size);
  b->dirty = 1;
  return pin(fs, b);
}

void cache_put(struct ext2_fs* fs, struct cblock* b) {
  (void)fs;
  if (b && b->refs) b->refs--;
}

void cache_dirty(struct ext2_fs* fs, struct cblock* b) {
  (void)fs;
  b->dirty = 1;
}

void cache_forget(struct ext2_fs* fs, uint32_t block) {
  struct cblock* b = find(fs, block);
  if (b && !b->refs) unhash(fs, b);
}

int cache_write_block(struct ext2_fs* fs, uint32_t block) {
  struct cblock* b = find(fs, block);
  return b ? write_back(fs, b) : 0;
}

int cache_write_all(struct ext2_fs* fs) {
  int result = 0;
  for (uint32_t i = 0; i < fs->cache_count; ++i) {
    struct cblock* b = &fs->cache[i];
    if (b->valid && b->dirty) {
      int r = write_back(fs, b);
      if (r < 0) result = r;
    }
  }
  return result;
}

/* ---- Clusters: contiguous blocks in one device request ---- */

/* The bounce buffer a cluster moves through (the device wants one
 * contiguous buffer; the cache's buffers are scattered); 0 when out of
 * memory, and then blocks go one at a time. */
static uint8_t* cluster_buffer(struct ext2_fs* fs) FS_REQUIRES(fs->lock) {
  if (!fs->cluster) fs->cluster = malloc(CACHE_CLUSTER_BYTES);
  return fs->cluster;
}

uint32_t cache_cluster_blocks(const struct ext2_fs* fs) {
  return CACHE_CLUSTER_BYTES / fs->block_size;
}

int cache_has(struct ext2_fs* fs, uint32_t block) { return find(fs, block) != 0; }

struct cblock* cache_lookup(struct ext2_fs* fs, uint32_t block) {
  struct cblock* b = block < fs->blocks_count ? find(fs, block) : 0;
  return b ? pin(fs, b) : 0;
}

int cache_read_cluster(struct ext2_fs* fs, uint32_t first, uint32_t count) {
  if (count > cache_cluster_blocks(fs)) count = cache_cluster_blocks(fs);
  if (first >= fs->blocks_count) return -EIO;
  if (count > fs->blocks_count - first) count = fs->blocks_count - first; /* a corrupt map */
  uint8_t* bounce = cluster_buffer(fs);
  if (!bounce || count < 2) return 0; /* cache_get reads them one by one */
  int r = fs->dev.read(fs->dev.context, (uint64_t)first * fs->block_size, bounce,
                       (size_t)count * fs->block_size);
  if (r < 0) return r;
  /* Each block not cached meanwhile gets a buffer, unpinned: read-ahead
   * that nobody uses is evicted like any other block. */
  for (uint32_t i = 0; i < count; ++i) {
    if (find(fs, first + i)) continue;
    int err = 0;
    struct cblock* b = claim(fs, first + i, &err);
    if (!b) return 0; /* no room: the rest is read when asked for */
    memcpy(b->data, bounce + (size_t)i * fs->block_size, fs->block_size);
    cache_put(fs, pin(fs, b)); /* most recently used */
  }
  return 0;
}

/* Writes the gathered run [first, first + n) from the bounce buffer and
 * marks it clean. */
static int write_gathered(struct ext2_fs* fs, uint32_t first, uint32_t n, const uint8_t* bounce)
    FS_REQUIRES(fs->lock) {
  if (n == 0) return 0;
  int r = fs->dev.write(fs->dev.context, (uint64_t)first * fs->block_size, bounce,
                        (size_t)n * fs->block_size);
  if (r < 0) return r;
  for (uint32_t i = 0; i < n; ++i) {
    struct cblock* b = find(fs, first + i);
    if (b) b->dirty = 0;
  }
  return 0;
}

int cache_write_range(struct ext2_fs* fs, uint32_t first, uint32_t count) {
  uint8_t* bounce = cluster_buffer(fs);
  if (!bounce) {
    for (uint32_t i = 0; i < count; ++i) TRY(cache_write_block(fs, first + i));
    return 0;
  }
  const uint32_t most = cache_cluster_blocks(fs);
  uint32_t start = first, n = 0; /* the dirty run gathered so far */
  for (uint32_t i = 0; i < count; ++i) {
    struct cblock* b = find(fs, first + i);
    if (!b || !b->dirty || n == most) {
      TRY(write_gathered(fs, start, n, bounce));
      n = 0;
    }
    if (b && b->dirty) {
      if (n == 0) start = first + i;
      memcpy(bounce + (size_t)n * fs->block_size, b->data, fs->block_size);
      ++n;
    }
  }
  return write_gathered(fs, start, n, bounce);
}
