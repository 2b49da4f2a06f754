/* dirname: each path less its last component, as POSIX specifies it
 * ("a" gives ".", "/a" and "/" give "/"). */
#include <stdio.h>
#include <string.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "dirname",
    .usage = "NAME...",
    .help =
        "Writes each NAME without its last component and trailing slashes (\".\" when\n"
        "there is no directory left).\n"};

static void print_dirname(const char* name) {
  size_t end = strlen(name);
  while (end > 1 && name[end - 1] == '/') --end; /* trailing slashes */
  while (end > 0 && name[end - 1] != '/') --end; /* the last component */
  if (end == 0) {
    printf(".\n");
    return;
  }
  while (end > 1 && name[end - 1] == '/') --end; /* the slashes before it */
  printf("%.*s\n", (int)end, name);
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  const int first = util_operands(argc, argv);
  if (first == argc) util_usage_error("missing operand");
  for (int i = first; i < argc; ++i) print_dirname(argv[i]);
  return util_finish(UTIL_OK);
}
