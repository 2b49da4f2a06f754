/* fsd's bootstrap (fs_protocol.h): its bootstrap channel brings one
 * message, the bytes "block" and the handle of the disk to mount. fsd
 * waits for it by blocking on the channel, however late it comes (USER-003:
 * the predecessor tried 2000 times with yields in between, and missed a
 * disk that came later). Other messages are reported, their handles closed,
 * and the wait goes on; the channel closing ends it with an error.
 *
 * The channel is reached through these operations so a host test can play
 * the kernel and init: fsd.c passes viper_channel_read / viper_object_wait. */
#ifndef FSD_BOOTSTRAP_H_
#define FSD_BOOTSTRAP_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FSD_BOOT_EMPTY (-1)  /* read: no message yet */
#define FSD_BOOT_CLOSED (-2) /* read or wait: the peer is gone */
#define FSD_BOOT_HANDLES_MAX 8

struct fsd_bootstrap_ops {
  void* context;
  /* Takes a message if one is there (never blocks): its byte count, and
   * its handles; FSD_BOOT_EMPTY, FSD_BOOT_CLOSED or another negative. */
  int64_t (*read)(void* context, void* bytes, size_t capacity, uint64_t* handles,
                  size_t* handle_count);
  /* Blocks, with no deadline, until a message is there or the peer closed. */
  int64_t (*wait)(void* context);
  void (*close_handle)(void* context, uint64_t handle);
  void (*report)(void* context, const char* text);
};

/* 0 and the disk's handle in *disk, or a negative error. */
int fsd_bootstrap_take_disk(const struct fsd_bootstrap_ops* ops, uint64_t* disk);

#ifdef __cplusplus
}
#endif

#endif /* FSD_BOOTSTRAP_H_ */
