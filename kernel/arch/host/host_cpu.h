// Host backend: binding threads to simulated CPUs.
#pragma once

#include <stdint.h>

namespace viper::arch::host {

// Number of threads currently bound to a CPU.
uint32_t bound_cpu_count();

}  // namespace viper::arch::host
