/* Shell variables. A variable is either the shell's own or exported (in the
 * environment, so every program started gets it); setting one that is
 * exported keeps it exported, as POSIX shells do. */
#ifndef USERLAND_SHELL_VARS_H_
#define USERLAND_SHELL_VARS_H_

#include <stdbool.h>

#include "userland/shell/util.h"

bool var_name_valid(const char* name);
/* NULL when unset. */
const char* var_get(const char* name);
void var_set(const char* name, const char* value);
/* Exports name; with value, sets it too. */
void var_export(const char* name, const char* value);
void var_unset(const char* name);
/* Applies a NAME=value word (already expanded) as var_set does. */
void var_assign(const char* assignment);
/* The environment for a program: environ with overrides (NAME=value). */
char** var_environment(const sh_vec* overrides);
/* Appends NAME=value for every variable that is the shell's own (not
 * exported), for a second shell that must see them. */
void var_locals(sh_vec* out);
/* Prints `export NAME='value'` for every exported variable, sorted. */
void var_print_exports(void);

#endif /* USERLAND_SHELL_VARS_H_ */
