#include "userland/shell/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "userland/shell/builtins.h"
#include "userland/shell/expand.h"
#include "userland/shell/jobs.h"
#include "userland/shell/parser.h"
#include "userland/shell/platform.h"
#include "userland/shell/shell.h"
#include "userland/shell/spawn.h"
#include "userland/shell/vars.h"

/* A command after expansion, with its redirection files open. */
typedef struct {
  sh_vec argv;
  sh_vec assigns; /* NAME=value, expanded */
  int* fds;       /* per redirection: the opened file, or -1 */
  size_t nfds;
} prepared;

static void prepared_free(prepared* p) {
  vec_free(&p->argv);
  vec_free(&p->assigns);
  for (size_t i = 0; i < p->nfds; i++)
    if (p->fds[i] >= 0) close(p->fds[i]);
  free(p->fds);
}

static int open_flags(sh_redir_kind kind) {
  switch (kind) {
    case REDIR_IN:
      return O_RDONLY;
    case REDIR_OUT:
      return O_WRONLY | O_CREAT | O_TRUNC;
    case REDIR_APPEND:
      return O_WRONLY | O_CREAT | O_APPEND;
    case REDIR_DUP:
      break;
  }
  return 0;
}

/* set -x: the command as it will run, on stderr. */
static void trace(const prepared* p) {
  fputc('+', stderr);
  for (size_t i = 0; i < p->assigns.len; i++) fprintf(stderr, " %s", p->assigns.items[i]);
  for (size_t i = 0; i < p->argv.len; i++) fprintf(stderr, " %s", p->argv.items[i]);
  fputc('\n', stderr);
}

/* Expands the command and opens its files; -1 (message printed) when a
 * file cannot be opened. */
static int prepare(const sh_command* c, prepared* p) {
  memset(p, 0, sizeof *p);
  for (size_t i = 0; i < c->assigns.len; i++) {
    const char* raw = c->assigns.items[i];
    const char* eq = strchr(raw, '=');
    char* value = sh_expand_string(eq + 1);
    sh_buf b = {0};
    buf_append(&b, raw, (size_t)(eq - raw) + 1);
    buf_puts(&b, value);
    free(value);
    vec_push(&p->assigns, buf_take(&b));
  }
  for (size_t i = 0; i < c->words.len; i++) sh_expand_word(c->words.items[i], &p->argv);
  p->fds = sh_xmalloc((c->nredirs ? c->nredirs : 1) * sizeof(int));
  for (size_t i = 0; i < c->nredirs; i++) {
    const sh_redir* r = &c->redirs[i];
    p->fds[i] = -1;
    p->nfds = i + 1;
    if (r->kind == REDIR_DUP) continue;
    char* name = sh_expand_string(r->word);
    int fd = open(name, open_flags(r->kind), 0666);
    if (fd < 0) {
      fprintf(stderr, "sh: %s: %s\n", name, strerror(errno));
      free(name);
      return -1;
    }
    free(name);
    p->fds[i] = fd;
  }
  return 0;
}

/* The child's fds: the pipe ends, then the redirections in order. */
static void child_actions(const sh_command* c, const prepared* p, int in_fd, int out_fd,
                          int other_fd, sh_fd_actions* a) {
  if (in_fd >= 0) {
    fd_actions_dup(a, in_fd, 0);
    fd_actions_close(a, in_fd);
  }
  if (out_fd >= 0) {
    fd_actions_dup(a, out_fd, 1);
    fd_actions_close(a, out_fd);
  }
  if (other_fd >= 0) fd_actions_close(a, other_fd);
  for (size_t i = 0; i < c->nredirs; i++) {
    const sh_redir* r = &c->redirs[i];
    if (r->kind == REDIR_DUP) {
      fd_actions_dup(a, r->target, r->fd);
    } else {
      fd_actions_dup(a, p->fds[i], r->fd);
      if (p->fds[i] != r->fd) fd_actions_close(a, p->fds[i]);
    }
  }
}

/* The shell's own fds while a built-in runs redirected: each moved fd is
 * saved first and put back after. */
typedef struct {
  int fd[16];
  int saved[16];
  int n;
} saved_fds;

static int move_fd(saved_fds* s, int from, int to) {
  bool known = false;
  for (int i = 0; i < s->n; i++) known = known || s->fd[i] == to;
  if (!known) {
    if (s->n == 16) return -1;
    s->fd[s->n] = to;
    s->saved[s->n] = dup(to); /* -1 if it was closed: closed again after */
    s->n++;
  }
  return dup2(from, to) < 0 ? -1 : 0;
}

