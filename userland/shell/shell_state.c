/* The one shell's state (shell.h) and history. */
#include "userland/shell/history.h"
#include "userland/shell/shell.h"

sh_state g_sh;
sh_history g_history = {0, 0, 0, SH_HISTORY_LIMIT};
