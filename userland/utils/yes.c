/* yes: the line "y", or the STRINGs joined by spaces, again and again
 * until the output is closed. */
#include <stdio.h>
#include <string.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "yes",
    .usage = "[STRING]...",
    .help = "Writes a line of the STRINGs (none: \"y\") until stdout is closed.\n"};

int main(int argc, char** argv) {
  util_begin(&kProgram);
  const int first = util_operands(argc, argv);
  /* The line, repeated to fill a buffer: one write per 4 KiB, not per line. */
  static char buffer[4096];
  size_t length = 0;
  if (first == argc) {
    memcpy(buffer, "y\n", 2);
    length = 2;
  }
  for (int i = first; i < argc; ++i) {
    const size_t n = strlen(argv[i]);
    if (length + n + 1 > sizeof(buffer)) {
      util_error("operands too long");
      return UTIL_FAILURE;
    }
    memcpy(buffer + length, argv[i], n);
    length += n;
    buffer[length++] = i + 1 < argc ? ' ' : '\n';
  }
  size_t filled = length;
  while (filled + length <= sizeof(buffer)) {
    memcpy(buffer + filled, buffer, length);
    filled += length;
  }
  while (fwrite(buffer, 1, filled, stdout) == filled) {
  }
  return util_finish(UTIL_FAILURE); /* only a write error ends it */
}