static void restore_fds(saved_fds* s) {
  fflush(NULL);
  for (int i = s->n - 1; i >= 0; i--) {
    if (s->saved[i] >= 0) {
      dup2(s->saved[i], s->fd[i]);
      close(s->saved[i]);
    } else {
      close(s->fd[i]);
    }
  }
}

static int run_builtin(sh_builtin_fn fn, const sh_command* c, prepared* p, int in_fd, int out_fd) {
  saved_fds s = {.n = 0};
  fflush(NULL);
  int rc = 0;
  if (in_fd >= 0) rc |= move_fd(&s, in_fd, 0);
  if (out_fd >= 0) rc |= move_fd(&s, out_fd, 1);
  for (size_t i = 0; i < c->nredirs && rc == 0; i++) {
    const sh_redir* r = &c->redirs[i];
    rc |= move_fd(&s, r->kind == REDIR_DUP ? r->target : p->fds[i], r->fd);
  }
  int status;
  if (rc < 0) {
    fprintf(stderr, "sh: %s: cannot redirect: %s\n", p->argv.items[0], strerror(errno));
    status = 1;
  } else {
    status = fn((int)p->argv.len, p->argv.items);
  }
  restore_fds(&s);
  return status;
}

/* Resolves the command name with the command's redirections in place in
 * the shell, so "command not found" goes where its 2> says. (Only around
 * the search: a child must not inherit the saved copies.) */
static int resolve_redirected(const sh_command* c, prepared* p, int in_fd, int out_fd,
                              char** path) {
  if (c->nredirs == 0) return sh_resolve_command(p->argv.items[0], path);
  saved_fds s = {.n = 0};
  fflush(NULL);
  if (in_fd >= 0) move_fd(&s, in_fd, 0);
  if (out_fd >= 0) move_fd(&s, out_fd, 1);
  for (size_t i = 0; i < c->nredirs; i++) {
    const sh_redir* r = &c->redirs[i];
    move_fd(&s, r->kind == REDIR_DUP ? r->target : p->fds[i], r->fd);
  }
  int status = sh_resolve_command(p->argv.items[0], path);
  restore_fds(&s);
  return status;
}

static int run_compound(const sh_command* c);

/* Has break or continue asked to leave the lists running? */
static bool leaving(void) { return g_sh.break_levels > 0 || g_sh.continuing || g_sh.interrupted; }

/* A loop's body ran: is it over (break), or does it go on? */
static bool loop_ends(void) {
  if (g_sh.break_levels > 0) {
    g_sh.break_levels--;
    return true;
  }
  g_sh.continuing = false;
  return false;
}

static int run_loop(const sh_command* c) {
  int status = 0;
  g_sh.loop_depth++;
  for (;;) {
    g_sh.condition_depth++;
    int cond = sh_run_program(c->conds);
    g_sh.condition_depth--;
    if (leaving() && loop_ends()) break;
    if ((c->kind == CMD_WHILE) != (cond == 0)) break;
    status = sh_run_program(c->bodies);
    if (leaving() && loop_ends()) break;
  }
  g_sh.loop_depth--;
  return status;
}

static int run_for(const sh_command* c) {
  sh_vec values = {0};
  if (c->for_has_in) {
    for (size_t i = 0; i < c->for_words.len; i++) sh_expand_word(c->for_words.items[i], &values);
  } else {
    for (int i = 0; i < g_sh.nparams; i++) vec_push(&values, sh_xstrdup(g_sh.params[i]));
  }
  int status = 0;
  g_sh.loop_depth++;
  for (size_t i = 0; i < values.len; i++) {
    var_set(c->for_name, values.items[i]);
    status = sh_run_program(c->bodies);
    if (leaving() && loop_ends()) break;
  }
  g_sh.loop_depth--;
  vec_free(&values);
  return status;
}

static int run_compound(const sh_command* c) {
  switch (c->kind) {
    case CMD_IF:
      for (size_t i = 0; i < c->nclauses; i++) {
        g_sh.condition_depth++;
        int cond = sh_run_program(&c->conds[i]);
        g_sh.condition_depth--;
        if (leaving()) return cond;
        if (cond == 0) return sh_run_program(&c->bodies[i]);
      }
      return c->has_else ? sh_run_program(&c->bodies[c->nclauses]) : 0;
    case CMD_WHILE:
    case CMD_UNTIL:
      return run_loop(c);
    case CMD_FOR:
      return run_for(c);
    case CMD_GROUP:
      return sh_run_program(c->bodies);
    case CMD_SIMPLE:
      break;
  }
  return 0;
}

