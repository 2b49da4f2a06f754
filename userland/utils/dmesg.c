/* dmesg: the kernel's log, as much of it as the kernel still keeps. */
#include <stdio.h>
#include <viperdos/viper.h>

#include "userland/utils/lib/util.h"
#include "userland/utils/lib/viper_error.h"

static const struct util_program kProgram = {
    .name = "dmesg",
    .usage = "",
    .help = "Writes the kernel log from its oldest kept byte to its end.\n"};

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  util_next_option(&o, "");
  if (o.index < argc) util_usage_error("extra operand '%s'", argv[o.index]);
  static char buffer[4096];
  uint64_t offset = 0;
  for (;;) {
    const int64_t n = viper_log_read(offset, buffer, sizeof(buffer));
    if (n == 0) break;
    if (n < 0) {
      util_error("cannot read the kernel log: %s", util_viper_error(n));
      return util_finish(UTIL_FAILURE);
    }
    fwrite(buffer, 1, (size_t)n, stdout);
    offset += (uint64_t)n;
  }
  return util_finish(UTIL_OK);
}
