#include "kernel/boot/interrupts.h"

#include <viperdos/syscalls.h>

#include "drivers/pl011/pl011.h"
#include "kernel/arch/aarch64/exception.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/user_access.h"
#include "kernel/boot/disks.h"
#include "kernel/boot/nics.h"
#include "kernel/boot/platform.h"
#include "kernel/boot/smp.h"
#include "kernel/lib/printk.h"
#include "kernel/object/process_object.h"
#include "mm/vm/address_space.h"
#include "mm/vm/user_fault.h"
#include "sched/scheduler.h"

namespace viper::boot {
namespace {

// Console input: set once by start_console_input before the UART's
// interrupt is enabled, read only by its handler afterwards.
object::ConsoleObject* g_console_input = nullptr;
drivers::Pl011 g_uart{nullptr};
uint32_t g_uart_irq = 0;
uint64_t g_uart_line_errors = 0;

// Empties the RX FIFO (32 bytes on a PL011) into the console object in
// FIFO-sized bursts: emptying it is what ends the interrupt.
void drain_console_input() {
  uint8_t burst[32];
  for (;;) {
    uint32_t errors = 0;
    const size_t n = g_uart.DrainReceive(burst, sizeof(burst), &errors);
    if (errors != 0 && g_uart_line_errors == 0) {
      printk(LogLevel::kWarn, "console: %u received bytes had line errors (dropped)", errors);
    }
    g_uart_line_errors += errors;
    if (n != 0) g_console_input->receive(ConstBytes(burst, n));
    if (n + errors < sizeof(burst)) return;
  }
}

void irq_entry(arch::ExceptionFrame&) {
  Platform& p = platform();
  for (;;) {
    const uint32_t intid = p.gic.acknowledge();
    if (intid >= 1020) break;  // spurious: nothing (more) pending
    if (intid == p.machine.timer_virtual_irq) {
      if (p.timer.on_interrupt()) sched::on_tick();
      p.timer.program(sched::run_timers());
    } else if (intid == g_uart_irq && g_console_input != nullptr) {
      drain_console_input();
    } else if (handle_disk_interrupt(intid)) {
      // A disk's requests completed: their threads are woken.
    } else if (handle_entropy_interrupt(intid)) {
      // The entropy device answered: its reader is woken.
    } else if (handle_nic_interrupt(intid)) {
      // Frames arrived or were sent: receivers and senders are woken.
    } else if (intid == kSgiResched) {
      sched::on_reschedule_ipi();
    } else if (intid == kSgiStop) {
      p.gic.end_of_interrupt(intid);
      arch::halt_forever();
    } else if (intid != kSgiCall) {  // a call IPI only wakes the idle loop
      printk(LogLevel::kWarn, "unexpected interrupt %u", intid);
    }
    p.gic.end_of_interrupt(intid);
  }
  // Every interrupt is acknowledged and ended: now it is safe to switch.
  sched::preempt_if_needed();
}

// A kernel access to a user address faulted (a copy_from_user, or a
// kernel thread touching its address space): resolve it through the
// running thread's address space. False: take the fix-up, or panic.
bool resolve_kernel_user_fault(VirtAddr address, bool write) {
  sched::Thread* self = sched::current();
  if (!self || !self->address_space) return false;
  return self->address_space->handle_fault(
             address, write ? mm::Access::kWrite : mm::Access::kRead) == mm::FaultResult::kResolved;
}

// A fault nobody handles ends the thread's process (all its threads) with
// VIPER_EXIT_FAULT; a kernel thread in EL0 (ktests) just ends.
[[noreturn]] void end_faulting_thread(sched::Thread* self) {
  if (self->process != nullptr) self->process->exit(VIPER_EXIT_FAULT);
  sched::exit_current();
}

// An abort taken from EL0: resolved (return and retry), or the end of the
// thread with a diagnostic. A fault never loops (REL-007).
void handle_user_mode_fault(arch::ExceptionFrame& frame) {
  sched::Thread* self = sched::current();
  const uint64_t ec = arch::exception_class(frame.esr);
  if (ec != arch::kClassInstructionAbortLower && ec != arch::kClassDataAbortLower) {
    // Undefined instruction, BRK, alignment: a signal for the handler, if
    // the process has one (delivered on the way back to EL0), or the end.
    const uint32_t signal = ec == 0x22 || ec == 0x26 ? sched::kSigBus : sched::kSigIll;
    const Result<sched::SignalOutcome> outcome = self->signals.raise_fault(signal);
    if (outcome.ok() && outcome.value() == sched::SignalOutcome::kPending) return;
    printk(LogLevel::kWarn,
           "user exception: thread '%s' %s (ESR 0x%08llx) at pc 0x%016llx; ending it", self->name(),
           arch::exception_class_name(frame.esr), static_cast<unsigned long long>(frame.esr),
           static_cast<unsigned long long>(frame.elr));
    end_faulting_thread(self);
  }
  const mm::Access access = ec == 0x20                    ? mm::Access::kExecute
                            : ((frame.esr >> 6) & 1) != 0 ? mm::Access::kWrite
                                                          : mm::Access::kRead;
  const char* why = nullptr;
  const mm::FaultOutcome outcome = mm::resolve_user_fault(
      self->address_space, VirtAddr(frame.far), access, self->signals, self->fault_history, why);
  // Resolved: retry. A signal for a handler: delivered before the return
  // to EL0 (kernel/syscall/signals.cc); the handler decides what next.
  if (outcome == mm::FaultOutcome::kRetry || outcome == mm::FaultOutcome::kDeliverSignal) return;
  printk(LogLevel::kWarn, "user fault: thread '%s' %s at 0x%016llx (pc 0x%016llx): %s; ending it",
         self->name(),
         access == mm::Access::kWrite     ? "write"
         : access == mm::Access::kExecute ? "execute"
                                          : "read",
         static_cast<unsigned long long>(frame.far), static_cast<unsigned long long>(frame.elr),
         why);
  end_faulting_thread(self);
}

}  // namespace

void install_interrupt_handlers() {
  arch::set_irq_handler(&irq_entry);
  arch::set_user_fault_resolver(&resolve_kernel_user_fault);
  arch::set_user_mode_fault_handler(&handle_user_mode_fault);
}

void send_reschedule_ipi(uint32_t cpu) {
  platform().gic.send_sgi(kSgiResched, percpu(cpu).hardware_id);
}

void program_timer(uint64_t next_deadline_ns) { platform().timer.program(next_deadline_ns); }

bool start_console_input(object::Ref<object::ConsoleObject> console) {
  Platform& p = platform();
  if (p.machine.uart.irq < 32 || g_console_input != nullptr) return false;
  g_uart = drivers::Pl011(arch::phys_to_virt(p.machine.uart.base).as<volatile uint32_t>());
  g_uart_irq = p.machine.uart.irq;
  g_console_input = console.leak();  // the console lives as long as the kernel
  // Published before the interrupt can fire: enable_shared's MMIO writes
  // come after these stores on this CPU, and the handler runs on CPU 0.
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  g_uart.EnableReceiveInterrupts();
  p.gic.enable_shared(g_uart_irq, 0x80, percpu(0).hardware_id);
  return true;
}

}  // namespace viper::boot
