/* grep: the lines that match a pattern (a basic regular expression, or a
 * fixed string with -F). Status 0 if a line was selected, 1 if none, 2 on
 * an error — also when some line matched, as POSIX says. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "userland/utils/lib/bre.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "grep",
    .usage = "[-Fivcnlq] [-e PATTERN | PATTERN] [FILE]...",
    .help =
        "Writes the lines of each FILE (\"-\" or none: stdin) that match PATTERN, a\n"
        "basic regular expression (. [] * \\{m,n\\} ^ $).\n"
        "  -F  PATTERN is a fixed string       -i  ignore case\n"
        "  -v  select the lines that do not match\n"
        "  -c  print only a count of selected lines\n"
        "  -n  prefix each line with its number -l  print only the names of matching files\n"
        "  -q  print nothing; the status says\n"
        "Exit status: 0 a line selected, 1 none, 2 an error.\n"};

static struct bre re;
static const char* fixed;
static int ignore_case, invert, count_only, numbers, names_only, quiet, prefix_names;
static int selected_any;

/* strcasestr is not POSIX: a fixed string ignoring case, by hand. */
static int contains_ignoring_case(const char* line, const char* text) {
  const size_t n = strlen(text);
  for (; *line != '\0' || n == 0; ++line) {
    size_t i = 0;
    while (i < n && tolower((unsigned char)line[i]) == tolower((unsigned char)text[i])) ++i;
    if (i == n) return 1;
  }
  return 0;
}

static int matches(const char* line) {
  if (fixed == NULL) return bre_match(&re, line);
  return ignore_case ? contains_ignoring_case(line, fixed) : strstr(line, fixed) != NULL;
}

static int grep(FILE* file, const char* name) {
  char* line = NULL;
  size_t capacity = 0;
  unsigned long number = 0, selected = 0;
  for (long n; (n = util_read_line(file, &line, &capacity)) >= 0;) {
    ++number;
    if (matches(line) == invert) continue;
    ++selected;
    selected_any = 1;
    if (quiet) break;
    if (names_only) break;
    if (count_only) continue;
    if (prefix_names) printf("%s:", name);
    if (numbers) printf("%lu:", number);
    puts(line);
  }
  free(line);
  if (count_only && !quiet) {
    if (prefix_names) printf("%s:", name);
    printf("%lu\n", selected);
  }
  if (names_only && selected > 0 && !quiet) puts(name);
  return 0;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  const char* pattern = NULL;
  int fixed_string = 0;
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "Fivcnlqe:")) != -1;) {
    switch (c) {
      case 'F':
        fixed_string = 1;
        break;
      case 'i':
        ignore_case = 1;
        break;
      case 'v':
        invert = 1;
        break;
      case 'c':
        count_only = 1;
        break;
      case 'n':
        numbers = 1;
        break;
      case 'l':
        names_only = 1;
        break;
      case 'q':
        quiet = 1;
        break;
      case 'e':
        pattern = o.arg;
        break;
    }
  }
  if (pattern == NULL) {
    if (o.index >= argc) util_usage_error("missing PATTERN");
    pattern = argv[o.index++];
  }
  if (fixed_string) {
    fixed = pattern;
  } else {
    const char* error = bre_compile(&re, pattern, ignore_case);
    if (error != NULL) {
      util_error("invalid pattern '%s': %s", pattern, error);
      return UTIL_USAGE;
    }
  }
  prefix_names = argc - o.index > 1;
  const int status = util_each_input(argc, argv, o.index, grep);
  if (util_finish(status) != UTIL_OK) return UTIL_USAGE;
  return selected_any ? UTIL_OK : UTIL_FAILURE;
}
