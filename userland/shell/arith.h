/* Arithmetic expansion, $((...)): integers (long), + - * / % ( ),
 * comparisons < <= > >= == != (1 or 0), ! && ||, unary + and -. A bare
 * name is a variable's value (0 if unset or empty); $NAME was already
 * expanded before. */
#ifndef USERLAND_SHELL_ARITH_H_
#define USERLAND_SHELL_ARITH_H_

#include <stdbool.h>
#include <stddef.h>

/* Returns true and the value, or false and a message ("division by zero",
 * "unexpected `x'"). */
bool sh_arith(const char* expression, long* value, char* error, size_t error_size);

#endif /* USERLAND_SHELL_ARITH_H_ */
