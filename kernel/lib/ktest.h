// In-kernel tests. A test is registered where it is written:
//
//   KTEST(timer, ticks_are_plausible) { KEXPECT(t, ticks > 0); }
//   KTEST_ALL_CPUS(smp, every_cpu_runs) { ... }   // runs on every CPU at once
//
// and runs when the kernel command line says `ktest=all`, `ktest=timer.*`
// or `ktest=timer.ticks_are_plausible` (comma-separated lists too). The
// runner (kernel/lib/ktest_runner.cc) prints one line per test,
//   KTEST PASS timer.ticks_are_plausible
//   KTEST FAIL timer.ticks_are_plausible: drivers/x.cc:12: ticks > 0
// then `KTEST-SUMMARY passed=N failed=M`, and powers off with the result.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/atomic.h"

namespace viper::ktest {

// Collects the first failure of one test on one CPU.
class Context {
 public:
  void fail(const char* file, int line, const char* what);
  bool failed() const { return failed_; }
  const char* message() const { return message_; }

 private:
  bool failed_ = false;
  char message_[160] = {};
};

struct Case {
  const char* suite;
  const char* name;
  void (*run)(Context& t);
  bool all_cpus;
};

}  // namespace viper::ktest

#define VIPER_KTEST_REGISTER(suite, name, all_cpus)                                            \
  static void ktest_##suite##_##name(::viper::ktest::Context& t);                              \
  [[gnu::used,                                                                                 \
    gnu::section("ktests")]] static const ::viper::ktest::Case ktest_case_##suite##_##name = { \
      #suite, #name, &ktest_##suite##_##name, all_cpus};                                       \
  static void ktest_##suite##_##name([[maybe_unused]] ::viper::ktest::Context& t)

#define KTEST(suite, name) VIPER_KTEST_REGISTER(suite, name, false)
#define KTEST_ALL_CPUS(suite, name) VIPER_KTEST_REGISTER(suite, name, true)

#define KEXPECT(t, condition)                                   \
  do {                                                          \
    if (!(condition)) (t).fail(__FILE__, __LINE__, #condition); \
  } while (0)
