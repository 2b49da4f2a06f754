#include "kernel/lib/ktest_runner.h"

#include <stdarg.h>

#include "kernel/arch/arch.h"
#include "kernel/lib/format.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/ktest_platform.h"
#include "kernel/lib/printk.h"

extern "C" const viper::ktest::Case __start_ktests[];
extern "C" const viper::ktest::Case __stop_ktests[];

namespace viper::ktest {
namespace {

bool equal_n(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
    if (a[i] == 0) return true;
  }
  return true;
}
size_t length(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

// Does one filter pattern [p, p + n) select the case? Tests whose name
// starts with "panics_" end the run, so only an exact name selects them.
bool pattern_selects(const char* p, size_t n, const ktest::Case& c) {
  const size_t suite = length(c.suite);
  // Benchmarks measure; they run when asked for by suite or name only.
  const bool panics = equal_n(c.name, "panics_", 7) || equal_n(c.suite, "bench", 6);
  if (n == 3 && equal_n(p, "all", 3)) return !panics;
  if (n < suite || !equal_n(p, c.suite, suite)) return false;
  const bool bench = equal_n(c.suite, "bench", 6);
  if (n == suite) return !panics || bench;
  if (p[suite] != '.') return false;
  if (n == suite + 2 && p[suite + 1] == '*') return !panics || bench;
  return n - suite - 1 == length(c.name) && equal_n(p + suite + 1, c.name, n - suite - 1);
}

bool selected(const char* filter, const ktest::Case& c) {
  const char* p = filter;
  while (*p) {
    const char* end = p;
    while (*end && *end != ',') ++end;
    if (pattern_selects(p, static_cast<size_t>(end - p), c)) return true;
    p = *end ? end + 1 : end;
  }
  return false;
}

struct CpuRun {
  const ktest::Case* test = nullptr;
  ktest::Context context;
};
constinit CpuRun g_cpu_runs[arch::kMaxCpus];

void run_on_this_cpu(void* run) {
  auto* r = static_cast<CpuRun*>(run);
  r->test->run(r->context);
}

// Runs one test; on failure writes the message into `message`.
bool run_one(const ktest::Case& c, char* message, size_t capacity) {
  if (!c.all_cpus) {
    ktest::Context context;
    c.run(context);
    if (context.failed()) format(message, capacity, "%s", context.message());
    return !context.failed();
  }
  const uint32_t cpus = cpus_online();
  for (uint32_t cpu = 0; cpu < cpus; ++cpu) g_cpu_runs[cpu] = {&c, {}};
  for (uint32_t cpu = 1; cpu < cpus; ++cpu) call_on_cpu(cpu, &run_on_this_cpu, &g_cpu_runs[cpu]);
  run_on_this_cpu(&g_cpu_runs[0]);
  for (uint32_t cpu = 1; cpu < cpus; ++cpu) wait_for_call(cpu);
  for (uint32_t cpu = 0; cpu < cpus; ++cpu) {
    if (g_cpu_runs[cpu].context.failed()) {
      format(message, capacity, "cpu%u: %s", cpu, g_cpu_runs[cpu].context.message());
      return false;
    }
  }
  return true;
}

void print_line(const char* format_string, ...) __attribute__((format(printf, 1, 2)));
void print_line(const char* format_string, ...) {
  char line[320];
  va_list args;
  va_start(args, format_string);
  size_t n = vformat(line, sizeof(line) - 1, format_string, args);
  va_end(args);
  if (n > sizeof(line) - 2) n = sizeof(line) - 2;
  line[n++] = '\n';
  console_write(line, n);
}

}  // namespace

int run_ktests(const char* filter) {
  int passed = 0;
  int failed = 0;
  for (const ktest::Case* c = __start_ktests; c < __stop_ktests; ++c) {
    if (!selected(filter, *c)) continue;
    char message[200] = {};
    if (run_one(*c, message, sizeof(message))) {
      ++passed;
      print_line("KTEST PASS %s.%s", c->suite, c->name);
    } else {
      ++failed;
      print_line("KTEST FAIL %s.%s: %s", c->suite, c->name, message);
    }
  }
  print_line("KTEST-SUMMARY passed=%d failed=%d", passed, failed);
  if (passed + failed == 0) {
    print_line("no ktest matches '%s'", filter);
    return 2;
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace viper::ktest
