/* sleep SECONDS: waits that long (fractions allowed: "0.5"). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: sleep SECONDS\n");
    return 2;
  }
  char* end = NULL;
  const double seconds = strtod(argv[1], &end);
  if (end == argv[1] || *end != '\0' || seconds < 0 || seconds > 1e6) {
    fprintf(stderr, "sleep: '%s' is not a number of seconds\n", argv[1]);
    return 2;
  }
  const struct timespec t = {.tv_sec = (time_t)seconds,
                             .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9)};
  return nanosleep(&t, NULL) == 0 ? 0 : 1;
}
