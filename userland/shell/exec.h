/* The executor: runs a syntax tree, and parses and runs source text. */
#ifndef USERLAND_SHELL_EXEC_H_
#define USERLAND_SHELL_EXEC_H_

#include <stdbool.h>

#include "userland/shell/ast.h"

/* Runs every and-or list; returns the last status (also in $?). */
int sh_run_program(const sh_program* program);

/* Parses and runs source. A syntax error prints "sh: syntax error: ..."
 * and gives status 2 (*syntax_error true, if given). */
int sh_run_source(const char* source, bool* syntax_error);

#endif /* USERLAND_SHELL_EXEC_H_ */
