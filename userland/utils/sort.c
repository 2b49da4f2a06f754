/* sort: the lines of all inputs, sorted, merged into one output. */
#include <stdlib.h>
#include <string.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "sort",
    .usage = "[-nru] [FILE]...",
    .help =
        "Writes the lines of all FILEs (\"-\" or none: stdin), sorted bytewise.\n"
        "  -n  compare leading numbers (lines without one count as 0)\n"
        "  -r  reverse the order\n"
        "  -u  write only the first of equal lines\n"};

static char** lines;
static size_t line_count, line_capacity;
static int numeric, reverse, unique;

static int collect(FILE* file, const char* name) {
  char* line = NULL;
  size_t capacity = 0;
  while (util_read_line(file, &line, &capacity) >= 0) {
    if (line_count == line_capacity) {
      line_capacity = line_capacity ? line_capacity * 2 : 256;
      char** grown = realloc(lines, line_capacity * sizeof(*lines));
      if (grown == NULL) {
        util_error("%s: out of memory", name);
        free(line);
        return 1;
      }
      lines = grown;
    }
    lines[line_count++] = line;
    line = NULL;
    capacity = 0;
  }
  free(line);
  return 0;
}

static int compare(const char* a, const char* b) {
  if (numeric) {
    const double x = strtod(a, NULL), y = strtod(b, NULL);
    if (x != y) return x < y ? -1 : 1;
  }
  return strcmp(a, b);
}

static int by_order(const void* a, const void* b) {
  const int order = compare(*(char* const*)a, *(char* const*)b);
  return reverse ? -order : order;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "nru")) != -1;) {
    numeric |= c == 'n';
    reverse |= c == 'r';
    unique |= c == 'u';
  }
  const int status = util_each_input(argc, argv, o.index, collect);
  if (line_count > 0) qsort(lines, line_count, sizeof(*lines), by_order); /* NULL when empty */
  for (size_t i = 0; i < line_count; ++i) {
    if (!unique || i == 0 || compare(lines[i - 1], lines[i]) != 0) puts(lines[i]);
  }
  return util_finish(status);
}
