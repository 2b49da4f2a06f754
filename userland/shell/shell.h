/* The state of the one shell in this process: what $?, $$, $0, $1... and
 * $! expand to, and whether a person is typing. */
#ifndef USERLAND_SHELL_SHELL_H_
#define USERLAND_SHELL_SHELL_H_

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "userland/shell/history.h"

typedef struct {
  int last_status;     /* $? */
  pid_t pid;           /* $$: this shell's, or in a second shell its parent's */
  int subst_status;    /* the last $(...)'s status while a command expands, or -1 */
  pid_t last_bg;       /* $!, 0 before the first background job */
  char* name;          /* $0 */
  char** params;       /* $1 ... */
  int nparams;         /* $# */
  bool interactive;    /* a person at a terminal: prompt, jobs reports, SIGINT ignored */
  const char* self;    /* a path to this shell's binary, for background and-or lists */
  bool in_pipeline;    /* a built-in runs as a pipeline stage: `exit` ends only the stage */
  int loop_depth;      /* loops running: what break and continue may leave */
  int break_levels;    /* loops still to leave after `break N` / `continue N` */
  bool continuing;     /* once they are left, the next loop goes round again */
  bool errexit;        /* set -e: a failing command ends the shell */
  bool xtrace;         /* set -x: each command is printed before it runs */
  int condition_depth; /* running an if/while/until condition: set -e does not apply */
  /* Ctrl-C while a command ran (the shell's SIGINT handler, or a child
   * ended by SIGINT): every running list stops, back to the prompt. */
  volatile sig_atomic_t interrupted;
} sh_state;

extern sh_state g_sh;
extern sh_history g_history;

#endif /* USERLAND_SHELL_SHELL_H_ */