/* A compound command alone runs in the shell, its redirections on the
 * shell's fds for the time; in a pipeline or the background it runs in a
 * second shell (`sh -c TEXT`): the shell cannot fork a copy of itself. */
static int run_compound_stage(const sh_command* c, int in_fd, int out_fd, int other_fd, bool alone,
                              pid_t group, pid_t* pid) {
  *pid = -1;
  if (!alone) {
    sh_fd_actions actions = {0};
    if (in_fd >= 0) {
      fd_actions_dup(&actions, in_fd, 0);
      fd_actions_close(&actions, in_fd);
    }
    if (out_fd >= 0) {
      fd_actions_dup(&actions, out_fd, 1);
      fd_actions_close(&actions, out_fd);
    }
    if (other_fd >= 0) fd_actions_close(&actions, other_fd);
    int status = 0;
    *pid = sh_spawn_subshell(c->text, &actions, group, &status);
    fd_actions_free(&actions);
    return status;
  }
  prepared p;
  if (prepare(c, &p) < 0) {
    prepared_free(&p);
    return 1;
  }
  saved_fds s = {.n = 0};
  fflush(NULL);
  int rc = 0;
  for (size_t i = 0; i < c->nredirs && rc == 0; i++) {
    const sh_redir* r = &c->redirs[i];
    rc = move_fd(&s, r->kind == REDIR_DUP ? r->target : p.fds[i], r->fd);
  }
  int status = 1;
  if (rc < 0)
    fprintf(stderr, "sh: cannot redirect: %s\n", strerror(errno));
  else
    status = run_compound(c);
  restore_fds(&s);
  prepared_free(&p);
  return status;
}

/* Runs one stage. Returns its status if it finished in the shell (a
 * built-in, an assignment, a failed start), with *pid = -1; otherwise
 * *pid is the started process. */
static int run_stage(const sh_command* c, int in_fd, int out_fd, int other_fd, bool alone,
                     pid_t group, pid_t* pid) {
  if (c->kind != CMD_SIMPLE)
    return run_compound_stage(c, in_fd, out_fd, other_fd, alone, group, pid);
  *pid = -1;
  prepared p;
  int status = 0;
  g_sh.subst_status = -1;
  if (prepare(c, &p) < 0) {
    prepared_free(&p);
    return 1;
  }
  if (g_sh.xtrace) trace(&p);
  if (p.argv.len == 0) {
    if (alone)
      for (size_t i = 0; i < p.assigns.len; i++) var_assign(p.assigns.items[i]);
    /* x=$(cmd) gives cmd's status, as POSIX says */
    if (g_sh.subst_status >= 0) status = g_sh.subst_status;
  } else if (sh_find_builtin(p.argv.items[0])) {
    for (size_t i = 0; i < p.assigns.len; i++) var_assign(p.assigns.items[i]);
    g_sh.in_pipeline = !alone;
    status = run_builtin(sh_find_builtin(p.argv.items[0]), c, &p, in_fd, out_fd);
    g_sh.in_pipeline = false;
  } else {
    char* path;
    status = resolve_redirected(c, &p, in_fd, out_fd, &path);
    if (status == 0) {
      sh_fd_actions actions = {0};
      child_actions(c, &p, in_fd, out_fd, other_fd, &actions);
      char** envp = var_environment(&p.assigns);
      *pid = sh_spawn(path, p.argv.items, envp, &actions, group, &status);
      free(envp);
      fd_actions_free(&actions);
      free(path);
    }
  }
  prepared_free(&p);
  return status;
}

static int wait_foreground(pid_t* pids, size_t n, int last_status) {
  int count = 0;
  for (size_t i = 0; i < n; i++)
    if (pids[i] > 0) pids[count++] = pids[i];
  if (count == 0) return last_status;
  if (g_sh.interactive) platform_set_foreground(STDIN_FILENO, pids, count);
  int status = last_status;
  bool last_spawned = pids[count - 1] > 0 && last_status < 0;
  for (int i = 0; i < count; i++) {
    int ws = 0;
    pid_t r;
    do {
      r = waitpid(pids[i], &ws, 0);
    } while (r < 0 && errno == EINTR);
    if (i == count - 1 && last_spawned) status = r < 0 ? 127 : sh_status_of(ws);
  }
  if (g_sh.interactive) platform_set_foreground(STDIN_FILENO, NULL, 0);
  if (g_sh.interactive && status == 128 + SIGINT) {
    fputc('\n', stderr);
    g_sh.interrupted = 1; /* `while true; do sleep 1; done` ends too */
  }
  return status;
}

