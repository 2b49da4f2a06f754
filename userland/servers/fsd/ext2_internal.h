/* The ext2 library's internals, shared by its files (not for callers).
 *
 * Locking (USER-001): one mutex per file system, `lock`, held for the whole
 * of every public call (ext2.h). It protects the superblock and group
 * descriptor copies, the block cache (entries, LRU, dirty state), every
 * inode and directory block on disk, and the open-inode table. The
 * geometry fields (block size, group counts, ...) are set at mount and only
 * read after, so they need no lock. One lock because an ext2 operation
 * touches several of these at once (an unlink: a directory block, an inode,
 * two bitmaps, a group descriptor, the superblock): finer locks would need
 * an order across them, and the block device serialises the I/O anyway. */
#ifndef FSD_EXT2_INTERNAL_H_
#define FSD_EXT2_INTERNAL_H_

#include <errno.h>
#include <stdint.h>

#include "userland/servers/fsd/ext2.h"
#include "userland/servers/fsd/ext2_format.h"
#include "userland/servers/fsd/fs_mutex.h"

#ifndef EUCLEAN
#define EUCLEAN 117
#endif

/* A block in the cache. `refs` pins it (it is not evicted while used). */
struct cblock {
  uint32_t block;
  uint32_t refs;
  int dirty;
  int valid;
  struct cblock* hash_next;
  struct cblock *lru_prev, *lru_next; /* most recently used first */
  uint8_t* data;
};

/* Where the last lookup in a directory found its name, and the last add
 * found room: the next search starts there and wraps around, so it still
 * sees every block (Linux's ext2 keeps the first, i_dir_start_lookup). A
 * walk in readdir order then finds each name in the block it looks at
 * first, not after half the directory, and a directory filling up finds
 * room at once. Keyed by directory inode in a small table: a stale or
 * lost hint only costs the scan it would have saved. */
struct dir_hint {
  uint32_t ino;
  uint32_t lookup, add; /* directory block indexes */
};
#define DIR_HINTS 64

struct open_ref {
  uint32_t ino;
  uint32_t count;
};

struct ext2_fs {
  fs_mutex lock;
  /* Set at mount, read-only after. */
  struct fs_blockdev dev;
  int read_only;
  uint32_t block_size, blocks_count, inodes_count, first_data_block;
  uint32_t blocks_per_group, inodes_per_group, groups, inode_size, first_ino;
  uint32_t gdt_blocks, per_block; /* block numbers in one indirect block */
  int filetype;                   /* directory entries carry a file type */
  int64_t (*now_ns)(void);

  uint8_t sb[EXT2_SB_BYTES] FS_GUARDED_BY(&lock);
  uint8_t* gdt FS_GUARDED_BY(&lock);
  int meta_dirty FS_GUARDED_BY(&lock);      /* sb or gdt differ from the disk */
  uint32_t last_block FS_GUARDED_BY(&lock); /* the last allocated: the next goal */

  struct cblock* cache FS_GUARDED_BY(&lock);
  uint32_t cache_count FS_GUARDED_BY(&lock);
  uint8_t* cache_memory;                 /* the caller's, or 0: buffers come from malloc */
  uint8_t* cluster FS_GUARDED_BY(&lock); /* CACHE_CLUSTER_BYTES of bounce, or 0 */
  struct cblock** hash FS_GUARDED_BY(&lock);
  uint32_t hash_size FS_GUARDED_BY(&lock);
  struct cblock lru FS_GUARDED_BY(&lock); /* the list's head */

  struct dir_hint dir_hints[DIR_HINTS] FS_GUARDED_BY(&lock);
  /* ext2_read_cached is running: a block missing from the cache is
   * -EAGAIN (cache_get, file_read), not a device request. */
  int cached_only FS_GUARDED_BY(&lock);

  struct open_ref* opens FS_GUARDED_BY(&lock);
  uint32_t open_count FS_GUARDED_BY(&lock);
  uint32_t open_capacity FS_GUARDED_BY(&lock); /* a power of two, or 0 */
};

#define TRY(expr)              \
  do {                         \
    int try_ = (expr);         \
    if (try_ < 0) return try_; \
  } while (0)

