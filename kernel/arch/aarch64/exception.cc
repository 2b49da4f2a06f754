#include "kernel/arch/aarch64/exception.h"

#include "kernel/arch/arch.h"
#include "kernel/arch/user_access.h"
#include "kernel/lib/atomic.h"
#include "kernel/lib/printk.h"

// vectors.S's short system-call path calls through this with one plain
// load: it is set at boot, before any user thread runs, and never again.
extern "C" viper::Atomic<viper::arch::SyscallHandler> arch_syscall_handler{nullptr};
static_assert(sizeof(viper::Atomic<viper::arch::SyscallHandler>) == sizeof(void*));

namespace viper::arch {
namespace {

Atomic<IrqHandler> g_irq_handler{nullptr};
Atomic<UserFaultResolver> g_user_fault_resolver{nullptr};
Atomic<UserModeFaultHandler> g_user_mode_fault_handler{nullptr};
Atomic<ReturnToUserHandler> g_return_to_user_handler{nullptr};

// The user-access fix-up table (user_copy.S, collected by kernel.ld).
struct FixupEntry {
  uint64_t instruction;
  uint64_t fixup;
};
extern "C" const FixupEntry __start_ex_table[];
extern "C" const FixupEntry __stop_ex_table[];

uint64_t fixup_for(uint64_t pc) {
  for (const FixupEntry* e = __start_ex_table; e < __stop_ex_table; ++e) {
    if (e->instruction == pc) return e->fixup;
  }
  return 0;
}

// A data abort taken at EL1 on a user address: resolved through the
// current address space, or resumed at the faulting access's fix-up.
// False if neither applies (a kernel bug: the caller reports it).
bool handle_kernel_user_fault(ExceptionFrame& frame) {
  const uint64_t ec = (frame.esr >> 26) & 0x3f;
  if (ec != 0x25 || frame.far >= kUserSpaceTop) return false;
  const uint64_t status = (frame.esr & 0x3f) >> 2;  // translation, access flag, permission
  if (status < 1 || status > 3) return false;
  const bool write = (frame.esr >> 6) & 1;  // ISS.WnR
  if (UserFaultResolver resolver = g_user_fault_resolver.load(MemoryOrder::kAcquire)) {
    if (resolver(VirtAddr(frame.far), write)) return true;  // retry the access
  }
  if (const uint64_t fixup = fixup_for(frame.elr)) {
    frame.elr = fixup;
    return true;
  }
  return false;
}

const char* vector_name(uint64_t kind) {
  static const char* const kNames[16] = {"synchronous (EL1, SP_EL0)",
                                         "IRQ (EL1, SP_EL0)",
                                         "FIQ (EL1, SP_EL0)",
                                         "SError (EL1, SP_EL0)",
                                         "synchronous (EL1h)",
                                         "IRQ (EL1h)",
                                         "FIQ (EL1h)",
                                         "SError (EL1h)",
                                         "synchronous (EL0, AArch64)",
                                         "IRQ (EL0, AArch64)",
                                         "FIQ (EL0, AArch64)",
                                         "SError (EL0, AArch64)",
                                         "synchronous (EL0, AArch32)",
                                         "IRQ (EL0, AArch32)",
                                         "FIQ (EL0, AArch32)",
                                         "SError (EL0, AArch32)"};
  return kind < 16 ? kNames[kind] : "unknown vector";
}

// Data/instruction abort status codes (ISS.DFSC / IFSC).
const char* fault_status_name(uint64_t esr) {
  const uint64_t code = esr & 0x3f;
  switch (code >> 2) {
    case 0:
      return "address size fault";
    case 1:
      return "translation fault";
    case 2:
      return "access flag fault";
    case 3:
      return "permission fault";
    default:
      break;
  }
  if (code == 0x21) return "alignment fault";
  if (code == 0x10) return "synchronous external abort";
  return "other fault";
}

bool plausible_frame(uint64_t fp) {
  return (fp & 7) == 0 && fp >= kDirectMapBase && fp < ~uint64_t{0} - 16;
}

void print_backtrace(const ExceptionFrame& frame) {
  printk(LogLevel::kError, "backtrace:");
  printk(LogLevel::kError, "  #0 pc 0x%016llx", static_cast<unsigned long long>(frame.elr));
  uint64_t fp = frame.x[29];
  for (int depth = 1; depth < 24 && plausible_frame(fp); ++depth) {
    const uint64_t* record = reinterpret_cast<const uint64_t*>(fp);
    const uint64_t return_address = record[1];
    if (return_address == 0) break;
    printk(LogLevel::kError, "  #%d pc 0x%016llx", depth,
           static_cast<unsigned long long>(return_address));
    if (record[0] <= fp) break;  // frames must move up the stack
    fp = record[0];
  }
}

[[noreturn]] void report_unexpected(const ExceptionFrame& frame) {
  const uint64_t ec = (frame.esr >> 26) & 0x3f;
  printk(LogLevel::kError, "unexpected exception: %s", vector_name(frame.kind));
  printk(
      LogLevel::kError, "ESR_EL1 0x%08llx: class 0x%02llx %s%s%s",
      static_cast<unsigned long long>(frame.esr), static_cast<unsigned long long>(ec),
      exception_class_name(frame.esr),
      (ec == 0x20 || ec == 0x21 || ec == 0x24 || ec == 0x25) ? ", " : "",
      (ec == 0x20 || ec == 0x21 || ec == 0x24 || ec == 0x25) ? fault_status_name(frame.esr) : "");
  printk(LogLevel::kError, "FAR_EL1 0x%016llx ELR_EL1 0x%016llx SPSR_EL1 0x%08llx",
         static_cast<unsigned long long>(frame.far), static_cast<unsigned long long>(frame.elr),
         static_cast<unsigned long long>(frame.spsr));
  for (int i = 0; i < 30; i += 3) {
    printk(LogLevel::kError, "x%-2d 0x%016llx  x%-2d 0x%016llx  x%-2d 0x%016llx", i,
           static_cast<unsigned long long>(frame.x[i]), i + 1,
           static_cast<unsigned long long>(frame.x[i + 1]), i + 2,
           static_cast<unsigned long long>(frame.x[i + 2]));
  }
  printk(LogLevel::kError, "x30 0x%016llx  sp  0x%016llx",
         static_cast<unsigned long long>(frame.x[30]), static_cast<unsigned long long>(frame.sp));
  print_backtrace(frame);
  panic("unexpected %s exception (%s) at 0x%016llx, FAR 0x%016llx", vector_name(frame.kind),
        exception_class_name(frame.esr), static_cast<unsigned long long>(frame.elr),
        static_cast<unsigned long long>(frame.far));
}

}  // namespace

void set_irq_handler(IrqHandler handler) { g_irq_handler.store(handler, MemoryOrder::kRelease); }

void set_user_mode_fault_handler(UserModeFaultHandler handler) {
  g_user_mode_fault_handler.store(handler, MemoryOrder::kRelease);
}

void set_syscall_handler(SyscallHandler handler) {
  arch_syscall_handler.store(handler, MemoryOrder::kRelease);
}

void set_return_to_user_handler(ReturnToUserHandler handler) {
  g_return_to_user_handler.store(handler, MemoryOrder::kRelease);
}

void set_user_fault_resolver(UserFaultResolver resolver) {
  g_user_fault_resolver.store(resolver, MemoryOrder::kRelease);
}

const char* exception_class_name(uint64_t esr) {
  switch ((esr >> 26) & 0x3f) {
    case 0x00:
      return "Unknown reason";
    case 0x01:
      return "WFI/WFE trapped";
    case 0x07:
      return "FP/SIMD access trapped";
    case 0x0e:
      return "Illegal execution state";
    case 0x15:
      return "SVC from AArch64";
    case 0x18:
      return "MSR/MRS trapped";
    case 0x20:
      return "Instruction Abort from lower EL";
    case 0x21:
      return "Instruction Abort (same EL)";
    case 0x22:
      return "PC alignment fault";
    case 0x24:
      return "Data Abort from lower EL";
    case 0x25:
      return "Data Abort (same EL)";
    case 0x26:
      return "SP alignment fault";
    case 0x2f:
      return "SError";
    case 0x3c:
      return "BRK instruction";
    default:
      return "other exception class";
  }
}

}  // namespace viper::arch

