/* sleep: waits for the sum of its operands, each a number of seconds with
 * an optional fraction ("0.5") and suffix s, m, h or d, as coreutils. */
#include <stdlib.h>
#include <time.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "sleep",
    .usage = "NUMBER[smhd]...",
    .help =
        "Waits for the sum of the NUMBERs of seconds (fractions allowed);\n"
        "a suffix m, h or d counts minutes, hours or days.\n"};

static double seconds_of(const char* text) {
  char* end = NULL;
  const double value = strtod(text, &end);
  double unit = 1;
  if (end != text && *end != '\0' && end[1] == '\0') {
    unit = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 0;
    if (unit != 0) ++end;
  }
  if (end == text || *end != '\0' || !(value >= 0) || value * unit > 1e9) {
    util_usage_error("invalid time interval '%s'", text);
  }
  return value * unit;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  const int first = util_operands(argc, argv);
  if (first == argc) util_usage_error("missing operand");
  double total = 0;
  for (int i = first; i < argc; ++i) total += seconds_of(argv[i]);
  const struct timespec t = {.tv_sec = (time_t)total,
                             .tv_nsec = (long)((total - (double)(time_t)total) * 1e9)};
  if (nanosleep(&t, NULL) != 0) {
    util_errno("cannot sleep");
    return UTIL_FAILURE;
  }
  return UTIL_OK;
}
