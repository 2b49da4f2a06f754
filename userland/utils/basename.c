/* basename: a path's last component, less SUFFIX, as POSIX specifies it
 * (trailing slashes do not count; "/" stays "/"). */
#include <stdio.h>
#include <string.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "basename",
    .usage = "NAME [SUFFIX]",
    .help =
        "Writes NAME without its leading directories (and trailing slashes), and\n"
        "without SUFFIX when it ends with one and is more than that.\n"};

int main(int argc, char** argv) {
  util_begin(&kProgram);
  const int first = util_operands(argc, argv);
  if (first == argc) util_usage_error("missing operand");
  if (argc - first > 2) util_usage_error("extra operand '%s'", argv[first + 2]);
  const char* name = argv[first];
  const char* start;
  size_t length = util_last_component(name, &start);
  if (argc - first == 2) {
    const size_t n = strlen(argv[first + 1]);
    if (n < length && memcmp(start + length - n, argv[first + 1], n) == 0) length -= n;
  }
  printf("%.*s\n", (int)length, start);
  return util_finish(UTIL_OK);
}
