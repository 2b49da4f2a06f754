/* Command substitution, $(...): the commands' standard output, without
 * its trailing newlines. They run in a second shell (`sh -c`), whose
 * stdout is a pipe the shell reads to the end; $? becomes its status. */
#ifndef USERLAND_SHELL_SUBST_H_
#define USERLAND_SHELL_SUBST_H_

/* A malloc'd string, empty if the commands could not be run. */
char* sh_command_output(const char* commands);

#endif /* USERLAND_SHELL_SUBST_H_ */
