/* Directories: a linear list of entries in each block (dir_index trees are
 * read as the linear entries they also are; a directory fsd changes loses
 * its index flag, so no stale index is left for e2fsck or Linux). Every
 * entry is checked before use: rec_len at least 8, a multiple of 4, inside
 * its block and large enough for its name; an inode number on the disk. A
 * bad entry is -EIO, never followed. */
#include <string.h>

#include "userland/servers/fsd/ext2_internal.h"

uint8_t dir_type_of_mode(uint16_t mode) {
  switch (mode & EXT2_S_IFMT) {
    case EXT2_S_IFREG:
      return EXT2_FT_REG;
    case EXT2_S_IFDIR:
      return EXT2_FT_DIR;
    case EXT2_S_IFLNK:
      return EXT2_FT_SYMLINK;
    case 0x2000:
      return 3; /* character device */
    case 0x6000:
      return 4; /* block device */
    case 0x1000:
      return 5; /* fifo */
    case 0xC000:
      return 6; /* socket */
    default:
      return EXT2_FT_UNKNOWN;
  }
}

struct entry {
  uint32_t ino, rec_len, name_len;
  uint8_t type;
  const char* name;
};

static int parse(const struct ext2_fs* fs, const uint8_t* data, uint32_t at, struct entry* e) {
  if (at + DE_HEADER > fs->block_size) return -EIO;
  const uint8_t* p = data + at;
  e->ino = le32(p + DE_INODE);
  e->rec_len = le16(p + DE_REC_LEN);
  e->name_len = fs->filetype ? p[DE_NAME_LEN] : le16(p + DE_NAME_LEN);
  e->type = fs->filetype ? p[DE_FILE_TYPE] : EXT2_FT_UNKNOWN;
  e->name = (const char*)p + DE_NAME;
  if (e->rec_len < DE_HEADER || e->rec_len % 4 || at + e->rec_len > fs->block_size) return -EIO;
  if (e->ino && (e->name_len > VIPER_FS_NAME_MAX || de_size(e->name_len) > e->rec_len ||
                 e->ino > fs->inodes_count))
    return -EIO;
  return 0;
}

/* The directory's blocks; 0 for a size no directory has (not whole
 * blocks, or more than its allocated blocks hold), which the callers
 * report as corruption before walking anything. */
static uint32_t block_count(const struct ext2_fs* fs, const struct inode* dir) {
  uint64_t size = inode_size(fs, dir);
  if (size % fs->block_size || size > (uint64_t)le32(dir->raw + I_BLOCKS) * 512) return 0;
  return (uint32_t)(size / fs->block_size);
}

/* Pins directory block `i`. */
static struct cblock* dir_block(struct ext2_fs* fs, struct inode* dir, uint32_t i, int* err)
    FS_REQUIRES(fs->lock) {
  uint32_t block;
  *err = inode_bmap(fs, dir, i, 0, &block);
  if (*err < 0) return 0;
  if (block == 0) {
    *err = -EIO; /* a hole in a directory */
    return 0;
  }
  return cache_get(fs, block, err);
}

static void changed(struct ext2_fs* fs, struct inode* dir) FS_REQUIRES(fs->lock) {
  put32(dir->raw + I_FLAGS, le32(dir->raw + I_FLAGS) & ~(uint32_t)EXT2_INDEX_FL);
  int64_t now = fs_now(fs);
  inode_set_time(fs, dir, I_MTIME, now);
  inode_set_time(fs, dir, I_CTIME, now);
  inode_dirty(fs, dir);
}

/* The directory's hints, taken over (reset) if another directory had
 * the slot. */
static struct dir_hint* hint_of(struct ext2_fs* fs, const struct inode* dir) FS_REQUIRES(fs->lock) {
  struct dir_hint* h = &fs->dir_hints[(dir->ino * 2654435761u) % DIR_HINTS];
  if (h->ino != dir->ino) *h = (struct dir_hint){dir->ino, 0, 0};
  return h;
}

/* The i-th block to search of `blocks`, starting at `start`. */
static uint32_t nth_from(uint32_t start, uint32_t i, uint32_t blocks) {
  return (start < blocks ? start + i : i) % blocks;
}

