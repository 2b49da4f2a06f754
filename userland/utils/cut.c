/* cut: the selected bytes, characters or fields of each line. Bytes and
 * characters are the same here (the system's text is ASCII/bytes). The
 * parts are written in the order of the line, whatever LIST's order. */
#include <stdlib.h>
#include <string.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "cut",
    .usage = "-b LIST | -c LIST | -f LIST [-d DELIM] [-s] [FILE]...",
    .help =
        "Writes the selected parts of each line of each FILE (\"-\" or none: stdin).\n"
        "LIST: numbers from 1 and ranges, separated by commas: 3 | 2-4 | -4 | 5- | 1,3-5\n"
        "  -b LIST   these bytes\n"
        "  -c LIST   these characters (bytes)\n"
        "  -f LIST   these fields, separated by DELIM (default: tab)\n"
        "  -d DELIM  the field delimiter, one character\n"
        "  -s        with -f: leave out lines without a delimiter\n"};

enum { kMaxRanges = 64 };

struct range {
  uint64_t first, last; /* last UINT64_MAX: to the end */
};

static struct range ranges[kMaxRanges];
static int range_count;
static int by_field, only_delimited;
static char delimiter = '\t';

static uint64_t position(const char* text, size_t length) {
  uint64_t value = 0;
  for (size_t i = 0; i < length; ++i) {
    if (text[i] < '0' || text[i] > '9' || value > UINT64_MAX / 10 - 1) {
      util_usage_error("invalid byte, character or field list");
    }
    value = value * 10 + (uint64_t)(text[i] - '0');
  }
  if (value == 0) util_usage_error("fields and positions are numbered from 1");
  return value;
}

static void parse_list(const char* list) {
  for (const char* p = list;;) {
    const size_t length = strcspn(p, ",");
    const char* dash = memchr(p, '-', length);
    if (length == 0 || (dash != NULL && length == 1)) {
      util_usage_error("invalid byte, character or field list");
    }
    if (range_count == kMaxRanges) util_usage_error("too many ranges in the list");
    struct range* r = &ranges[range_count++];
    if (dash == NULL) {
      r->first = r->last = position(p, length);
    } else {
      r->first = dash == p ? 1 : position(p, (size_t)(dash - p));
      const size_t rest = length - (size_t)(dash - p) - 1;
      r->last = rest == 0 ? UINT64_MAX : position(dash + 1, rest);
      if (r->last < r->first) util_usage_error("invalid decreasing range");
    }
    if (p[length] == '\0') break;
    p += length + 1;
  }
}

static int selected(uint64_t n) {
  for (int i = 0; i < range_count; ++i) {
    if (ranges[i].first <= n && n <= ranges[i].last) return 1;
  }
  return 0;
}

static void cut_fields(const char* line, size_t length) {
  if (memchr(line, delimiter, length) == NULL) {
    if (!only_delimited) printf("%s\n", line);
    return;
  }
  int written = 0;
  uint64_t field = 1;
  for (const char* p = line;; ++field) {
    const char* end = memchr(p, delimiter, length - (size_t)(p - line));
    const size_t n = end != NULL ? (size_t)(end - p) : length - (size_t)(p - line);
    if (selected(field)) {
      if (written++) putchar(delimiter);
      fwrite(p, 1, n, stdout);
    }
    if (end == NULL) break;
    p = end + 1;
  }
  putchar('\n');
}

static int cut(FILE* file, const char* name) {
  (void)name;
  char* line = NULL;
  size_t capacity = 0;
  for (long length; (length = util_read_line(file, &line, &capacity)) >= 0;) {
    if (by_field) {
      cut_fields(line, (size_t)length);
      continue;
    }
    for (long i = 0; i < length; ++i) {
      if (selected((uint64_t)i + 1)) putchar(line[i]);
    }
    putchar('\n');
  }
  free(line);
  return 0;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  const char* list = NULL;
  int delimiter_given = 0;
  for (int c; (c = util_next_option(&o, "b:c:f:d:s")) != -1;) {
    if (c == 'b' || c == 'c' || c == 'f') {
      if (list != NULL) util_usage_error("only one list may be specified");
      list = o.arg;
      by_field = c == 'f';
    } else if (c == 'd') {
      if (strlen(o.arg) != 1) util_usage_error("the delimiter must be a single character");
      delimiter = o.arg[0];
      delimiter_given = 1;
    } else {
      only_delimited = 1;
    }
  }
  if (list == NULL) util_usage_error("you must specify a list of bytes, characters, or fields");
  if (!by_field && delimiter_given) {
    util_usage_error("an input delimiter may be specified only when operating on fields");
  }
  if (!by_field && only_delimited) {
    util_usage_error("suppressing non-delimited lines makes sense only when operating on fields");
  }
  parse_list(list);
  return util_finish(util_each_input(argc, argv, o.index, cut));
}
