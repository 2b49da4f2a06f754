/* uptime: how long the system has run, as procps' uptime says it (the
 * time, "up", the uptime), with processes and threads where Linux has
 * users and load averages (ViperDOS has neither). */
#include <stdio.h>
#include <time.h>
#include <viperdos/viper.h>

#include "userland/utils/lib/native.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "uptime",
    .usage = "[-p | -s]",
    .help =
        "Shows the time (UTC), how long the system has been up, and how many\n"
        "processes and threads it runs.\n"
        "  -p  only the uptime, in words: \"up 1 hour, 5 minutes\"\n"
        "  -s  only when the system booted: \"2026-12-01 12:00:00\"\n"};

static const char* plural(uint64_t n) { return n == 1 ? "" : "s"; }

int main(int argc, char** argv) {
  util_begin(&kProgram);
  int pretty = 0, since = 0;
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "ps")) != -1;) {
    pretty |= c == 'p';
    since |= c == 's';
  }
  if (o.index < argc) util_usage_error("extra operand '%s'", argv[o.index]);
  struct viper_system_info info;
  if (util_system_info(&info) != 0) return UTIL_FAILURE;
  const uint64_t seconds = info.uptime_ns / 1000000000ull;
  const uint64_t days = seconds / 86400, hours = seconds / 3600 % 24, minutes = seconds / 60 % 60;
  const time_t now = time(NULL);
  char text[32];
  if (since) {
    const time_t booted = now - (time_t)seconds;
    strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", gmtime(&booted));
    puts(text);
  } else if (pretty) {
    printf("up");
    const char* separator = " ";
    if (days) {
      printf(" %llu day%s", (unsigned long long)days, plural(days));
      separator = ", ";
    }
    if (hours) {
      printf("%s%llu hour%s", separator, (unsigned long long)hours, plural(hours));
      separator = ", ";
    }
    if (minutes || (!days && !hours)) {
      printf("%s%llu minute%s", separator, (unsigned long long)minutes, plural(minutes));
    }
    putchar('\n');
  } else {
    strftime(text, sizeof(text), "%H:%M:%S", gmtime(&now));
    printf(" %s up ", text);
    if (days) printf("%llu day%s, ", (unsigned long long)days, plural(days));
    if (hours) {
      printf("%2llu:%02llu", (unsigned long long)hours, (unsigned long long)minutes);
    } else {
      printf("%llu min", (unsigned long long)minutes);
    }
    printf(",  %u processes,  %u threads\n", info.processes, info.threads);
  }
  return util_finish(UTIL_OK);
}
