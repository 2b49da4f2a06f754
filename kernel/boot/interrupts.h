// Where interrupts and faults enter the running kernel: the IRQ entry
// (timer ticks, the SGIs between CPUs, console input), kernel accesses to user memory
// that fault, and aborts taken from EL0; and the scheduler's hooks into
// the interrupt controller and the timer.
#pragma once

#include <stdint.h>

#include "kernel/object/console_object.h"

namespace viper::boot {

// Points the arch seam's IRQ and fault hooks here (kernel_main, once the
// GIC distributor is up and before any CPU enables interrupts).
void install_interrupt_handlers();

// sched::init's hooks: kick `cpu` into its scheduler, and program this
// CPU's timer for the earlier of its next tick and `next_deadline_ns`.
void send_reschedule_ipi(uint32_t cpu);
void program_timer(uint64_t next_deadline_ns);

// From now on typed input reaches `console`: the UART's receive and
// receive-timeout interrupts are unmasked and its SPI (from the device
// tree) is routed to the boot CPU, whose handler drains the RX FIFO into
// the console object. Once, before init starts; false if the device tree
// gave the UART no interrupt (then there is no console input).
bool start_console_input(object::Ref<object::ConsoleObject> console);

}  // namespace viper::boot
