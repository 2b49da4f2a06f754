/* xargs: runs COMMAND with the words read from stdin as its arguments, as
 * many to a run as fit. Words are separated by blanks and newlines;
 * '...', "..." and a backslash quote, as POSIX has it.
 *
 * A run gets at most the arguments and bytes ViperDOS's spawn carries
 * (VIPER_SPAWN_ARGS_MAX entries, VIPER_SPAWN_ARG_BYTES_MAX bytes with the
 * environment), on the host too, so both behave alike. Statuses as GNU
 * xargs: 123 a run exited 1-125, 124 one exited 255 (xargs stops), 125
 * one was killed by a signal, 126 COMMAND cannot run, 127 not found. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <viperdos/syscalls.h>

#include "userland/utils/lib/util.h"

extern char** environ;

static const struct util_program kProgram = {
    .name = "xargs",
    .usage = "[-rt] [-n MAX] [COMMAND [ARG]...]",
    .help =
        "Runs COMMAND (default: echo) with ARGs and the words of stdin, as many to a\n"
        "run as fit; words are separated by blanks and newlines, quoted by '', \"\"\n"
        "and a backslash.\n"
        "  -n MAX  at most MAX words to a run\n"
        "  -r      do not run COMMAND when stdin has no words\n"
        "  -t      write each command line to stderr before running it\n"};

enum { kRunFailed = 123, kExited255 = 124, kSignalled = 125, kCannotRun = 126, kNotFound = 127 };

static char* args[VIPER_SPAWN_ARGS_MAX + 1];
static int fixed_count, arg_count;
static size_t fixed_bytes, arg_bytes;
static int tracing;
static int status = UTIL_OK;

static size_t environment_bytes(void) {
  size_t n = 0;
  for (char** e = environ; *e != NULL; ++e) n += strlen(*e) + 1;
  return n;
}

/* Runs the command with the words gathered so far, then forgets them.
 * Returns 0 to go on, or the status xargs must end with at once. */
static int run(void) {
  args[arg_count] = NULL;
  if (tracing) {
    for (int i = 0; i < arg_count; ++i) fprintf(stderr, "%s%s", i ? " " : "", args[i]);
    fputc('\n', stderr);
  }
  fflush(stdout);
  pid_t pid;
  const int error = posix_spawnp(&pid, args[0], NULL, NULL, args, environ);
  for (int i = fixed_count; i < arg_count; ++i) free(args[i]);
  arg_count = fixed_count;
  arg_bytes = fixed_bytes;
  if (error != 0) {
    errno = error;
    util_errno("%s", args[0]);
    return error == ENOENT ? kNotFound : kCannotRun;
  }
  int wstatus;
  while (waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) {
      util_errno("waitpid");
      return UTIL_FAILURE;
    }
  }
  if (WIFSIGNALED(wstatus)) {
    util_error("%s: terminated by signal %d", args[0], WTERMSIG(wstatus));
    return kSignalled;
  }
  const int code = WEXITSTATUS(wstatus);
  if (code == 255) {
    util_error("%s: exited with status 255; aborting", args[0]);
    return kExited255;
  }
  if (code != 0) status = kRunFailed;
  return 0;
}

/* The next word of stdin into *word (grown as needed): 1, 0 at the end,
 * -1 after an unmatched quote (reported). */
static int next_word(char** word, size_t* capacity) {
  int c;
  while ((c = getchar()) != EOF && (isblank(c) || c == '\n')) {
  }
  if (c == EOF) return 0;
  size_t length = 0;
  int quote = 0;
  for (; c != EOF; c = getchar()) {
    if (quote != 0) {
      if (c == '\n') break;
      if (c == quote) {
        quote = 0;
        continue;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      continue;
    } else if (c == '\\') {
      if ((c = getchar()) == EOF) break;
    } else if (isblank(c) || c == '\n') {
      break;
    }
    if (length + 2 > *capacity) {
      *capacity = *capacity ? *capacity * 2 : 64;
      char* grown = realloc(*word, *capacity);
      if (grown == NULL) {
        util_error("out of memory");
        exit(UTIL_FAILURE);
      }
      *word = grown;
    }
    (*word)[length++] = (char)c;
  }
  if (quote != 0) {
    util_error(
        "unmatched %s quote; by default quotes are special to xargs unless you use the -0 option",
        quote == '\'' ? "single" : "double");
    return -1;
  }
  if (*word == NULL && (*word = malloc(1)) == NULL) exit(UTIL_FAILURE);
  (*word)[length] = '\0';
  return 1;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  uint64_t per_run = VIPER_SPAWN_ARGS_MAX;
  int run_empty = 1;
  for (int c; (c = util_next_option(&o, "n:rt")) != -1;) {
    if (c == 'n') per_run = util_parse_number(o.arg, "number of arguments", UINT32_MAX);
    if (c == 'r') run_empty = 0;
    if (c == 't') tracing = 1;
  }
  if (per_run == 0) util_usage_error("invalid number of arguments: '0'");
  static char echo[] = "echo";
  fixed_count = o.index < argc ? argc - o.index : 1;
  if (fixed_count >= VIPER_SPAWN_ARGS_MAX) util_usage_error("too many arguments to COMMAND");
  for (int i = 0; i < fixed_count; ++i) {
    args[i] = o.index < argc ? argv[o.index + i] : echo;
    fixed_bytes += strlen(args[i]) + 1;
  }
  fixed_bytes += environment_bytes();
  if (fixed_bytes > VIPER_SPAWN_ARG_BYTES_MAX) util_usage_error("COMMAND and environment too long");
  arg_count = fixed_count;
  arg_bytes = fixed_bytes;

  char* word = NULL;
  size_t capacity = 0;
  int runs = 0, got = 0, stop = 0;
  while (!stop && (got = next_word(&word, &capacity)) > 0) {
    const size_t bytes = strlen(word) + 1;
    if (fixed_bytes + bytes > VIPER_SPAWN_ARG_BYTES_MAX) {
      util_error("argument line too long");
      status = UTIL_FAILURE;
      break;
    }
    if (arg_count == VIPER_SPAWN_ARGS_MAX || arg_bytes + bytes > VIPER_SPAWN_ARG_BYTES_MAX) {
      ++runs;
      if ((stop = run()) != 0) break;
    }
    if ((args[arg_count++] = strdup(word)) == NULL) {
      util_error("out of memory");
      return UTIL_FAILURE;
    }
    arg_bytes += bytes;
    if ((uint64_t)(arg_count - fixed_count) == per_run) {
      ++runs;
      stop = run();
    }
  }
  free(word);
  if (stop != 0) return util_finish(stop);
  if (got < 0) status = UTIL_FAILURE;
  if (arg_count > fixed_count || (runs == 0 && run_empty && status == UTIL_OK)) {
    if ((stop = run()) != 0) return util_finish(stop);
  }
  return util_finish(status);
}
