/* poweroff and reboot (power.h). */
#include "userland/utils/lib/power.h"

#include <stdio.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/utils/lib/native.h"

int power_main(const struct util_program* program, uint32_t action, int argc, char** argv) {
  util_begin(program);
  util_no_operands(argc, argv);
  fflush(stdout); /* nothing printed is lost with the machine */
  fflush(stderr);
  /* fsd caches writes: the disk must have them before the machine goes
   * (the kernel cannot ask a user-space server; a kill would lose them). */
  sync();
  const int64_t error = viper_system_power(action);
  util_error("the machine refused: %s", util_viper_error(error));
  return UTIL_FAILURE;
}
