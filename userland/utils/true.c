/* true: does nothing, successfully. Operands are ignored, as POSIX says. */
#include <string.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "true", .usage = "", .help = "Exits with status 0.\n"};

int main(int argc, char** argv) {
  util_begin(&kProgram);
  if (argc == 2 && strcmp(argv[1], "--help") == 0) util_help();
  return UTIL_OK;
}
