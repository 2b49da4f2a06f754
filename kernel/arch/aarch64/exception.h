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

// Called for an instruction or data abort taken from EL0. Returning
// retries the access; a handler that cannot resolve it ends the thread.
using UserModeFaultHandler = void (*)(ExceptionFrame& frame);
void set_user_mode_fault_handler(UserModeFaultHandler handler);

// Human names for the exception class of an ESR value.
const char* exception_class_name(uint64_t esr);

}  // namespace viper::arch
