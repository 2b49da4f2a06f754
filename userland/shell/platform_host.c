/* The system half of the platform seam on a POSIX host: the kernel's job
 * control delivers Ctrl-C to the terminal's foreground process group, so
 * there is nothing to tell it; permissions are the mode bits. */
#ifndef __viperdos__

#include "userland/shell/platform.h"

void platform_set_foreground(int fd, const pid_t* pids, int count) {
  (void)fd;
  (void)pids;
  (void)count;
}

bool platform_background_groups(void) { return true; }

bool platform_is_executable(const struct stat* st) {
  return S_ISREG(st->st_mode) && (st->st_mode & 0111) != 0;
}

#endif /* !__viperdos__ */
