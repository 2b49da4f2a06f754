/* Starting a program: PATH search, `#!` scripts, posix_spawn with the
 * child's file descriptors set up by file actions (no fork). */
#ifndef USERLAND_SHELL_SPAWN_H_
#define USERLAND_SHELL_SPAWN_H_

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "userland/shell/util.h"

/* One step of the child's fd setup, done in order: fd `to` becomes a copy
 * of the shell's fd `from`; or (from < 0) fd `to` is closed. */
typedef struct {
  int from;
  int to;
} sh_fd_action;

typedef struct {
  sh_fd_action* items;
  size_t len;
} sh_fd_actions;

void fd_actions_dup(sh_fd_actions* a, int from, int to);
void fd_actions_close(sh_fd_actions* a, int fd);
void fd_actions_free(sh_fd_actions* a);

/* The program a command name names: itself if it has a '/', else the
 * first match in $PATH (default /bin). Returns 0 and a malloc'd path, or
 * the status to give (127 not found, 126 not executable) after printing
 * "sh: NAME: command not found" or "sh: NAME: Permission denied". */
int sh_resolve_command(const char* name, char** path);

/* Starts argv[0] (already resolved to path) with envp and the actions; a
 * file starting with "#!" is run by the interpreter it names, a file that
 * is neither that nor a program (ENOEXEC) by this shell. group: -1 the
 * shell's process group, 0 a new one, else that one (background jobs).  Returns the
 * pid, or -1 after printing why, with *status the status to give. */
pid_t sh_spawn(const char* path, char** argv, char** envp, const sh_fd_actions* actions,
               pid_t group, int* status);

/* Starts a second shell on text (`sh -c text`), as a copy of this one as
 * far as the environment carries it: the same $0 and parameters, the
 * shell's own variables (exported to it), $$, $! and $?. The shell runs
 * compound commands in pipelines, background lists and $(...) this way,
 * having no fork. Returns as sh_spawn does. */
pid_t sh_spawn_subshell(const char* text, const sh_fd_actions* actions, pid_t group, int* status);

/* The environment variable that carries $$, $!, $? and the set options
 * (1 -e, 2 -x) to a second shell,
 * which reads and removes it at start (main.c). */
#define SH_SUBSHELL_STATE "SH_SUBSHELL_STATE"

/* A `#!` line as an interpreter argv prefix (interpreter, optional
 * argument); false if the file does not start with "#!". */
bool sh_read_shebang(const char* path, sh_vec* prefix);

#endif /* USERLAND_SHELL_SPAWN_H_ */
