/* poweroff and reboot: one main, two programs. */
#ifndef VIPERDOS_UTILS_POWER_H_
#define VIPERDOS_UTILS_POWER_H_

#include <stdint.h>

#include "userland/utils/lib/util.h"

/* Asks the kernel for `action` (VIPER_POWER_*); returns only on failure. */
int power_main(const struct util_program* program, uint32_t action, int argc, char** argv);

#endif /* VIPERDOS_UTILS_POWER_H_ */
