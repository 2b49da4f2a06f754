// Kernel logging. Each printk call formats one line into a local buffer and
// writes it to the console under the console lock, so lines from different
// CPUs never interleave. panic() prints the reason once (a second CPU
// panicking at the same time stops silently), stops the machine and, under
// QEMU, ends the run with a failure status.
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

namespace viper {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Where console output goes: the boot UART on the target, stderr on the host.
using ConsoleWriter = void (*)(const char* text, size_t length);
void set_console_writer(ConsoleWriter writer);

// Lines below this level are dropped (default kInfo).
void set_log_level(LogLevel minimum);

void printk(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));
void vprintk(LogLevel level, const char* format, va_list args);

// Writes text as is (no prefix), under the console lock.
void console_write(const char* text, size_t length);

// The kernel log: every printk line (not console_write's raw text: that is
// programs' output) is also kept in a 64 KiB ring (log_ring.h), under the
// console lock. Copies up to `size` bytes from `offset` (0 = the oldest
// byte still kept) into `out`; how many, 0 at the end.
inline constexpr size_t kLogBytes = 64 * 1024;
size_t log_read(uint64_t offset, char* out, size_t size);

// Called by panic() before it prints, to stop the other CPUs (the boot code
// installs an IPI-based stopper once interrupts work).
using StopOtherCpus = void (*)();
void set_panic_stopper(StopOtherCpus stopper);

[[noreturn]] void panic(const char* format, ...) __attribute__((format(printf, 1, 2)));
[[noreturn]] void vpanic(const char* format, va_list args);

}  // namespace viper

#define ASSERT(condition)                                                              \
  do {                                                                                 \
    if (!(condition)) [[unlikely]] {                                                   \
      ::viper::panic("assertion failed: %s at %s:%d", #condition, __FILE__, __LINE__); \
    }                                                                                  \
  } while (0)
