/* env: runs COMMAND (execvp: PATH search) in the environment changed as
 * asked, or prints that environment when there is no COMMAND. Statuses as
 * coreutils': 125 for env's own failure, 126 for a COMMAND that cannot
 * run, 127 for one not found. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "userland/utils/lib/util.h"

extern char** environ;

static const struct util_program kProgram = {
    .name = "env",
    .usage = "[-i] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG]...]",
    .help =
        "Runs COMMAND in the environment after the changes asked for; without\n"
        "one, prints that environment, one NAME=VALUE a line.\n"
        "  -i       start from an empty environment\n"
        "  -u NAME  remove NAME\n"};

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "iu:")) != -1;) {
    if (c == 'i') {
      static char* empty[] = {NULL};
      environ = empty;
    } else if (c == 'u') {
      if (o.arg[0] == '\0' || strchr(o.arg, '=')) util_usage_error("cannot unset '%s'", o.arg);
      unsetenv(o.arg);
    }
  }
  for (; o.index < argc; ++o.index) {
    char* assignment = argv[o.index];
    char* equals = strchr(assignment, '=');
    if (equals == NULL || equals == assignment) {
      fflush(NULL);
      execvp(argv[o.index], argv + o.index);
      const int error = errno;
      util_errno("cannot run '%s'", argv[o.index]);
      return error == ENOENT ? 127 : 126;
    }
    *equals = '\0';
    if (setenv(assignment, equals + 1, 1) != 0) {
      util_errno("cannot set '%s'", assignment);
      return UTIL_FAILURE;
    }
  }
  for (char** e = environ; e && *e; ++e) puts(*e);
  return util_finish(UTIL_OK);
}
