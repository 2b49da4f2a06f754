/* The block device the ext2 library runs on: three functions over opaque
 * state, so the guest drives a disk (viper_block_*) and host tests a file.
 * Addresses and sizes are in bytes, multiples of 512; each returns 0 or a
 * negative errno (-EIO for a failed transfer). Called with the file
 * system's lock held, from one thread at a time. */
#ifndef FSD_BLOCKDEV_H_
#define FSD_BLOCKDEV_H_

#include <stddef.h>
#include <stdint.h>

struct fs_blockdev {
  void* context;
  uint64_t size_bytes;
  int read_only; /* the device refuses writes */
  int (*read)(void* context, uint64_t offset, void* buffer, size_t bytes);
  int (*write)(void* context, uint64_t offset, const void* buffer, size_t bytes);
  int (*flush)(void* context); /* everything written so far is durable */
};

#endif /* FSD_BLOCKDEV_H_ */
