/* The built-in commands: what must run inside the shell (cd, exit, export,
 * jobs...) and a few that are cheaper there (true, false). */
#ifndef USERLAND_SHELL_BUILTINS_H_
#define USERLAND_SHELL_BUILTINS_H_

typedef int (*sh_builtin_fn)(int argc, char** argv);

/* NULL if name is no built-in. */
sh_builtin_fn sh_find_builtin(const char* name);

/* The built-in names, NULL-terminated (for completion and `help`). */
const char* const* sh_builtin_names(void);

#endif /* USERLAND_SHELL_BUILTINS_H_ */
