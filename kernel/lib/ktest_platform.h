// What a ktest may ask of the machine it runs on, whatever layer it tests:
// how many CPUs are online, and running a function on one or all of them.
//
// Layer 0 declares it so that ktests of low layers (mm's allocators) need
// neither boot nor the scheduler; the test image defines it
// (kernel/boot/ktest_platform.cc, linked only into //kernel:test_image).
// A link-time seam: nothing to install, nothing to forget at boot.
#pragma once

#include <stdint.h>

namespace viper::ktest {

uint32_t cpus_online();

// Runs fn(arg) on `cpu` from its idle loop; wait_for_call(cpu) waits until
// it finished. One call per CPU at a time.
void call_on_cpu(uint32_t cpu, void (*fn)(void*), void* arg);
void wait_for_call(uint32_t cpu);

// Runs fn(arg) on every online CPU at once (this one included) and returns
// when all have finished.
void run_on_all_cpus(void (*fn)(void*), void* arg);

}  // namespace viper::ktest
