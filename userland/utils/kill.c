/* kill: sends a signal to processes, by id; -l names the signals. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "kill",
    .usage = "[-s SIGNAL | -SIGNAL] PID... | -l [NUMBER]",
    .help =
        "Sends SIGNAL (a name with or without SIG, or a number; TERM by default)\n"
        "to each PID.\n"
        "  -s SIGNAL  the signal to send (also -SIGNAL: -9, -KILL, -SIGKILL)\n"
        "  -l         list the signal names; with NUMBER, name that one\n"};

static const struct {
  const char* name;
  int number;
} kSignals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ILL", SIGILL},   {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"BUS", SIGBUS},   {"FPE", SIGFPE},   {"KILL", SIGKILL}, {"USR1", SIGUSR1},
    {"SEGV", SIGSEGV}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},
};
#define SIGNAL_COUNT (sizeof(kSignals) / sizeof(kSignals[0]))

/* A signal by name ("TERM", "SIGTERM", any case) or number; -1 if none. */
static int parse_signal(const char* text) {
  if (text[0] >= '0' && text[0] <= '9') return (int)util_parse_number(text, "signal number", 64);
  if (strncasecmp(text, "SIG", 3) == 0) text += 3;
  for (size_t i = 0; i < SIGNAL_COUNT; ++i) {
    if (strcasecmp(text, kSignals[i].name) == 0) return kSignals[i].number;
  }
  return -1;
}

static int list(int argc, char** argv, int first) {
  if (first == argc) {
    for (size_t i = 0; i < SIGNAL_COUNT; ++i) {
      printf("%s%s", kSignals[i].name, i + 1 < SIGNAL_COUNT ? " " : "\n");
    }
    return util_finish(UTIL_OK);
  }
  int status = UTIL_OK;
  for (int a = first; a < argc; ++a) {
    /* A number names its signal; so does an exit status of 128 + it. */
    int number = (int)util_parse_number(argv[a], "signal number", 255);
    if (number > 128) number -= 128;
    size_t i = 0;
    while (i < SIGNAL_COUNT && kSignals[i].number != number) ++i;
    if (i == SIGNAL_COUNT) {
      util_error("unknown signal %s", argv[a]);
      status = UTIL_FAILURE;
    } else {
      puts(kSignals[i].name);
    }
  }
  return util_finish(status);
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  int signal_number = SIGTERM, first = 1;
  if (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0' && strcmp(argv[1], "--") != 0) {
    const char* option = argv[1] + 1;
    first = 2;
    if (strcmp(argv[1], "--help") == 0) util_help();
    if (strcmp(option, "l") == 0) return list(argc, argv, 2);
    if (strcmp(option, "s") == 0) {
      if (argc < 3) util_usage_error("option '-s' needs an argument");
      option = argv[2];
      first = 3;
    }
    if ((signal_number = parse_signal(option)) < 0) util_usage_error("unknown signal '%s'", option);
  }
  if (first < argc && strcmp(argv[first], "--") == 0) ++first;
  if (first == argc) util_usage_error("missing PID");
  int status = UTIL_OK;
  for (int i = first; i < argc; ++i) {
    const pid_t pid = (pid_t)util_parse_number(argv[i], "process id", 0x7fffffff);
    if (kill(pid, signal_number) != 0) {
      util_errno("(%s)", argv[i]);
      status = UTIL_FAILURE;
    }
  }
  return util_finish(status);
}
