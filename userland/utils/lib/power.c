/* poweroff and reboot (power.h). */
#include "userland/utils/lib/power.h"

#include <stdio.h>
#include <viperdos/viper.h>

#include "userland/utils/lib/viper_error.h"

int power_main(const struct util_program* program, uint32_t action, int argc, char** argv) {
  util_begin(program);
  struct util_options o;
  util_options_init(&o, argc, argv);
  util_next_option(&o, "");
  if (o.index < argc) util_usage_error("extra operand '%s'", argv[o.index]);
  fflush(stdout); /* nothing printed is lost with the machine */
  fflush(stderr);
  const int64_t error = viper_system_power(action);
  util_error("the machine refused: %s", util_viper_error(error));
  return UTIL_FAILURE;
}
