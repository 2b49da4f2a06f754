// The way from `ktest=` on the command line to the in-kernel tests.
//
// main.cc defines it weakly: the production image (//kernel:image) links
// no test code, so there `ktest=` only says which image to boot. The test
// image (//kernel:test_image) links the strong definition
// (kernel/boot/ktest_platform.cc, which runs kernel/lib/ktest_runner.h).
// A weak definition, not a weak reference: an undefined weak symbol would
// need a GOT, which the kernel's linker script has no room for.
#pragma once

namespace viper::boot {

// Runs the ktests `filter` selects and returns the exit code to power off
// with (0 all passed, 1 a test failed, 2 nothing matched).
int run_ktests(const char* filter);

}  // namespace viper::boot