extern "C" [[noreturn]] void report_stack_overflow(uint64_t sp, uint64_t pc) {
  using namespace viper;
  const sched::Task* task = arch::this_cpu()->current_task;
  printk(LogLevel::kError, "kernel stack overflow: sp 0x%016llx is in a guard page, pc 0x%016llx",
         static_cast<unsigned long long>(sp), static_cast<unsigned long long>(pc));
  panic("kernel stack overflow in thread %p (sp 0x%016llx)", static_cast<const void*>(task),
        static_cast<unsigned long long>(sp));
}

namespace {

bool from_el0(const viper::arch::ExceptionFrame& frame) {
  return frame.kind >= viper::arch::kSyncLower64 && frame.kind < viper::arch::kSyncLower64 + 4;
}

void dispatch_exception(viper::arch::ExceptionFrame* frame);

void return_to_user(viper::arch::ExceptionFrame* frame) {
  if (auto handler = viper::arch::g_return_to_user_handler.load(viper::MemoryOrder::kAcquire)) {
    handler(*frame);
  }
}

}  // namespace

extern "C" void handle_exception(viper::arch::ExceptionFrame* frame) {
  dispatch_exception(frame);
  if (from_el0(*frame)) return_to_user(frame);
}

// vectors.S's short system-call path, once it saved the rest of the frame
// (x19-x28): a call that needs the whole frame runs now, through the
// whole path; one that ran already only has the pending work left.
extern "C" void handle_syscall_long(viper::arch::ExceptionFrame* frame,
                                    viper::arch::SyscallNext next) {
  if (next == viper::arch::SyscallNext::kWholeFrame) {
    handle_exception(frame);
    return;
  }
  return_to_user(frame);
}

namespace {

void dispatch_exception(viper::arch::ExceptionFrame* frame) {
  using namespace viper::arch;
  if (frame->kind == kIrqSpx || frame->kind == kIrqLower64 || frame->kind == kIrqSp0) {
    if (IrqHandler handler = g_irq_handler.load(viper::MemoryOrder::kAcquire)) {
      handler(*frame);
      return;
    }
  }
  if (frame->kind == kSyncSpx && handle_kernel_user_fault(*frame)) return;
  if (frame->kind == kSyncLower64) {
    if (exception_class(frame->esr) == kClassSvc64) {
      if (SyscallHandler handler = arch_syscall_handler.load(viper::MemoryOrder::kAcquire)) {
        (void)handler(*frame, SyscallFrame::kWhole);
        return;
      }
    } else if (UserModeFaultHandler handler =
                   g_user_mode_fault_handler.load(viper::MemoryOrder::kAcquire)) {
      handler(*frame);  // returns to retry, or ends the thread
      return;
    }
  }
  report_unexpected(*frame);
}

}  // namespace
