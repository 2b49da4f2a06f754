// Starting user space: the boot archive from the initrd, the reaper of
// user threads, the system calls, and the first process (init).
#pragma once

#include "kernel/boot/cmdline.h"

namespace viper::boot {

// Once, on the boot CPU, before the scheduler starts: the system-call
// table and the exception hooks of user threads.
void install_user_space_hooks();

// From the first kernel thread: spawns `init=` (default bin/init) from the
// boot archive, with `initarg=` as its argument if given, and waits for it; when init ends the
// machine powers off with its exit code. Returns false if there is no boot archive (the kernel
// idles then).
bool run_init(const CommandLine& cmdline);

}  // namespace viper::boot
