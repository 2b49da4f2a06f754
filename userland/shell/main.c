/* sh: the ViperDOS shell. `sh` reads commands from a person at a terminal
 * (with the line editor) or from standard input; `sh FILE ARG...` runs a
 * script; `sh -c 'COMMANDS' [NAME ARG...]` runs a string. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userland/shell/complete.h"
#include "userland/shell/exec.h"
#include "userland/shell/jobs.h"
#include "userland/shell/line_editor.h"
#include "userland/shell/parser.h"
#include "userland/shell/platform.h"
#include "userland/shell/shell.h"
#include "userland/shell/spawn.h"
#include "userland/shell/vars.h"

static const char k_usage[] =
    "usage: sh [-i] [FILE [ARG...]]\n"
    "       sh -c COMMANDS [NAME [ARG...]]\n"
    "Runs commands typed at the terminal, read from standard input, from\n"
    "FILE, or given with -c. `help` inside the shell lists the built-ins.\n";

/* The shell's own binary, absolute, so a background list can start it
 * again after a `cd`. */
static const char* find_self(const char* argv0) {
  if (strchr(argv0, '/')) {
    if (argv0[0] == '/') return argv0;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return argv0; /* right until the first cd */
    sh_buf b = {0};
    buf_puts(&b, cwd);
    if (b.len == 0 || b.data[b.len - 1] != '/') buf_push(&b, '/'); /* "/" + "bin/sh" */
    buf_puts(&b, argv0);
    return buf_take(&b);
  }
  const char* path = var_get("PATH");
  if (!path) path = "/bin";
  sh_buf b = {0};
  for (const char* p = path;;) {
    size_t n = strcspn(p, ":");
    buf_clear(&b);
    buf_append(&b, p, n);
    buf_push(&b, '/');
    buf_puts(&b, argv0);
    struct stat st;
    if (stat(b.data, &st) == 0 && platform_is_executable(&st)) return buf_take(&b);
    if (!p[n]) break;
    p += n + 1;
  }
  buf_free(&b);
  return NULL;
}

/* One line from fd, a byte at a time: whatever follows the newline stays
 * unread for the commands that the line starts. False at end of input. */
static bool read_plain_line(int fd, sh_buf* line) {
  buf_clear(line);
  for (;;) {
    char c;
    ssize_t n = read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return line->len > 0;
    if (c == '\n') return true;
    buf_push(line, c);
  }
}

