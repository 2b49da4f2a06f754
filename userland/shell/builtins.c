#include "userland/shell/builtins.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "userland/shell/builtins_script.h"
#include "userland/shell/exec.h"
#include "userland/shell/jobs.h"
#include "userland/shell/platform.h"
#include "userland/shell/shell.h"
#include "userland/shell/vars.h"

static int usage(const char* name, const char* text) {
  fprintf(stderr, "sh: %s: usage: %s\n", name, text);
  return 2;
}

/* A decimal integer, all of s. */
static bool parse_int(const char* s, long* out) {
  if (!*s) return false;
  char* end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (*end || errno) return false;
  *out = v;
  return true;
}

static int b_cd(int argc, char** argv) {
  if (argc > 2) return usage("cd", "cd [DIR | -]");
  const char* dir = argc > 1 ? argv[1] : var_get("HOME");
  if (!dir || !*dir) dir = "/";
  bool back = strcmp(dir, "-") == 0;
  if (back) {
    dir = var_get("OLDPWD");
    if (!dir) {
      fprintf(stderr, "sh: cd: OLDPWD not set\n");
      return 1;
    }
  }
  char old[PATH_MAX];
  bool have_old = getcwd(old, sizeof old) != NULL;
  char* target = sh_xstrdup(dir);
  if (chdir(target) < 0) {
    fprintf(stderr, "sh: cd: %s: %s\n", target, strerror(errno));
    free(target);
    return 1;
  }
  free(target);
  if (have_old) var_set("OLDPWD", old);
  char now[PATH_MAX];
  if (getcwd(now, sizeof now)) {
    var_set("PWD", now);
    if (back) printf("%s\n", now);
  }
  return 0;
}

static int b_pwd(int argc, char** argv) {
  (void)argv;
  if (argc > 1) return usage("pwd", "pwd");
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) {
    fprintf(stderr, "sh: pwd: %s\n", strerror(errno));
    return 1;
  }
  printf("%s\n", cwd);
  return 0;
}

/* In a pipeline it only gives the stage its status. */
static int b_exit(int argc, char** argv) {
  long code = g_sh.last_status;
  if (argc > 2) return usage("exit", "exit [N]");
  if (argc == 2 && !parse_int(argv[1], &code)) {
    fprintf(stderr, "sh: exit: %s: numeric argument required\n", argv[1]);
    code = 2;
  }
  if (g_sh.in_pipeline) return (int)(code & 0xff); /* a stage ends, not the shell */
  fflush(NULL);
  exit((int)(code & 0xff));
}

static int b_export(int argc, char** argv) {
  if (argc == 1) {
    var_print_exports();
    return 0;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) {
    char* eq = strchr(argv[i], '=');
    char* name = eq ? sh_xstrndup(argv[i], (size_t)(eq - argv[i])) : sh_xstrdup(argv[i]);
    if (!var_name_valid(name)) {
      fprintf(stderr, "sh: export: `%s': not a valid name\n", argv[i]);
      status = 1;
    } else {
      var_export(name, eq ? eq + 1 : NULL);
    }
    free(name);
  }
  return status;
}

static int b_unset(int argc, char** argv) {
  int status = 0;
  if (argc == 1) return usage("unset", "unset NAME...");
  for (int i = 1; i < argc; i++) {
    if (!var_name_valid(argv[i])) {
      fprintf(stderr, "sh: unset: `%s': not a valid name\n", argv[i]);
      status = 1;
      continue;
    }
    var_unset(argv[i]);
  }
  return status;
}

static int b_history(int argc, char** argv) {
  long last = (long)g_history.len;
  if (argc > 2 || (argc == 2 && (!parse_int(argv[1], &last) || last < 0)))
    return usage("history", "history [N]");
  size_t from = (size_t)last < g_history.len ? g_history.len - (size_t)last : 0;
  for (size_t i = from; i < g_history.len; i++) printf("%5zu  %s\n", i + 1, g_history.items[i]);
  return 0;
}

static int b_jobs(int argc, char** argv) {
  (void)argv;
  if (argc > 1) return usage("jobs", "jobs");
  jobs_list(stdout);
  return 0;
}

