/* tail: the last lines (or bytes) of each input. The input is read whole
 * (stdin cannot seek), so tail holds one file in memory at a time. */
#include <stdio.h>
#include <stdlib.h>

#include "userland/utils/lib/extent.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "tail",
    .usage = "[-n LINES | -c BYTES] [FILE]...",
    .help =
        "Writes the last 10 lines of each FILE (\"-\" or none: stdin); with more\n"
        "than one FILE, each after a \"==> FILE <==\" header.\n"
        "  -n LINES  the last LINES lines\n"
        "  -c BYTES  the last BYTES bytes\n"};

static struct extent extent;

static int tail(FILE* file, const char* name) {
  size_t size = 0, capacity = 4096;
  char* text = malloc(capacity);
  for (size_t n; text != NULL && (n = fread(text + size, 1, capacity - size, file)) > 0;) {
    size += n;
    if (size == capacity) text = realloc(text, capacity *= 2);
  }
  if (text == NULL) {
    util_error("%s: out of memory", name);
    return 1;
  }
  size_t start = size;
  if (extent.bytes) {
    start = extent.count < size ? size - extent.count : 0;
  } else {
    /* Back over `extent.count` line ends, not counting the file's last one. */
    uint64_t lines = 0;
    while (start > 0 && !(text[start - 1] == '\n' && start != size && ++lines == extent.count))
      --start;
    if (extent.count == 0) start = size;
  }
  extent_header(&extent, name);
  fwrite(text + start, 1, size - start, stdout);
  free(text);
  return 0;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  return extent_main(&extent, argc, argv, tail);
}
