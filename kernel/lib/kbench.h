// The in-guest benchmarks' one output line (the harness collects them):
//   KBENCH <name> <value> <unit>
#pragma once

#include <stdint.h>

namespace viper::ktest {

void kbench_report(const char* name, uint64_t value, const char* unit);

}  // namespace viper::ktest