static int b_fg(int argc, char** argv) {
  if (argc > 2) return usage("fg", "fg [%N]");
  sh_job* job = argc == 2 ? jobs_parse_spec(argv[1], "fg") : jobs_current();
  if (!job) {
    if (argc == 1) fprintf(stderr, "sh: fg: no current job\n");
    return 1;
  }
  printf("%s\n", job->text);
  fflush(stdout);
  if (g_sh.interactive) platform_set_foreground(STDIN_FILENO, job->pids, (int)job->npids);
  int status = jobs_wait(job);
  if (g_sh.interactive) platform_set_foreground(STDIN_FILENO, NULL, 0);
  return status;
}

static int b_wait(int argc, char** argv) {
  if (argc == 1) {
    while (jobs_count()) jobs_wait(jobs_at(0));
    return 0;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) {
    sh_job* job = NULL;
    long pid;
    if (argv[i][0] == '%') {
      job = jobs_parse_spec(argv[i], "wait");
    } else if (parse_int(argv[i], &pid)) {
      job = jobs_find_pid((pid_t)pid);
      if (!job) fprintf(stderr, "sh: wait: pid %ld is not a child of this shell\n", pid);
    } else {
      fprintf(stderr, "sh: wait: `%s': not a pid or %%job\n", argv[i]);
      return 2;
    }
    status = job ? jobs_wait(job) : 127;
  }
  return status;
}

static const struct {
  const char* name;
  int number;
} k_signals[] = {{"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"KILL", SIGKILL},
                 {"TERM", SIGTERM}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE},
                 {"ALRM", SIGALRM}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP}};

static int signal_number(const char* s) {
  long n;
  if (parse_int(s, &n)) return n > 0 && n < 64 ? (int)n : -1;
  if (strncmp(s, "SIG", 3) == 0) s += 3;
  for (size_t i = 0; i < sizeof k_signals / sizeof k_signals[0]; i++)
    if (strcmp(s, k_signals[i].name) == 0) return k_signals[i].number;
  return -1;
}

static int b_kill(int argc, char** argv) {
  int sig = SIGTERM;
  int i = 1;
  if (argc > 1 && strcmp(argv[1], "-l") == 0) {
    for (size_t k = 0; k < sizeof k_signals / sizeof k_signals[0]; k++)
      printf("%d %s\n", k_signals[k].number, k_signals[k].name);
    return 0;
  }
  if (argc > 1 && argv[1][0] == '-') {
    const char* name = argv[1] + 1;
    if (strcmp(argv[1], "-s") == 0 && argc > 2) name = argv[++i];
    sig = signal_number(name);
    if (sig < 0) {
      fprintf(stderr, "sh: kill: %s: unknown signal\n", name);
      return 2;
    }
    i++;
  }
  if (i >= argc) return usage("kill", "kill [-SIGNAL] %N|PID...");
  int status = 0;
  for (; i < argc; i++) {
    long pid;
    if (argv[i][0] == '%') {
      sh_job* job = jobs_parse_spec(argv[i], "kill");
      if (!job) {
        status = 1;
        continue;
      }
      for (size_t k = 0; k < job->npids; k++)
        if (!job->done[k] && kill(job->pids[k], sig) < 0) status = 1;
    } else if (parse_int(argv[i], &pid)) {
      if (kill((pid_t)pid, sig) < 0) {
        fprintf(stderr, "sh: kill: %ld: %s\n", pid, strerror(errno));
        status = 1;
      }
    } else {
      fprintf(stderr, "sh: kill: `%s': not a pid or %%job\n", argv[i]);
      status = 2;
    }
  }
  return status;
}

static int b_source(int argc, char** argv) {
  if (argc < 2) return usage(argv[0], ". FILE [ARG...]");
  char* text = sh_read_file(argv[1]);
  if (!text) {
    fprintf(stderr, "sh: %s: %s: %s\n", argv[0], argv[1], strerror(errno));
    return 1;
  }
  char** saved_params = g_sh.params;
  int saved_n = g_sh.nparams;
  if (argc > 2) {
    g_sh.params = argv + 2;
    g_sh.nparams = argc - 2;
  }
  int status = sh_run_source(text, NULL);
  g_sh.params = saved_params;
  g_sh.nparams = saved_n;
  free(text);
  return status;
}

