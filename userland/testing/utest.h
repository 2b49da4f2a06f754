/* A tiny test framework for ViperDOS user programs, reporting in the QEMU
 * harness's ktest protocol (docs/testing.md):
 *
 *   UTEST(pipes, read_what_was_written) { UEXPECT(n == 4); }
 *
 * registers a test where it is written (a constructor puts it on a list,
 * in the order of the file). The runner (utest.c, which defines main)
 * prints `KTEST PASS suite.name` or `KTEST FAIL suite.name: file:line:
 * cond` per test and `KTEST-SUMMARY passed=N failed=M`, and returns the
 * number of failures: run as init, the kernel powers off with it, and a
 * non-zero VIPER-EXIT fails the qemu_test. `bin/prog suite.name` or
 * `bin/prog suite.` runs only the tests with that prefix.
 *
 * UEXPECT may be used from any thread of the test; every line goes out in
 * one write(), so lines of concurrent threads never interleave. */
#ifndef VIPERDOS_UTEST_H_
#define VIPERDOS_UTEST_H_

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct utest_case {
  const char* suite;
  const char* name;
  void (*run)(void);
  struct utest_case* next;
};

void utest_register(struct utest_case* test);
/* Records a failure of the running test; false, so UASSERT can return. */
bool utest_fail(const char* file, int line, const char* condition);
bool utest_expect_eq(int64_t actual, int64_t expected, const char* file, int line,
                     const char* text);
/* printf to stdout as one write() (at most 1 KiB; a newline is added). */
void utest_log(const char* format, ...) __attribute__((format(printf, 1, 2)));
/* The program's argv[0]. */
extern const char* utest_program;
/* Failures the running test has had so far. */
int utest_failures(void);

#define UTEST(suite, name)                                                                \
  static void utest_run_##suite##_##name(void);                                           \
  static struct utest_case utest_case_##suite##_##name = {#suite, #name,                  \
                                                          utest_run_##suite##_##name, 0}; \
  __attribute__((constructor)) static void utest_add_##suite##_##name(void) {             \
    utest_register(&utest_case_##suite##_##name);                                         \
  }                                                                                       \
  static void utest_run_##suite##_##name(void)

#define UEXPECT(cond) ((cond) ? true : utest_fail(__FILE__, __LINE__, #cond))
#define UEXPECT_EQ(actual, expected)                                          \
  utest_expect_eq((int64_t)(actual), (int64_t)(expected), __FILE__, __LINE__, \
                  #actual " == " #expected)
/* As UEXPECT, and the test function returns at once on failure. */
#define UASSERT(cond)           \
  do {                          \
    if (!UEXPECT(cond)) return; \
  } while (0)
#define UASSERT_EQ(actual, expected)           \
  do {                                         \
    if (!UEXPECT_EQ(actual, expected)) return; \
  } while (0)

/* Fills `info` once the reaper has freed everything that ended (process
 * and thread counts held still for 30 ms, or 2 s passed): the baseline of
 * leak checks. */
struct viper_system_info;
void utest_quiet_system(struct viper_system_info* info);

#ifdef __cplusplus
}
#endif

#endif /* VIPERDOS_UTEST_H_ */
