/* fs_system_name (fs.h) on ViperDOS: what the kernel is. */
#include "userland/utils/lib/fs.h"

int fs_system_name(struct fs_system_name* name) {
  *name = (struct fs_system_name){.sysname = "ViperDOS",
                                  .nodename = "viperdos",
                                  .release = "0.1.0",
                                  .version = "ViperDOS 0.1.0",
                                  .machine = "aarch64"};
  return 0;
}
