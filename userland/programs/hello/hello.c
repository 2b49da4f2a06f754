/* The first ViperDOS program: says hello through picolibc's stdio, with a
 * floating-point format (FP/SIMD at EL0) and a thread-local counter (TLS). */
#include <stdio.h>
#include <time.h>

static _Thread_local int calls = 41;

int main(int argc, char** argv) {
  ++calls;
  printf("hello from user space: %s, argc %d, tls %d, pi %.5f\n", argc > 0 ? argv[0] : "?", argc,
         calls, 3.14159265);
  return 0;
}
