/* What runs between _start and main: TLS, the fds, constructors, main, exit. */
#include <picolibc.h> /* the configuration picotls.h tests */
#include <picotls.h>
#include <stdint.h>
#include <stdlib.h>
#include <viperdos/syscalls.h>

#include "userland/libc/fd_startup.h"

extern int main(int argc, char** argv, char** envp);
extern void __libc_init_array(void);
extern uint64_t __viper_bootstrap; /* viper.c */

char** environ;

_Noreturn void __viper_start(uint64_t* initial_stack, void* tls_block);

_Noreturn void __viper_start(uint64_t* initial_stack, void* tls_block) {
  const int argc = (int)initial_stack[0];
  char** argv = (char**)(initial_stack + 1);
  environ = argv + argc + 1;
  char** end_of_env = environ;
  while (*end_of_env) ++end_of_env;
  for (uint64_t* aux = (uint64_t*)(end_of_env + 1); aux[0] != VIPER_AUX_NULL; aux += 2) {
    if (aux[0] == VIPER_AUX_BOOTSTRAP) __viper_bootstrap = aux[1];
  }
  _init_tls(tls_block);  // copies .tdata, zeroes .tbss
  _set_tls(tls_block);   // TPIDR_EL0, variant 1 (picolibc knows the TCB offset)
  __viper_fd_startup();  // the fds the parent passed, before any constructor prints
  __libc_init_array();
  exit(main(argc, argv, environ));
}
