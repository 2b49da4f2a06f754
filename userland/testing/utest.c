/* The runner of UTEST cases (utest.h): main for every test program. */
#include "userland/testing/utest.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <viperdos/viper.h>

#define LINE_BYTES 1024

const char* utest_program = "";
static struct utest_case* first;
static struct utest_case** last = &first;
static struct utest_case* running;
static int failures;    /* of the running test */
static int message_set; /* its first failure is in `message` */
static char message[LINE_BYTES / 2];

void utest_register(struct utest_case* test) {
  *last = test;
  last = &test->next;
}

/* One line, one write(): the kernel's debug write is atomic per call. */
static void write_line(const char* format, va_list args) {
  char line[LINE_BYTES];
  int n = vsnprintf(line, sizeof(line) - 1, format, args);
  if (n < 0) return;
  if (n > (int)sizeof(line) - 2) n = (int)sizeof(line) - 2;
  line[n++] = '\n';
  (void)write(STDOUT_FILENO, line, (size_t)n);
}

void utest_log(const char* format, ...) {
  va_list args;
  va_start(args, format);
  write_line(format, args);
  va_end(args);
}

static void print_line(const char* format, ...) {
  va_list args;
  va_start(args, format);
  write_line(format, args);
  va_end(args);
}

int utest_failures(void) { return __atomic_load_n(&failures, __ATOMIC_ACQUIRE); }

/* Every failure is printed as it happens (a test that then crashes has
 * still said why); the first is repeated on the test's FAIL line. */
static void fail_with(const char* text) {
  __atomic_fetch_add(&failures, 1, __ATOMIC_ACQ_REL);
  print_line("utest: %s.%s: %s", running->suite, running->name, text);
  int unset = 0;
  if (__atomic_compare_exchange_n(&message_set, &unset, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
    strncpy(message, text, sizeof(message) - 1);
  }
}

bool utest_fail(const char* file, int line, const char* condition) {
  char text[sizeof(message)];
  snprintf(text, sizeof(text), "%s:%d: %s", file, line, condition);
  fail_with(text);
  return false;
}

bool utest_expect_eq(int64_t actual, int64_t expected, const char* file, int line,
                     const char* what) {
  if (actual == expected) return true;
  char text[sizeof(message)];
  snprintf(text, sizeof(text), "%s:%d: %s (%lld vs %lld)", file, line, what, (long long)actual,
           (long long)expected);
  fail_with(text);
  return false;
}

static int selected(const struct utest_case* test, const char* filter) {
  if (!filter) return 1;
  char full[128];
  snprintf(full, sizeof(full), "%s.%s", test->suite, test->name);
  return strncmp(full, filter, strlen(filter)) == 0;
}

int main(int argc, char** argv) {
  const char* filter = argc > 1 ? argv[1] : 0;
  if (argc > 0) utest_program = argv[0];
  int passed = 0;
  int failed = 0;
  for (struct utest_case* test = first; test; test = test->next) {
    if (!selected(test, filter)) continue;
    running = test;
    failures = 0;
    message_set = 0;
    message[0] = '\0';
    test->run();
    if (utest_failures() == 0) {
      ++passed;
      print_line("KTEST PASS %s.%s", test->suite, test->name);
    } else {
      ++failed;
      print_line("KTEST FAIL %s.%s: %s", test->suite, test->name, message);
    }
  }
  print_line("KTEST-SUMMARY passed=%d failed=%d", passed, failed);
  if (passed + failed == 0) return 2; /* the filter matched nothing */
  return failed;
}

/* The system once the reaper has freed everything that ended: process and
 * thread counts have held still for 30 ms. */
void utest_quiet_system(struct viper_system_info* info) {
  int same = 0;
  uint64_t last = 0;
  const uint64_t give_up = viper_deadline_after(2000 * 1000000ull);
  while (same < 3 && viper_clock_monotonic() < give_up) {
    viper_thread_sleep(viper_deadline_after(10 * 1000000ull));
    viper_system_info(info);
    const uint64_t now = ((uint64_t)info->processes << 32) | info->threads;
    same = now == last ? same + 1 : 0;
    last = now;
  }
}
