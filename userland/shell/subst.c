#include "userland/shell/subst.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "userland/shell/jobs.h"
#include "userland/shell/shell.h"
#include "userland/shell/spawn.h"
#include "userland/shell/vars.h"

char* sh_command_output(const char* commands) {
  int fds[2];
  if (pipe(fds) < 0) {
    fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
    return sh_xstrdup("");
  }
  sh_fd_actions actions = {0};
  fd_actions_dup(&actions, fds[1], 1);
  fd_actions_close(&actions, fds[1]);
  fd_actions_close(&actions, fds[0]);
  int status = 0;
  pid_t pid = sh_spawn_subshell(commands, &actions, -1, &status);
  fd_actions_free(&actions);
  close(fds[1]);
  sh_buf out = {0};
  char chunk[512];
  ssize_t n;
  while ((n = read(fds[0], chunk, sizeof chunk)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    buf_append(&out, chunk, (size_t)n);
  }
  close(fds[0]);
  if (pid > 0) {
    int ws = 0;
    pid_t r;
    do {
      r = waitpid(pid, &ws, 0);
    } while (r < 0 && errno == EINTR);
    status = r < 0 ? 127 : sh_status_of(ws);
  }
  g_sh.last_status = status;
  g_sh.subst_status = status;
  while (out.len && out.data[out.len - 1] == '\n') out.data[--out.len] = '\0';
  return buf_take(&out);
}
