// EL1 exception handling: the saved frame, the IRQ hook, and the report an
// unexpected exception produces before it panics.
#pragma once

#include <stdint.h>

namespace viper::arch {

// Mirrors the FRAME_* offsets in boot_defs.h.
struct ExceptionFrame {
  uint64_t x[31];
  uint64_t sp;  // the interrupted stack pointer: SP_EL0 for exceptions from EL0
  uint64_t elr;
  uint64_t spsr;
  uint64_t esr;
  uint64_t far;
  uint64_t kind;  // vector index 0..15
  uint64_t pad;
  uint64_t record[2];  // frame record: interrupted fp, interrupted pc
};
static_assert(sizeof(ExceptionFrame) == 320);

// Vector indexes (ARM ARM D1.10.2 order).
enum VectorKind : uint64_t {
  kSyncSp0 = 0,
  kIrqSp0 = 1,
  kSyncSpx = 4,
  kIrqSpx = 5,
  kFiqSpx = 6,
  kSErrorSpx = 7,
  kSyncLower64 = 8,
  kIrqLower64 = 9,
};

// Called for every IRQ (installed by the boot code once the GIC is up).
using IrqHandler = void (*)(ExceptionFrame& frame);
void set_irq_handler(IrqHandler handler);

// Called for every synchronous exception taken from EL0 other than a
// system call: aborts (returning retries the access), and undefined
// instructions, BRK, alignment faults and the like, which the handler
// turns into a signal or the end of the thread. A user program can never
// reach report_unexpected() and its panic.
using UserModeFaultHandler = void (*)(ExceptionFrame& frame);
void set_user_mode_fault_handler(UserModeFaultHandler handler);

// Which registers a system call's frame holds. A system call enters on a
// short path (vectors.S, el0_svc) that saves only what the C call may
// clobber and what the return needs: x0-x18, x29, x30, ELR, SPSR, ESR and
// the kind. x19-x28 stay in their registers across the handler (AAPCS64
// callee-saved; a context switch saves them with the thread), and so does
// SP_EL0 (context.h), so in such a frame they and `sp` are stale. kWhole:
// every field is the caller's.
enum class SyscallFrame : uint64_t { kShort = 0, kWhole = 1 };

// What the short path does once the handler returned.
enum class SyscallNext : uint64_t {
  kReturn = 0,        // straight back to EL0 from the short frame
  kReturnToUser = 1,  // work is pending (kill, signal): the whole frame, then
                      // the return-to-user handler
  kWholeFrame = 2,    // the call reads or writes every register (fork, exec,
                      // sigreturn): not run yet; the whole frame, then the
                      // handler again with kWhole
};

// Called for `svc #0` from EL0: the number is in x8, the arguments in
// x0..x5, and the handler leaves the result in x0. With a kShort frame it
// must not read or write x19-x28 (it returns kWholeFrame instead of
// running a call that would) and it reports pending work with
// kReturnToUser; with kWhole its result is ignored (the return-to-user
// handler always runs then). Returning resumes the caller after its svc.
using SyscallHandler = SyscallNext (*)(ExceptionFrame& frame, SyscallFrame saved);
void set_syscall_handler(SyscallHandler handler);

// Called last before an exception taken from EL0 returns to it (after the
// syscall, fault or interrupt was handled): where a thread that must end
// ends, and where signals will be delivered.
using ReturnToUserHandler = void (*)(ExceptionFrame& frame);
void set_return_to_user_handler(ReturnToUserHandler handler);

// The exception class of an ESR value (ARM ARM D17.2.37).
inline constexpr uint64_t exception_class(uint64_t esr) { return (esr >> 26) & 0x3f; }
inline constexpr uint64_t kClassSvc64 = 0x15;
inline constexpr uint64_t kClassInstructionAbortLower = 0x20;
inline constexpr uint64_t kClassDataAbortLower = 0x24;

// Human names for the exception class of an ESR value.
const char* exception_class_name(uint64_t esr);

}  // namespace viper::arch
