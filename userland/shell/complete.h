/* Tab completion's candidates from the system: command names (built-ins
 * and the programs in $PATH) in command position, file names elsewhere
 * (and for a command word with a '/'). An le_complete_fn. */
#ifndef USERLAND_SHELL_COMPLETE_H_
#define USERLAND_SHELL_COMPLETE_H_

#include <stdbool.h>

#include "userland/shell/util.h"

void sh_complete(void* context, const char* word, bool command, sh_vec* candidates);

#endif /* USERLAND_SHELL_COMPLETE_H_ */
