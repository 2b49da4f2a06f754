// Secondary CPU bring-up (PSCI CPU_ON) and cross-CPU calls.
#pragma once

#include <stdint.h>

#include "kernel/arch/percpu.h"

namespace viper::boot {

// What a starting CPU needs before it has a stack; entry.S reads it
// (SECONDARY_* offsets in boot_defs.h).
struct SecondaryBoot {
  uint64_t ttbr1;
  uint64_t stack_top;
  uint64_t percpu;
};

// The boot CPU's block; sets TPIDR_EL1. First thing kernel_main does.
void init_boot_cpu();

// Starts every other CPU the device tree lists and waits until each is
// online; a CPU that does not come up is a panic naming it.
void start_secondary_cpus(uint64_t kernel_ttbr1);

uint32_t cpus_online();
arch::PerCpu& percpu(uint32_t cpu);

// Runs fn(arg) on `cpu` from its idle loop. Returns once the call is queued;
// wait_for_call(cpu) waits until it finished. One call per CPU at a time.
void call_on_cpu(uint32_t cpu, void (*fn)(void*), void* arg);
void wait_for_call(uint32_t cpu);

// Runs fn(arg) on every online CPU at once (this one included) and returns
// when all have finished.
void run_on_all_cpus(void (*fn)(void*), void* arg);

// Before the scheduler runs: sleeps in WFI and runs cross-CPU calls. Once
// start_scheduling() was called, becomes this CPU's scheduler idle thread.
[[noreturn]] void idle_loop();

// Hands every CPU to the scheduler with `first` as the first kernel thread,
// pinned to CPU 0 (boot CPU: kernel_main becomes CPU 0's idle thread).
[[noreturn]] void start_scheduling(void (*first)(void*));

// Runs a cross-CPU call waiting for this CPU, if any (scheduler idle hook).
void run_pending_call();

// Stops every other CPU (panic path).
void stop_other_cpus();

}  // namespace viper::boot
