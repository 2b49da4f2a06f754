/* dmesg: the kernel's log, as much of it as the kernel still keeps. */
#include <stdio.h>
#include <viperdos/viper.h>

#include "userland/utils/lib/native.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "dmesg",
    .usage = "",
    .help = "Writes the kernel log from its oldest kept byte to its end.\n"};

int main(int argc, char** argv) {
  util_begin(&kProgram);
  util_no_operands(argc, argv);
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
