/* Waiting for the disk (bootstrap.h). */
#include "userland/servers/fsd/bootstrap.h"

#include <string.h>

#define BLOCK_TAG "block"

int fsd_bootstrap_take_disk(const struct fsd_bootstrap_ops* ops, uint64_t* disk) {
  if (!ops || !ops->read || !ops->wait || !disk) return FSD_BOOT_CLOSED;
  for (;;) {
    char bytes[64];
    uint64_t handles[FSD_BOOT_HANDLES_MAX];
    size_t count = 0;
    int64_t n = ops->read(ops->context, bytes, sizeof(bytes), handles, &count);
    if (n == FSD_BOOT_EMPTY) {
      /* USER-003: block until it comes, with no count and no deadline. */
      int64_t w = ops->wait(ops->context);
      if (w < 0) return (int)w;
      continue;
    }
    if (n < 0) return (int)n;
    if ((size_t)n == strlen(BLOCK_TAG) && memcmp(bytes, BLOCK_TAG, (size_t)n) == 0 && count == 1) {
      *disk = handles[0];
      return 0;
    }
    if (ops->report)
      ops->report(ops->context,
                  "fsd: ignoring a bootstrap message that is not \"block\" and one disk\n");
    for (size_t i = 0; i < count && ops->close_handle; ++i)
      ops->close_handle(ops->context, handles[i]);
  }
}
