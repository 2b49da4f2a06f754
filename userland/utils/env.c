/* env: prints the environment, or runs nothing else yet: with NAME=VALUE
 * operands it prints the environment as it would be with them set. Running
 * a COMMAND needs exec, which ViperDOS's libc does not have yet, so a
 * COMMAND operand is refused with a clear error rather than ignored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userland/utils/lib/util.h"

extern char** environ;

static const struct util_program kProgram = {
    .name = "env",
    .usage = "[-i] [-u NAME]... [NAME=VALUE]...",
    .help =
        "Prints the environment, one NAME=VALUE a line, after the changes asked for.\n"
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
      util_error("'%s': running a command is not supported", assignment);
      return 125; /* coreutils' status for env's own failure before a command */
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
