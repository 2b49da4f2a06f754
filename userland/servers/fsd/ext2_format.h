/* The ext2 on-disk format, as byte offsets into little-endian records (the
 * layout of e2fsprogs' ext2_fs.h; one definition of each field here, used
 * by every file). Records are read and written through get/put so nothing
 * depends on struct packing, and bytes fsd does not know are kept as they
 * are when a record is written back. */
#ifndef FSD_EXT2_FORMAT_H_
#define FSD_EXT2_FORMAT_H_

#include <stdint.h>
#include <string.h>

static inline uint16_t le16(const uint8_t* p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t le32(const uint8_t* p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void put16(uint8_t* p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static inline void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = (uint8_t)(v >> (8 * i));
}

/* Superblock: 1024 bytes at byte 1024 of the device. */
#define EXT2_SB_OFFSET 1024
#define EXT2_SB_BYTES 1024
#define SB_INODES_COUNT 0
#define SB_BLOCKS_COUNT 4
#define SB_FREE_BLOCKS 12
#define SB_FREE_INODES 16
#define SB_FIRST_DATA_BLOCK 20
#define SB_LOG_BLOCK_SIZE 24
#define SB_BLOCKS_PER_GROUP 32
#define SB_INODES_PER_GROUP 40
#define SB_MTIME 44
#define SB_WTIME 48
#define SB_MNT_COUNT 52
#define SB_MAGIC 56
#define SB_STATE 58
#define SB_REV_LEVEL 76
#define SB_FIRST_INO 84
#define SB_INODE_SIZE 88
#define SB_FEATURE_COMPAT 92
#define SB_FEATURE_INCOMPAT 96
#define SB_FEATURE_RO_COMPAT 100
#define EXT2_MAGIC 0xEF53

#define COMPAT_DIR_INDEX 0x0020
#define INCOMPAT_COMPRESSION 0x0001
#define INCOMPAT_FILETYPE 0x0002
#define INCOMPAT_RECOVER 0x0004 /* a journal that needs recovery */
#define INCOMPAT_JOURNAL_DEV 0x0008
#define INCOMPAT_META_BG 0x0010
#define INCOMPAT_EXTENTS 0x0040
#define INCOMPAT_64BIT 0x0080
#define INCOMPAT_MMP 0x0100
#define INCOMPAT_FLEX_BG 0x0200
#define INCOMPAT_INLINE_DATA 0x8000
#define RO_COMPAT_SPARSE_SUPER 0x0001
#define RO_COMPAT_LARGE_FILE 0x0002

/* Group descriptor: 32 bytes each, from the block after the superblock's. */
#define GD_BYTES 32
#define GD_BLOCK_BITMAP 0
#define GD_INODE_BITMAP 4
#define GD_INODE_TABLE 8
#define GD_FREE_BLOCKS 12
#define GD_FREE_INODES 14
#define GD_USED_DIRS 16

/* Inode: s_inode_size bytes (128 or more). */
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define I_MODE 0
#define I_UID 2
#define I_SIZE 4
#define I_ATIME 8
#define I_CTIME 12
#define I_MTIME 16
#define I_DTIME 20
#define I_GID 24
#define I_LINKS 26
#define I_BLOCKS 28 /* 512-byte units, indirect blocks included */
#define I_FLAGS 32
#define I_BLOCK 40 /* 15 block numbers */
#define I_FILE_ACL 104
#define I_SIZE_HIGH 108
#define I_UID_HIGH 120
#define I_GID_HIGH 122
#define I_EXTRA_ISIZE 128 /* large inodes only */
#define I_CTIME_EXTRA 132
#define I_MTIME_EXTRA 136
#define I_ATIME_EXTRA 140
#define EXT2_EXTRA_ISIZE_NEW 32 /* what a new large inode gets, as Linux */

#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15

#define EXT2_INDEX_FL 0x00001000   /* dir_index (htree) directory */
#define EXT2_EXTENTS_FL 0x00080000 /* refused: extents */
#define EXT2_INLINE_FL 0x10000000  /* refused: inline data */

#define EXT2_ROOT_INO 2
#define EXT2_RESIZE_INO 7

/* Directory entry: inode, rec_len, name_len, file_type, name. */
#define DE_INODE 0
#define DE_REC_LEN 4
#define DE_NAME_LEN 6
#define DE_FILE_TYPE 7
#define DE_NAME 8
#define DE_HEADER 8
#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG 1
#define EXT2_FT_DIR 2
#define EXT2_FT_SYMLINK 7
static inline uint32_t de_size(uint32_t name_len) { return (DE_HEADER + name_len + 3) & ~3u; }

/* Mode bits (ext2's, which are POSIX's). */
#define EXT2_S_IFMT 0xF000
#define EXT2_S_IFREG 0x8000
#define EXT2_S_IFDIR 0x4000
#define EXT2_S_IFLNK 0xA000
#define EXT2_FAST_SYMLINK_MAX 59 /* target bytes that fit in i_block */

/* Extended-attribute block header: its reference count. */
#define EA_MAGIC 0xEA020000
#define EA_REFCOUNT 4

#endif /* FSD_EXT2_FORMAT_H_ */
