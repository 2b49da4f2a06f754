#include "userland/shell/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userland/shell/platform.h"
#include "userland/shell/shell.h"
#include "userland/shell/vars.h"

void fd_actions_dup(sh_fd_actions* a, int from, int to) {
  a->items = sh_xrealloc(a->items, (a->len + 1) * sizeof(sh_fd_action));
  a->items[a->len].from = from;
  a->items[a->len].to = to;
  a->len++;
}

void fd_actions_close(sh_fd_actions* a, int fd) { fd_actions_dup(a, -1, fd); }

void fd_actions_free(sh_fd_actions* a) {
  free(a->items);
  a->items = NULL;
  a->len = 0;
}

static int check_file(const char* name, const char* path) {
  struct stat st;
  if (stat(path, &st) < 0) {
    fprintf(stderr, "sh: %s: %s\n", name, strerror(errno));
    return 127;
  }
  if (S_ISDIR(st.st_mode)) {
    fprintf(stderr, "sh: %s: Is a directory\n", name);
    return 126;
  }
  if (!platform_is_executable(&st)) {
    fprintf(stderr, "sh: %s: Permission denied\n", name);
    return 126;
  }
  return 0;
}

int sh_resolve_command(const char* name, char** path) {
  *path = NULL;
  if (name[0] == '\0') {
    fprintf(stderr, "sh: : command not found\n");
    return 127;
  }
  if (strchr(name, '/')) {
    int status = check_file(name, name);
    if (status == 0) *path = sh_xstrdup(name);
    return status;
  }
  const char* search = var_get("PATH");
  if (!search) search = "/bin";
  char* not_executable = NULL;
  sh_buf candidate = {0};
  for (const char* dir = search;;) {
    size_t n = strcspn(dir, ":");
    buf_clear(&candidate);
    if (n == 0)
      buf_puts(&candidate, "."); /* an empty PATH entry is the current directory */
    else
      buf_append(&candidate, dir, n);
    buf_push(&candidate, '/');
    buf_puts(&candidate, name);
    struct stat st;
    if (stat(candidate.data, &st) == 0 && !S_ISDIR(st.st_mode)) {
      if (platform_is_executable(&st)) {
        free(not_executable);
        *path = buf_take(&candidate);
        return 0;
      }
      if (!not_executable) not_executable = sh_xstrdup(candidate.data);
    }
    if (dir[n] == '\0') break;
    dir += n + 1;
  }
  buf_free(&candidate);
  if (not_executable) {
    free(not_executable);
    fprintf(stderr, "sh: %s: Permission denied\n", name);
    return 126;
  }
  fprintf(stderr, "sh: %s: command not found\n", name);
  return 127;
}

pid_t sh_spawn_subshell(const char* text, const sh_fd_actions* actions, pid_t group, int* status) {
  if (!g_sh.self) {
    fprintf(stderr, "sh: cannot run `%s' in a second shell: no path to the shell\n", text);
    *status = 127;
    return -1;
  }
  sh_vec argv = {0};
  vec_push(&argv, sh_xstrdup("sh"));
  vec_push(&argv, sh_xstrdup("-c"));
  vec_push(&argv, sh_xstrdup(text));
  vec_push(&argv, sh_xstrdup(g_sh.name ? g_sh.name : "sh"));
  for (int i = 0; i < g_sh.nparams; i++) vec_push(&argv, sh_xstrdup(g_sh.params[i]));
  sh_vec env = {0};
  var_locals(&env);
  char state[80];
  snprintf(state, sizeof state, "%s=%ld:%ld:%d:%d", SH_SUBSHELL_STATE,
           (long)(g_sh.pid ? g_sh.pid : getpid()), (long)g_sh.last_bg, g_sh.last_status,
           (g_sh.errexit ? 1 : 0) | (g_sh.xtrace ? 2 : 0));
  vec_push(&env, sh_xstrdup(state));
  char** envp = var_environment(&env);
  pid_t pid = sh_spawn(g_sh.self, argv.items, envp, actions, group, status);
  free(envp);
  vec_free(&env);
  vec_free(&argv);
  return pid;
}

bool sh_read_shebang(const char* path, sh_vec* prefix) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return false;
  char head[256];
  ssize_t n = read(fd, head, sizeof head - 1);
  close(fd);
  if (n < 2 || head[0] != '#' || head[1] != '!') return false;
  head[n] = '\0';
  char* line = head + 2;
  line[strcspn(line, "\r\n")] = '\0';
  while (*line == ' ' || *line == '\t') line++;
  size_t len = strcspn(line, " \t");
  if (len == 0) return false;
  vec_push(prefix, sh_xstrndup(line, len));
  char* arg = line + len;
  while (*arg == ' ' || *arg == '\t') arg++;
  size_t arg_len = strlen(arg);
  while (arg_len && (arg[arg_len - 1] == ' ' || arg[arg_len - 1] == '\t')) arg_len--;
  /* as on Linux: everything after the interpreter is one argument */
  if (arg_len) vec_push(prefix, sh_xstrndup(arg, arg_len));
  return true;
}

static int spawn_file(pid_t* pid, const char* path, char** argv, char** envp,
                      const sh_fd_actions* actions, pid_t group) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  for (size_t i = 0; i < actions->len; i++) {
    const sh_fd_action* a = &actions->items[i];
    if (a->from < 0)
      posix_spawn_file_actions_addclose(&fa, a->to);
    else if (a->from != a->to)
      posix_spawn_file_actions_adddup2(&fa, a->from, a->to);
  }
  /* The interactive shell ignores SIGINT; its children must not inherit
   * that, or Ctrl-C could not end them. */
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGQUIT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  short flags = POSIX_SPAWN_SETSIGDEF;
  if (group >= 0) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr, group);
  }
  posix_spawnattr_setflags(&attr, flags);
  fflush(NULL); /* what the shell printed comes before what the child prints */
  int rc = posix_spawn(pid, path, &fa, &attr, argv, envp);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  return rc;
}

pid_t sh_spawn(const char* path, char** argv, char** envp, const sh_fd_actions* actions,
               pid_t group, int* status) {
  sh_vec full = {0};
  const char* program = path;
  char* interpreter = NULL;
  if (sh_read_shebang(path, &full)) {
    /* The shell reads `#!` itself (libc's posix_spawn would too, on
     * ViperDOS), so its host build and tests take the same path. */
    const char* name = full.items[0];
    if (!strchr(name, '/')) {
      *status = sh_resolve_command(name, &interpreter);
      if (*status) {
        vec_free(&full);
        return -1;
      }
    } else {
      interpreter = sh_xstrdup(name);
    }
    program = interpreter;
    vec_push(&full, sh_xstrdup(path));
    for (size_t i = 1; argv[i]; i++) vec_push(&full, sh_xstrdup(argv[i]));
    argv = full.items;
  }
  pid_t pid = -1;
  int rc = spawn_file(&pid, program, argv, envp, actions, group);
  if (rc == ENOEXEC && full.len == 0 && g_sh.self) {
    /* no #! and no program: a script for this shell, as POSIX says */
    vec_push(&full, sh_xstrdup(g_sh.self));
    vec_push(&full, sh_xstrdup(path));
    for (size_t i = 1; argv[i]; i++) vec_push(&full, sh_xstrdup(argv[i]));
    program = g_sh.self;
    rc = spawn_file(&pid, program, full.items, envp, actions, group);
  }
  if (rc != 0) {
    fprintf(stderr, "sh: %s: %s\n", program, strerror(rc));
    *status = (rc == ENOENT) ? 127 : 126;
    pid = -1;
  }
  free(interpreter);
  vec_free(&full);
  return pid;
}
