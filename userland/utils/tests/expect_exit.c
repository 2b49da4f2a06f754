/* expect_exit CODE PROGRAM [ARGS...]: runs PROGRAM and succeeds only if it
 * exits with CODE. init counts every `run` that fails, so this is how
 * etc/utils-test.conf asks for the failures a bad argument must cause
 * (//kernel:utils_test). */
#include <stdio.h>
#include <stdlib.h>
#include <viperdos/viper.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: expect_exit CODE PROGRAM [ARGS...]\n");
    return 2;
  }
  char* end = NULL;
  const long want = strtol(argv[1], &end, 10);
  if (end == argv[1] || *end != '\0') {
    fprintf(stderr, "expect_exit: '%s' is not an exit code\n", argv[1]);
    return 2;
  }
  const struct viper_spawn_args args = {.path = argv[2],
                                        .argv = (const char* const*)(argv + 2),
                                        .argc = (uint64_t)(argc - 2),
                                        .envp = 0,
                                        .envc = 0,
                                        .bootstrap = 0};
  const int64_t process = viper_process_spawn(&args);
  if (process < 0) {
    fprintf(stderr, "expect_exit: cannot start %s: error %lld\n", argv[2], (long long)process);
    return 1;
  }
  int64_t code = 0;
  const int64_t waited = viper_process_wait((viper_handle_t)process, &code);
  viper_handle_close((viper_handle_t)process);
  if (waited < 0) {
    fprintf(stderr, "expect_exit: waiting for %s failed: error %lld\n", argv[2], (long long)waited);
    return 1;
  }
  if (code != want) {
    fprintf(stderr, "expect_exit: %s exited with %lld, not %ld\n", argv[2], (long long)code, want);
    return 1;
  }
  printf("expect_exit: %s exited with %ld, as it should\n", argv[2], want);
  return 0;
}
