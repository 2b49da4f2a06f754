/* The built-ins scripts lean on: test and [, read, shift, set. Registered in
 * builtins.c's table. */
#ifndef USERLAND_SHELL_BUILTINS_SCRIPT_H_
#define USERLAND_SHELL_BUILTINS_SCRIPT_H_

int sh_builtin_test(int argc, char** argv);
int sh_builtin_read(int argc, char** argv);
int sh_builtin_shift(int argc, char** argv);
int sh_builtin_set(int argc, char** argv);

#endif /* USERLAND_SHELL_BUILTINS_SCRIPT_H_ */