static void write_all(int fd, const char* s, size_t n) {
  while (n) {
    ssize_t w = write(fd, s, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

static char* make_prompt(void) {
  char cwd[PATH_MAX];
  sh_buf b = {0};
  if (getcwd(cwd, sizeof cwd)) {
    buf_puts(&b, cwd);
    buf_push(&b, ' ');
  }
  buf_puts(&b, "$ ");
  return buf_take(&b);
}

/* Edits one line at the terminal in raw mode; false at end of input. */
static bool edit_line(line_editor* e, const char* prompt, sh_buf* line) {
  le_begin(e, prompt);
  le_result r = LE_MORE;
  while (r == LE_MORE) {
    sh_buf* out = le_output(e);
    write_all(STDERR_FILENO, out->data ? out->data : "", out->len);
    buf_clear(out);
    unsigned char c;
    ssize_t n = read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      r = LE_EOF;
      break;
    }
    r = le_feed(e, c);
  }
  sh_buf* out = le_output(e);
  write_all(STDERR_FILENO, out->data ? out->data : "", out->len);
  buf_clear(out);
  buf_clear(line);
  buf_puts(line, le_line(e));
  return r == LE_LINE;
}

/* One line at a prompt: edited at a terminal, else read plainly. */
static bool prompt_line(line_editor* editor, bool terminal, const char* prompt, sh_buf* line) {
  if (terminal && platform_raw_mode_enter(STDIN_FILENO)) {
    bool got = edit_line(editor, prompt, line);
    platform_raw_mode_leave(STDIN_FILENO);
    return got;
  }
  write_all(STDERR_FILENO, prompt, strlen(prompt));
  return read_plain_line(STDIN_FILENO, line);
}

/* Into the history, and its file when $HISTFILE names a writable one. */
static void remember(const char* text) {
  const char* histfile = var_get("HISTFILE");
  if (history_add(&g_history, text) && histfile)
    history_append_file(histfile, text); /* not writable (yet): history stays in memory */
}

static void note_interrupt(int signal_number) {
  (void)signal_number;
  g_sh.interrupted = 1;
}

static int interactive(void) {
  /* Ctrl-C is for the foreground job; the shell only notes it, to stop
   * the list it runs (a handler, not SIG_IGN: programs start with the
   * default again, as for every caught signal) */
  struct sigaction on_interrupt;
  memset(&on_interrupt, 0, sizeof on_interrupt);
  on_interrupt.sa_handler = note_interrupt;
  sigemptyset(&on_interrupt.sa_mask);
  sigaction(SIGINT, &on_interrupt, NULL);
  signal(SIGQUIT, SIG_IGN);
#ifdef SIGTSTP
  /* No job control: Ctrl-Z would stop a program that nothing could
   * continue, so it stops nothing (programs inherit this). */
  signal(SIGTSTP, SIG_IGN);
#endif
  /* No $HISTFILE: $HOME/.sh_history, once $HOME is writable (a disk). */
  char default_histfile[1024];
  if (!var_get("HISTFILE") &&
      history_default_file(var_get("HOME"), default_histfile, sizeof default_histfile) == 0) {
    var_set("HISTFILE", default_histfile);
  }
  const char* histfile = var_get("HISTFILE");
  if (histfile) history_load(&g_history, histfile);
  bool terminal = isatty(STDIN_FILENO);
  platform_set_foreground(STDIN_FILENO, NULL, 0); /* Ctrl-C at the prompt is the editor's */
  line_editor editor;
  le_init(&editor, &g_history, isatty(STDERR_FILENO), sh_complete, NULL);
  sh_buf line = {0};
  sh_buf command = {0};
  for (;;) {
    g_sh.interrupted = 0;
    jobs_report_finished(stderr);
    char* prompt = make_prompt();
    bool got = prompt_line(&editor, terminal, prompt, &line);
    free(prompt);
    if (!got) break;
    buf_clear(&command);
    buf_puts(&command, line.data ? line.data : "");
    remember(line.data ? line.data : "");
    /* `if ...` or an open quote goes on at a "> " prompt */
    while (sh_needs_more(command.data) && prompt_line(&editor, terminal, "> ", &line)) {
      remember(line.data ? line.data : "");
      buf_push(&command, '\n');
      buf_puts(&command, line.data ? line.data : "");
    }
    sh_run_source(command.data, NULL);
  }
  buf_free(&command);
  if (terminal) write_all(STDERR_FILENO, "exit\n", 5);
  buf_free(&line);
  le_free(&editor);
  return g_sh.last_status;
}

static int from_stdin(void) {
  sh_buf line = {0};
  sh_buf command = {0};
  while (read_plain_line(STDIN_FILENO, &line)) {
    buf_clear(&command);
    buf_puts(&command, line.data ? line.data : "");
    while (sh_needs_more(command.data) && read_plain_line(STDIN_FILENO, &line)) {
      buf_push(&command, '\n');
      buf_puts(&command, line.data ? line.data : "");
    }
    sh_run_source(command.data, NULL);
  }
  buf_free(&command);
  buf_free(&line);
  return g_sh.last_status;
}

static int script(const char* path) {
  char* text = sh_read_file(path);
  if (!text) {
    fprintf(stderr, "sh: %s: %s\n", path, strerror(errno));
    return 127;
  }
  bool syntax_error;
  int status = sh_run_source(text, &syntax_error);
  free(text);
  return syntax_error ? 2 : status;
}

/* A second shell (sh_spawn_subshell) takes $$, $!, $? and the set options
 * from its parent. */
static void inherit_subshell_state(void) {
  const char* state = getenv(SH_SUBSHELL_STATE);
  if (!state) return;
  long pid, last_bg;
  int status, options;
  if (sscanf(state, "%ld:%ld:%d:%d", &pid, &last_bg, &status, &options) == 4) {
    g_sh.pid = (pid_t)pid;
    g_sh.last_bg = (pid_t)last_bg;
    g_sh.last_status = status;
    g_sh.errexit = options & 1;
    g_sh.xtrace = options & 2;
  }
  unsetenv(SH_SUBSHELL_STATE);
}

int main(int argc, char** argv) {
  g_sh.name = argv[0];
  g_sh.pid = getpid();
  inherit_subshell_state();
  g_sh.self = find_self(argv[0]);
  if (!var_get("PATH")) var_export("PATH", "/bin");
  bool force_interactive = false;
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    const char* opt = argv[i];
    if (strcmp(opt, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
      fputs(k_usage, stdout);
      return 0;
    }
    if (strcmp(opt, "-i") == 0) {
      force_interactive = true;
      continue;
    }
    if (strcmp(opt, "-c") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "sh: -c: needs a command string\n%s", k_usage);
        return 2;
      }
      const char* commands = argv[i + 1];
      if (i + 2 < argc) g_sh.name = argv[i + 2];
      g_sh.params = argv + i + 3 <= argv + argc ? argv + i + 3 : argv + argc;
      g_sh.nparams = argc - (i + 3) > 0 ? argc - (i + 3) : 0;
      bool syntax_error;
      int status = sh_run_source(commands, &syntax_error);
      return syntax_error ? 2 : status;
    }
    fprintf(stderr, "sh: %s: unknown option\n%s", opt, k_usage);
    return 2;
  }
  if (i < argc) {
    g_sh.name = argv[i];
    g_sh.params = argv + i + 1;
    g_sh.nparams = argc - i - 1;
    return script(argv[i]);
  }
  g_sh.interactive = force_interactive || isatty(STDIN_FILENO);
  return g_sh.interactive ? interactive() : from_stdin();
}
