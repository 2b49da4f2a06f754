/* The system half of the platform seam on ViperDOS: consoled decides who
 * gets Ctrl-C, so the shell names the foreground job's processes to it;
 * the boot archive's files carry no execute bits worth trusting, so any
 * file that is no directory may be tried (posix_spawn then says if it is
 * no program). */
#ifdef __viperdos__

#include <viperdos/console.h>

#include "userland/shell/platform.h"

void platform_set_foreground(int fd, const pid_t* pids, int count) {
  /* Not a console (a pipe, a file): nobody to tell, and no harm done. */
  (void)viper_console_set_foreground(fd, pids, count);
}

bool platform_background_groups(void) { return false; }

bool platform_is_executable(const struct stat* st) { return !S_ISDIR(st->st_mode); }

#endif /* __viperdos__ */