/* The process group for a stage (sh_spawn's group). */
static pid_t background_group(bool background, pid_t group) {
  return background && platform_background_groups() ? group : -1;
}

static int run_pipeline(const sh_pipeline* pl, bool background, const char* text) {
  size_t n = pl->ncmds;
  pid_t* pids = sh_xmalloc(n * sizeof(pid_t));
  int last_status = 0;
  int prev_read = -1;
  pid_t group = 0; /* a background job's group: the first process's pid */
  for (size_t i = 0; i < n; i++) {
    int p[2] = {-1, -1};
    pids[i] = -1;
    if (i + 1 < n && pipe(p) < 0) {
      fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
      last_status = 1;
      n = i;
      break;
    }
    int status = run_stage(&pl->cmds[i], prev_read, p[1], p[0], n == 1 && !background,
                           background_group(background, group), &pids[i]);
    if (group == 0 && pids[i] > 0) group = pids[i];
    if (prev_read >= 0) close(prev_read);
    if (p[1] >= 0) close(p[1]);
    prev_read = p[0];
    /* -1: the last stage runs on; its status comes from waitpid */
    if (i == n - 1) last_status = pids[i] > 0 ? -1 : status;
  }
  if (prev_read >= 0) close(prev_read);
  int status;
  if (background) {
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
      if (pids[i] > 0) pids[count++] = pids[i];
    if (count) {
      int id = jobs_add(pids, count, text);
      g_sh.last_bg = pids[count - 1];
      if (g_sh.interactive) fprintf(stderr, "[%d] %ld\n", id, (long)pids[count - 1]);
    }
    status = 0;
  } else {
    status = wait_foreground(pids, n, last_status);
  }
  free(pids);
  if (pl->negate) status = status == 0 ? 1 : 0;
  return status;
}

/* A background list of several pipelines runs in a second shell: the
 * shell has no fork to run part of itself alongside. */
static int run_background_list(const sh_andor* a) {
  if (a->npipes == 1) return run_pipeline(&a->pipes[0], true, a->text);
  sh_fd_actions actions = {0};
  int status = 0;
  pid_t pid = sh_spawn_subshell(a->text, &actions, background_group(true, 0), &status);
  if (pid < 0) return status;
  int id = jobs_add(&pid, 1, a->text);
  g_sh.last_bg = pid;
  if (g_sh.interactive) fprintf(stderr, "[%d] %ld\n", id, (long)pid);
  return 0;
}

static int run_andor(const sh_andor* a) {
  if (a->background) return run_background_list(a);
  int status = run_pipeline(&a->pipes[0], false, a->text);
  size_t last_run = 0;
  g_sh.last_status = status;
  for (size_t i = 1; i < a->npipes && !leaving(); i++) {
    bool run = a->ops[i - 1] == ANDOR_AND ? status == 0 : status != 0;
    if (!run) continue;
    status = run_pipeline(&a->pipes[i], false, a->text);
    last_run = i;
    g_sh.last_status = status;
  }
  /* set -e: only a failure that nothing tested ends the shell (not the
   * left of && or ||, not a ! pipeline, not a condition) */
  if (g_sh.errexit && status != 0 && g_sh.condition_depth == 0 && last_run == a->npipes - 1 &&
      !a->pipes[last_run].negate) {
    fflush(NULL);
    exit(status);
  }
  return status;
}

int sh_run_program(const sh_program* program) {
  for (size_t i = 0; i < program->nitems && !leaving(); i++)
    g_sh.last_status = run_andor(&program->items[i]);
  return g_sh.last_status;
}

int sh_run_source(const char* source, bool* syntax_error) {
  sh_program program;
  sh_error error;
  if (syntax_error) *syntax_error = false;
  if (sh_parse(source, &program, &error) < 0) {
    fprintf(stderr, "sh: syntax error: %s\n", error.message);
    if (syntax_error) *syntax_error = true;
    g_sh.last_status = 2;
    return 2;
  }
  int status = sh_run_program(&program);
  sh_program_free(&program);
  return status;
}
