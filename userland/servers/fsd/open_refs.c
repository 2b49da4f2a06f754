/* Open references: how many connections hold each inode open, in a hash
 * table (linear probing, deletion by backward shift), so opening, checking
 * and closing cost the same with ten or ten thousand files open (the fd
 * layer's PERF-008 test opens 10 000). An inode whose last link went while
 * it was open is freed at its last close. */
#include <stdlib.h>

#include "userland/servers/fsd/ext2_internal.h"

static uint32_t home(const struct ext2_fs* fs, uint32_t ino) FS_NO_ANALYSIS {
  return (ino * 2654435761u) & (fs->open_capacity - 1);
}

/* The slot holding `ino`, or the empty slot where it would go. */
static struct open_ref* slot(struct ext2_fs* fs, uint32_t ino) FS_REQUIRES(fs->lock) {
  uint32_t mask = fs->open_capacity - 1;
  for (uint32_t i = home(fs, ino);; i = (i + 1) & mask) {
    if (fs->opens[i].ino == ino || fs->opens[i].ino == 0) return &fs->opens[i];
  }
}

static struct open_ref* find_ref(struct ext2_fs* fs, uint32_t ino) FS_REQUIRES(fs->lock) {
  if (!fs->open_capacity || ino == 0) return 0;
  struct open_ref* r = slot(fs, ino);
  return r->ino == ino ? r : 0;
}

static int grow(struct ext2_fs* fs) FS_REQUIRES(fs->lock) {
  uint32_t old_capacity = fs->open_capacity;
  struct open_ref* old = fs->opens;
  uint32_t capacity = old_capacity ? old_capacity * 2 : 64;
  struct open_ref* table = calloc(capacity, sizeof(*table));
  if (!table) return -ENOMEM;
  fs->opens = table;
  fs->open_capacity = capacity;
  for (uint32_t i = 0; i < old_capacity; ++i) {
    if (old[i].ino) *slot(fs, old[i].ino) = old[i];
  }
  free(old);
  return 0;
}

uint32_t open_refs(struct ext2_fs* fs, uint32_t ino) {
  struct open_ref* r = find_ref(fs, ino);
  return r ? r->count : 0;
}

int open_ref_add(struct ext2_fs* fs, uint32_t ino) {
  if (ino == 0) return -EINVAL;
  struct open_ref* r = find_ref(fs, ino);
  if (r) {
    r->count++;
    return 0;
  }
  if ((fs->open_count + 1) * 2 > fs->open_capacity) TRY(grow(fs));
  r = slot(fs, ino);
  *r = (struct open_ref){ino, 1};
  fs->open_count++;
  return 0;
}

/* Empties slot `i`, moving later entries of its probe run back into it. */
static void erase(struct ext2_fs* fs, uint32_t i) FS_REQUIRES(fs->lock) {
  uint32_t mask = fs->open_capacity - 1;
  for (uint32_t j = (i + 1) & mask; fs->opens[j].ino; j = (j + 1) & mask) {
    uint32_t k = home(fs, fs->opens[j].ino);
    /* The entry at j may fill i unless its home lies cyclically in (i, j]. */
    int stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (!stays) {
      fs->opens[i] = fs->opens[j];
      i = j;
    }
  }
  fs->opens[i].ino = 0;
  fs->opens[i].count = 0;
  fs->open_count--;
}

int ext2_ref(struct ext2_fs* fs, uint32_t ino) {
  fs_mutex_lock(&fs->lock);
  int r = find_ref(fs, ino) ? open_ref_add(fs, ino) : -EINVAL;
  fs_mutex_unlock(&fs->lock);
  return r;
}

int ext2_close(struct ext2_fs* fs, uint32_t ino) {
  fs_mutex_lock(&fs->lock);
  struct open_ref* r = find_ref(fs, ino);
  int result = -EINVAL;
  if (r) {
    if (--r->count == 0) erase(fs, (uint32_t)(r - fs->opens));
    result = fs->read_only ? 0 : inode_release_if_unused(fs, ino);
  }
  fs_mutex_unlock(&fs->lock);
  return result;
}