/* break [N] and continue [N]: leave N loops (continue: then go round the
 * N-th again). */
static int loop_control(int argc, char** argv, bool is_continue) {
  long n = 1;
  if (argc > 2 || (argc == 2 && (!parse_int(argv[1], &n) || n < 1)))
    return usage(argv[0], is_continue ? "continue [N]" : "break [N]");
  if (g_sh.loop_depth == 0) {
    fprintf(stderr, "sh: %s: only meaningful in a loop\n", argv[0]);
    return 1;
  }
  if (n > g_sh.loop_depth) n = g_sh.loop_depth;
  g_sh.break_levels = (int)(is_continue ? n - 1 : n);
  g_sh.continuing = is_continue;
  return 0;
}

static int b_break(int argc, char** argv) { return loop_control(argc, argv, false); }
static int b_continue(int argc, char** argv) { return loop_control(argc, argv, true); }

static int b_true(int argc, char** argv) {
  (void)argc;
  (void)argv;
  return 0;
}

static int b_false(int argc, char** argv) {
  (void)argc;
  (void)argv;
  return 1;
}

static int b_help(int argc, char** argv);

static const struct {
  const char* name;
  sh_builtin_fn fn;
  const char* help;
} k_builtins[] = {
    {".", b_source, "FILE [ARG...]   run FILE's commands in this shell"},
    {":", b_true, "               do nothing, successfully"},
    {"[", sh_builtin_test, "EXPR ]         the same as test"},
    {"break", b_break, "[N]          leave the innermost N loops (default 1)"},
    {"cd", b_cd, "[DIR | -]       change the working directory (default $HOME, - the last)"},
    {"continue", b_continue, "[N]     go round the N-th loop (default 1) again"},
    {"exit", b_exit, "[N]           leave the shell with status N (default $?)"},
    {"export", b_export, "[NAME[=V]...] give programs these variables; alone: list them"},
    {"false", b_false, "              fail (status 1)"},
    {"fg", b_fg, "[%N]            wait for background job N in the foreground"},
    {"help", b_help, "              this list"},
    {"history", b_history, "[N]        the last N (default all) commands entered"},
    {"jobs", b_jobs, "              the background jobs and whether they still run"},
    {"kill", b_kill, "[-SIG] %N|PID  send a signal (default TERM) to a job or process"},
    {"pwd", b_pwd, "               print the working directory"},
    {"read", sh_builtin_read, "[-r] NAME...  read a line of input into variables"},
    {"set", sh_builtin_set, "[-ex] [--] [ARG..] -e: stop at a failure, -x: trace; ARGs: $1..."},
    {"shift", sh_builtin_shift, "[N]          drop the first N parameters"},
    {"source", b_source, "FILE [ARG..] the same as ."},
    {"test", sh_builtin_test,
     "EXPR          -n -z -e -f -d -s -r -w -x, = !=, -eq -ne -lt -le -gt -ge, !"},
    {"true", b_true, "              succeed (status 0)"},
    {"unset", b_unset, "NAME...      forget variables"},
    {"wait", b_wait, "[%N|PID...]   wait for background jobs (default all); $? is the last"},
};

enum { kNumBuiltins = sizeof k_builtins / sizeof k_builtins[0] };

static int b_help(int argc, char** argv) {
  (void)argc;
  (void)argv;
  printf("ViperDOS shell. Built-in commands:\n");
  for (size_t i = 0; i < kNumBuiltins; i++)
    printf("  %s %s\n", k_builtins[i].name, k_builtins[i].help);
  printf("Other commands are programs found in $PATH (see `ls /bin`).\n");
  return 0;
}

sh_builtin_fn sh_find_builtin(const char* name) {
  for (size_t i = 0; i < kNumBuiltins; i++)
    if (strcmp(k_builtins[i].name, name) == 0) return k_builtins[i].fn;
  return NULL;
}

const char* const* sh_builtin_names(void) {
  static const char* names[kNumBuiltins + 1];
  for (size_t i = 0; i < kNumBuiltins; i++) names[i] = k_builtins[i].name;
  names[kNumBuiltins] = NULL;
  return names;
}
