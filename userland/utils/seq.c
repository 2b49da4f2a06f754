/* seq: the integers from FIRST to LAST by INCR, one a line. Only
 * integers (no floating point): a fraction is an invalid argument. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "seq",
    .usage = "[-s SEPARATOR] [FIRST [INCREMENT]] LAST",
    .help =
        "Writes the integers from FIRST (default 1) up or down to LAST by INCREMENT\n"
        "(default 1), one a line. A negative number is an operand, not an option.\n"
        "  -s SEPARATOR  between the numbers instead of a newline\n"};

static long long integer(const char* text) {
  char* end;
  errno = 0;
  const long long value = strtoll(text, &end, 10);
  if (*text == '\0' || *end != '\0') util_usage_error("invalid integer argument: '%s'", text);
  if (errno == ERANGE) util_usage_error("integer out of range: '%s'", text);
  return value;
}

/* A negative number is an operand: "seq -3 -1" counts, it has no options. */
static int is_negative_number(const char* word) {
  return word[0] == '-' && word[1] >= '0' && word[1] <= '9';
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  const char* separator = "\n";
  while (o.index < argc && !is_negative_number(argv[o.index])) {
    const int c = util_next_option(&o, "s:");
    if (c == -1) break;
    separator = o.arg;
  }
  const int count = argc - o.index;
  if (count == 0) util_usage_error("missing operand");
  if (count > 3) util_usage_error("extra operand '%s'", argv[o.index + 3]);
  const long long last = integer(argv[argc - 1]);
  const long long first = count > 1 ? integer(argv[o.index]) : 1;
  const long long increment = count > 2 ? integer(argv[o.index + 1]) : 1;
  if (increment == 0) util_usage_error("invalid Zero increment value: '%s'", argv[o.index + 1]);
  const char* between = "";
  int printed = 0;
  for (long long n = first; increment > 0 ? n <= last : n >= last;) {
    printf("%s%lld", between, n);
    between = separator;
    printed = 1;
    /* Stop before the next step would overflow, rather than wrap. */
    if (increment > 0 ? n > LLONG_MAX - increment : n < LLONG_MIN - increment) {
      break;
    }
    n += increment;
  }
  if (printed) printf("\n");
  return util_finish(UTIL_OK);
}
