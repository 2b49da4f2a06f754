/* The POSIX half of the platform seam, the same on the host and on
 * ViperDOS: directories through dirent, raw mode through termios. */
#include <dirent.h>
#include <string.h>
#include <termios.h>

#include "userland/shell/platform.h"

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
