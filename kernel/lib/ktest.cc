#include "kernel/lib/ktest.h"

#include "kernel/lib/format.h"

namespace viper::ktest {

void Context::fail(const char* file, int line, const char* what) {
  if (failed_) return;  // the first failure explains the most
  failed_ = true;
  format(message_, sizeof(message_), "%s:%d: %s", file, line, what);
}

}  // namespace viper::ktest