static int matches(const struct entry* e, const char* name, size_t len) {
  return e->ino && e->name_len == len && memcmp(e->name, name, len) == 0;
}

/* Finds `name`: its block (pinned), offset, and the previous entry's. */
static int find(struct ext2_fs* fs, struct inode* dir, const char* name, size_t len,
                struct cblock** out, uint32_t* at, int64_t* prev) FS_REQUIRES(fs->lock) {
  uint32_t blocks = block_count(fs, dir);
  if (blocks == 0) return -EIO;
  struct dir_hint* hint = hint_of(fs, dir);
  for (uint32_t n = 0; n < blocks; ++n) {
    const uint32_t i = nth_from(hint->lookup, n, blocks);
    int err = 0;
    struct cblock* b = dir_block(fs, dir, i, &err);
    if (!b) return err;
    int64_t last = -1;
    for (uint32_t off = 0; off < fs->block_size;) {
      struct entry e;
      int r = parse(fs, b->data, off, &e);
      if (r < 0) {
        cache_put(fs, b);
        return r;
      }
      if (matches(&e, name, len)) {
        hint->lookup = i;
        *out = b;
        *at = off;
        *prev = last;
        return 0;
      }
      last = off;
      off += e.rec_len;
    }
    cache_put(fs, b);
  }
  return -ENOENT;
}

int dir_lookup(struct ext2_fs* fs, struct inode* dir, const char* name, size_t len, uint32_t* ino) {
  struct cblock* b;
  uint32_t at;
  int64_t prev;
  TRY(find(fs, dir, name, len, &b, &at, &prev));
  *ino = le32(b->data + at + DE_INODE);
  cache_put(fs, b);
  return 0;
}

static void fill(struct ext2_fs* fs, uint8_t* p, const char* name, size_t len, uint32_t ino,
                 uint8_t type) {
  put32(p + DE_INODE, ino);
  if (fs->filetype) {
    p[DE_NAME_LEN] = (uint8_t)len;
    p[DE_FILE_TYPE] = type;
  } else {
    put16(p + DE_NAME_LEN, (uint16_t)len);
  }
  memcpy(p + DE_NAME, name, len);
}

int dir_add(struct ext2_fs* fs, struct inode* dir, const char* name, size_t len, uint32_t ino,
            uint8_t type) {
  const uint32_t need = de_size((uint32_t)len);
  uint32_t blocks = block_count(fs, dir);
  if (blocks == 0) return -EIO;
  struct dir_hint* hint = hint_of(fs, dir);
  for (uint32_t n = 0; n < blocks; ++n) {
    const uint32_t i = nth_from(hint->add, n, blocks);
    int err = 0;
    struct cblock* b = dir_block(fs, dir, i, &err);
    if (!b) return err;
    for (uint32_t off = 0; off < fs->block_size;) {
      struct entry e;
      int r = parse(fs, b->data, off, &e);
      if (r < 0) {
        cache_put(fs, b);
        return r;
      }
      uint32_t used = e.ino ? de_size(e.name_len) : 0;
      if (e.rec_len - used >= need) {
        uint8_t* p = b->data + off;
        if (used) { /* split: the old entry keeps what it uses */
          put16(p + DE_REC_LEN, (uint16_t)used);
          p += used;
          put16(p + DE_REC_LEN, (uint16_t)(e.rec_len - used));
        }
        fill(fs, p, name, len, ino, type);
        cache_dirty(fs, b);
        cache_put(fs, b);
        changed(fs, dir);
        hint->add = i;
        return 0;
      }
      off += e.rec_len;
    }
    cache_put(fs, b);
  }
  /* No room: a new block holding just this entry. */
  uint32_t block;
  TRY(inode_bmap(fs, dir, blocks, 1, &block));
  int err = 0;
  struct cblock* b = cache_get(fs, block, &err);
  if (!b) return err;
  memset(b->data, 0, fs->block_size);
  put16(b->data + DE_REC_LEN, (uint16_t)fs->block_size);
  fill(fs, b->data, name, len, ino, type);
  cache_dirty(fs, b);
  cache_put(fs, b);
  inode_set_size(fs, dir, (uint64_t)(blocks + 1) * fs->block_size);
  changed(fs, dir);
  hint->add = blocks;
  return 0;
}

