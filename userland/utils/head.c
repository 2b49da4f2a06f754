/* head: the first lines (or bytes) of each input. */
#include <stdio.h>

#include "userland/utils/lib/extent.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "head",
    .usage = "[-n LINES | -c BYTES] [FILE]...",
    .help =
        "Writes the first 10 lines of each FILE (\"-\" or none: stdin); with more\n"
        "than one FILE, each after a \"==> FILE <==\" header.\n"
        "  -n LINES  the first LINES lines\n"
        "  -c BYTES  the first BYTES bytes\n"};

static struct extent extent;

static int head(FILE* file, const char* name) {
  extent_header(&extent, name);
  uint64_t left = extent.count;
  for (int c; left > 0 && (c = getc(file)) != EOF;) {
    putchar(c);
    if (extent.bytes || c == '\n') --left;
  }
  return 0;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  return extent_main(&extent, argc, argv, head);
}
