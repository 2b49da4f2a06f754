/* The POSIX half of the platform seam, the same on the host and on
 * ViperDOS: directories through dirent, raw mode through termios.
 *
 * SH_LIBC_LACKS_DIRENT_TERMIOS: ViperDOS's libc gets <dirent.h> and
 * <termios.h> from the fd-layer work, which lands separately; until then
 * the ViperDOS build defines this and the shell runs without globbing,
 * file completion or raw mode (remove the define when they land). */
#include <string.h>

#include "userland/shell/platform.h"

#ifndef SH_LIBC_LACKS_DIRENT_TERMIOS

#include <dirent.h>
#include <termios.h>

static struct termios g_saved;
static bool g_raw;

int platform_list_dir(const char* path, sh_vec* names) {
  DIR* dir = opendir(path);
  if (!dir) return -1;
  struct dirent* entry;
  while ((entry = readdir(dir)) != NULL) {
    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
    vec_push(names, sh_xstrdup(entry->d_name));
  }
  closedir(dir);
  return 0;
}

bool platform_raw_mode_enter(int fd) {
  if (tcgetattr(fd, &g_saved) < 0) return false;
  struct termios raw = g_saved;
  raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
  raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL | INLCR);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  /* TCSANOW, not TCSAFLUSH: input typed ahead while a command ran must
   * reach the next prompt, not be discarded. */
  if (tcsetattr(fd, TCSANOW, &raw) < 0) return false;
  g_raw = true;
  return true;
}

void platform_raw_mode_leave(int fd) {
  if (!g_raw) return;
  tcsetattr(fd, TCSANOW, &g_saved);
  g_raw = false;
}

#else /* SH_LIBC_LACKS_DIRENT_TERMIOS */

int platform_list_dir(const char* path, sh_vec* names) {
  (void)path;
  (void)names;
  return -1;
}

bool platform_raw_mode_enter(int fd) {
  (void)fd;
  return false;
}

void platform_raw_mode_leave(int fd) { (void)fd; }

#endif /* SH_LIBC_LACKS_DIRENT_TERMIOS */
