/* date: the wall clock (on ViperDOS the PL031 RTC, read at boot and
 * counted on), formatted as date does, or with +FORMAT (strftime). Without
 * TZ the time is UTC: ViperDOS has no time zones. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "date",
    .usage = "[-u] [-d @SECONDS] [+FORMAT]",
    .help =
        "Shows the date and time, as \"Tue Dec  1 12:14:07 UTC 2026\" or as FORMAT\n"
        "says (strftime: %Y-%m-%d %H:%M:%S, %s seconds since 1970, ...).\n"
        "  -u           UTC (also the default when TZ is not set)\n"
        "  -d @SECONDS  show that time, in seconds since 1970, instead of now\n"};

int main(int argc, char** argv) {
  util_begin(&kProgram);
  int utc = getenv("TZ") == NULL;
  const char* when = NULL;
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "ud:")) != -1;) {
    if (c == 'u') utc = 1;
    if (c == 'd') when = o.arg;
  }
  const char* format = utc ? "%a %b %e %H:%M:%S UTC %Y" : "%a %b %e %H:%M:%S %Z %Y";
  if (o.index < argc) {
    if (argv[o.index][0] != '+') util_usage_error("setting the clock is not supported");
    format = argv[o.index++] + 1;
  }
  if (o.index < argc) util_usage_error("extra operand '%s'", argv[o.index]);
  struct timespec now;
  if (when != NULL) {
    if (when[0] != '@') {
      util_error("invalid date '%s' (only @SECONDS)", when);
      return UTIL_FAILURE;
    }
    now.tv_sec = (time_t)util_parse_number(when + 1, "number of seconds", 1ull << 40);
  } else if (clock_gettime(CLOCK_REALTIME, &now) != 0) {
    util_errno("cannot read the clock");
    return UTIL_FAILURE;
  }
  const struct tm* tm = utc ? gmtime(&now.tv_sec) : localtime(&now.tv_sec);
  char text[512];
  const size_t n = tm != NULL ? strftime(text, sizeof(text), format, tm) : 0;
  if (n == 0 && format[0] != '\0') {
    util_error("cannot format the date with '%s'", format);
    return UTIL_FAILURE;
  }
  text[n] = '\0';
  puts(text);
  return util_finish(UTIL_OK);
}