/* cache.c */
/* `memory`: room for `blocks` buffers, or 0 to malloc each when first used. */
int cache_init(struct ext2_fs* fs, uint32_t blocks, uint8_t* memory) FS_REQUIRES(fs->lock);
void cache_free(struct ext2_fs* fs) FS_REQUIRES(fs->lock);
/* Pins `block`, read from the disk unless cached; 0 and *err on failure. */
struct cblock* cache_get(struct ext2_fs* fs, uint32_t block, int* err) FS_REQUIRES(fs->lock);
/* Pins `block` zero-filled, without reading it (a block just allocated). */
struct cblock* cache_get_zero(struct ext2_fs* fs, uint32_t block, int* err) FS_REQUIRES(fs->lock);
void cache_put(struct ext2_fs* fs, struct cblock* b) FS_REQUIRES(fs->lock);
void cache_dirty(struct ext2_fs* fs, struct cblock* b) FS_REQUIRES(fs->lock);
/* Forgets `block` (just freed): its contents need not reach the disk. */
void cache_forget(struct ext2_fs* fs, uint32_t block) FS_REQUIRES(fs->lock);
int cache_write_block(struct ext2_fs* fs, uint32_t block) FS_REQUIRES(fs->lock);
int cache_write_all(struct ext2_fs* fs) FS_REQUIRES(fs->lock);
/* Clusters: contiguous disk blocks moved in one device request (a 4 KiB
 * request per block cost a virtio round trip and an interrupt each).
 * Reads `count` blocks from `first` (at most cache_cluster_blocks) into
 * the cache, those not cached already; read-ahead for a sequential reader. */
#define CACHE_CLUSTER_BYTES (256u << 10)
uint32_t cache_cluster_blocks(const struct ext2_fs* fs);
int cache_has(struct ext2_fs* fs, uint32_t block) FS_REQUIRES(fs->lock);
/* The cached buffer of `block`, pinned as cache_get's, or 0 when it is not
 * cached (no device request). */
struct cblock* cache_lookup(struct ext2_fs* fs, uint32_t block) FS_REQUIRES(fs->lock);
int cache_read_cluster(struct ext2_fs* fs, uint32_t first, uint32_t count) FS_REQUIRES(fs->lock);
/* Writes back the dirty cached blocks of [first, first + count), each run
 * of contiguous dirty blocks in one request. */
int cache_write_range(struct ext2_fs* fs, uint32_t first, uint32_t count) FS_REQUIRES(fs->lock);

/* super.c */
int super_write(struct ext2_fs* fs) FS_REQUIRES(fs->lock);
int64_t fs_now(struct ext2_fs* fs);

/* alloc.c: bitmaps and the free counts of descriptors and superblock. */
int alloc_block(struct ext2_fs* fs, uint32_t goal, uint32_t* out) FS_REQUIRES(fs->lock);
int free_block(struct ext2_fs* fs, uint32_t block) FS_REQUIRES(fs->lock);
int alloc_inode(struct ext2_fs* fs, uint32_t parent, int is_dir, uint32_t* out)
    FS_REQUIRES(fs->lock);
int free_inode(struct ext2_fs* fs, uint32_t ino, int is_dir) FS_REQUIRES(fs->lock);

/* inode.c: an inode is its bytes in a pinned inode-table block. */
struct inode {
  uint32_t ino;
  struct cblock* b;
  uint8_t* raw;
};
int inode_get(struct ext2_fs* fs, uint32_t ino, struct inode* out) FS_REQUIRES(fs->lock);
void inode_put(struct ext2_fs* fs, struct inode* in) FS_REQUIRES(fs->lock);
void inode_dirty(struct ext2_fs* fs, struct inode* in) FS_REQUIRES(fs->lock);
uint64_t inode_size(const struct ext2_fs* fs, const struct inode* in);
void inode_set_size(struct ext2_fs* fs, struct inode* in, uint64_t size);
static inline uint16_t inode_mode(const struct inode* in) { return le16(in->raw + I_MODE); }
static inline uint16_t inode_links(const struct inode* in) { return le16(in->raw + I_LINKS); }
static inline int inode_is_dir(const struct inode* in) {
  return (inode_mode(in) & EXT2_S_IFMT) == EXT2_S_IFDIR;
}
int inode_is_fast_symlink(const struct ext2_fs* fs, const struct inode* in);
/* Sets the named times (I_ATIME, I_MTIME, I_CTIME) to `ns`. */
void inode_set_time(struct ext2_fs* fs, struct inode* in, uint32_t field, int64_t ns);
int64_t inode_time(const struct ext2_fs* fs, const struct inode* in, uint32_t field);
/* The disk block of file block `lblock` (0: a hole); with `create`, a hole
 * gets a zeroed block (and the indirect blocks it needs). */