int dir_remove(struct ext2_fs* fs, struct inode* dir, const char* name, size_t len) {
  struct cblock* b;
  uint32_t at;
  int64_t prev;
  TRY(find(fs, dir, name, len, &b, &at, &prev));
  if (prev >= 0) { /* merged into the previous entry */
    uint8_t* p = b->data + prev;
    put16(p + DE_REC_LEN, (uint16_t)(le16(p + DE_REC_LEN) + le16(b->data + at + DE_REC_LEN)));
  } else {
    put32(b->data + at + DE_INODE, 0);
  }
  cache_dirty(fs, b);
  cache_put(fs, b);
  changed(fs, dir);
  return 0;
}

int dir_retarget(struct ext2_fs* fs, struct inode* dir, const char* name, size_t len, uint32_t ino,
                 uint8_t type) {
  struct cblock* b;
  uint32_t at;
  int64_t prev;
  TRY(find(fs, dir, name, len, &b, &at, &prev));
  put32(b->data + at + DE_INODE, ino);
  if (fs->filetype) b->data[at + DE_FILE_TYPE] = type;
  cache_dirty(fs, b);
  cache_put(fs, b);
  changed(fs, dir);
  return 0;
}

static int is_dot(const struct entry* e) {
  return (e->name_len == 1 && e->name[0] == '.') ||
         (e->name_len == 2 && e->name[0] == '.' && e->name[1] == '.');
}

static int count_one(void* context, uint32_t ino, uint8_t type, const char* name, size_t len) {
  (void)ino;
  (void)type;
  struct entry e = {.name_len = (uint32_t)len, .name = name};
  if (is_dot(&e)) return 0;
  *(int*)context = 1;
  return 1;
}

int dir_is_empty(struct ext2_fs* fs, struct inode* dir) {
  int found = 0;
  uint64_t next;
  int r = dir_iterate(fs, dir, 0, count_one, &found, &next);
  if (found) return 0;
  return r < 0 ? r : 1;
}

int dir_iterate(struct ext2_fs* fs, struct inode* dir, uint64_t cookie, ext2_emit_fn emit,
                void* context, uint64_t* next) {
  uint32_t blocks = block_count(fs, dir);
  if (blocks == 0) return -EIO;
  int emitted = 0;
  for (uint64_t i = cookie / fs->block_size; i < blocks; ++i) {
    uint32_t skip = i == cookie / fs->block_size ? (uint32_t)(cookie % fs->block_size) : 0;
    int err = 0;
    struct cblock* b = dir_block(fs, dir, (uint32_t)i, &err);
    if (!b) return err;
    for (uint32_t off = 0; off < fs->block_size;) {
      struct entry e;
      int r = parse(fs, b->data, off, &e);
      if (r < 0) {
        cache_put(fs, b);
        return r;
      }
      if (e.ino && off >= skip) {
        if (emit(context, e.ino, e.type, e.name, e.name_len)) {
          cache_put(fs, b);
          *next = i * fs->block_size + off;
          /* Nothing fitted: the caller would ask again for ever. */
          return emitted ? 0 : -EINVAL;
        }
        emitted = 1;
      }
      off += e.rec_len;
    }
    cache_put(fs, b);
  }
  *next = 0;
  return 0;
}

int dir_init(struct ext2_fs* fs, struct inode* dir, uint32_t parent) {
  uint32_t block;
  TRY(inode_bmap(fs, dir, 0, 1, &block));
  int err = 0;
  struct cblock* b = cache_get(fs, block, &err);
  if (!b) return err;
  memset(b->data, 0, fs->block_size);
  fill(fs, b->data, ".", 1, dir->ino, EXT2_FT_DIR);
  put16(b->data + DE_REC_LEN, 12);
  fill(fs, b->data + 12, "..", 2, parent, EXT2_FT_DIR);
  put16(b->data + 12 + DE_REC_LEN, (uint16_t)(fs->block_size - 12));
  cache_dirty(fs, b);
  cache_put(fs, b);
  inode_set_size(fs, dir, fs->block_size);
  inode_dirty(fs, dir);
  return 0;
}
