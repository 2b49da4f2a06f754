#include "kernel/lib/kbench.h"

#include "kernel/lib/format.h"
#include "kernel/lib/printk.h"

namespace viper::ktest {

void kbench_report(const char* name, uint64_t value, const char* unit) {
  char line[96];
  const size_t n = format(line, sizeof(line), "KBENCH %s %llu %s\n", name,
                          static_cast<unsigned long long>(value), unit);
  console_write(line, n);
}

}  // namespace viper::ktest
