/* What runs between _start and main: TLS, constructors, main, exit. */
#include <picolibc.h> /* the configuration picotls.h tests */
#include <picotls.h>
#include <stdint.h>
#include <stdlib.h>

extern int main(int argc, char** argv, char** envp);
extern void __libc_init_array(void);

char** environ;

_Noreturn void __viper_start(uint64_t* initial_stack, void* tls_block);

_Noreturn void __viper_start(uint64_t* initial_stack, void* tls_block) {
  const int argc = (int)initial_stack[0];
  char** argv = (char**)(initial_stack + 1);
  environ = argv + argc + 1;
  _init_tls(tls_block);  // copies .tdata, zeroes .tbss
  _set_tls(tls_block);   // TPIDR_EL0, variant 1 (picolibc knows the TCB offset)
  __libc_init_array();
  exit(main(argc, argv, environ));
}