int inode_bmap(struct ext2_fs* fs, struct inode* in, uint64_t lblock, int create, uint32_t* out)
    FS_REQUIRES(fs->lock);
/* Without creating: the disk blocks of file blocks lblock, lblock + 1, ...
 * (0 for a hole) into out[], as many as one indirect block (or the direct
 * slots) maps from lblock on, at most `max` (>= 1): how many. A
 * sequential read walks the tree once per run, not once per block. */
int inode_bmap_run(struct ext2_fs* fs, struct inode* in, uint64_t lblock, uint32_t max,
                   uint32_t* out) FS_REQUIRES(fs->lock);
/* Frees every block from file block `first` on. */
int inode_free_blocks(struct ext2_fs* fs, struct inode* in, uint64_t first) FS_REQUIRES(fs->lock);
/* A fresh inode's bytes: zero but for mode, links, times. */
void inode_init(struct ext2_fs* fs, struct inode* in, uint16_t mode);

/* file.c */
int64_t file_read(struct ext2_fs* fs, struct inode* in, uint64_t offset, void* buffer, size_t count)
    FS_REQUIRES(fs->lock);
int64_t file_write(struct ext2_fs* fs, struct inode* in, uint64_t offset, const void* data,
                   size_t count) FS_REQUIRES(fs->lock);
int file_truncate(struct ext2_fs* fs, struct inode* in, uint64_t size) FS_REQUIRES(fs->lock);
/* Frees the inode if it has no links and nobody holds it open. */
int inode_release_if_unused(struct ext2_fs* fs, uint32_t ino) FS_REQUIRES(fs->lock);

/* open_refs.c */
uint32_t open_refs(struct ext2_fs* fs, uint32_t ino) FS_REQUIRES(fs->lock);

/* dir.c */
int dir_lookup(struct ext2_fs* fs, struct inode* dir, const char* name, size_t len, uint32_t* ino)
    FS_REQUIRES(fs->lock);
int dir_add(struct ext2_fs* fs, struct inode* dir, const char* name, size_t len, uint32_t ino,
            uint8_t type) FS_REQUIRES(fs->lock);
int dir_remove(struct ext2_fs* fs, struct inode* dir, const char* name, size_t len)
    FS_REQUIRES(fs->lock);
/* Points the existing entry `name` at `ino`. */
int dir_retarget(struct ext2_fs* fs, struct inode* dir, const char* name, size_t len, uint32_t ino,
                 uint8_t type) FS_REQUIRES(fs->lock);
/* 1 if only "." and "..", 0 if not, or a negative errno. */
int dir_is_empty(struct ext2_fs* fs, struct inode* dir) FS_REQUIRES(fs->lock);
int dir_iterate(struct ext2_fs* fs, struct inode* dir, uint64_t cookie, ext2_emit_fn emit,
                void* context, uint64_t* next) FS_REQUIRES(fs->lock);
/* The first block of a new directory: "." and "..". */
int dir_init(struct ext2_fs* fs, struct inode* dir, uint32_t parent) FS_REQUIRES(fs->lock);
uint8_t dir_type_of_mode(uint16_t mode);

#endif /* FSD_EXT2_INTERNAL_H_ */

/* path.c: walking a path under a directory (ext2.h's rules). */
struct walk {
  uint32_t parent;  /* the directory the last component is in */
  const char* name; /* the last component (len 0: the path was empty) */
  size_t len;
};
int path_walk(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len, struct walk* out)
    FS_REQUIRES(fs->lock);
/* The inode the path names (the last component not followed). */
int path_resolve(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len, uint32_t* ino)
    FS_REQUIRES(fs->lock);
/* A new inode of `mode` linked as w->name in w->parent. */
int node_create(struct ext2_fs* fs, const struct walk* w, uint16_t mode, struct inode* out)
    FS_REQUIRES(fs->lock);
int open_ref_add(struct ext2_fs* fs, uint32_t ino) FS_REQUIRES(fs->lock);
#define EXT2_LINK_MAX 65000
