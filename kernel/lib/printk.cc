#include "kernel/lib/printk.h"

#include "kernel/arch/arch.h"
#include "kernel/lib/format.h"
#include "kernel/lib/lock_classes.h"
#include "kernel/lib/log_ring.h"
#include "kernel/lib/spinlock.h"

namespace viper {
namespace {

// The console lock is the innermost lock of all: printk may be called with
// any other lock held.
LockClass g_console_lock_class{kConsoleLock};
IrqSpinlock g_console_lock{g_console_lock_class};

char g_log_storage[kLogBytes];
LogRing g_log GUARDED_BY(g_console_lock){g_log_storage, kLogBytes};

Atomic<ConsoleWriter> g_writer{nullptr};
Atomic<int> g_min_level{static_cast<int>(LogLevel::kInfo)};
Atomic<StopOtherCpus> g_stopper{nullptr};
Atomic<uint32_t> g_panicking{0};

constexpr size_t kLineMax = 512;

void write_raw(const char* text, size_t length) {
  if (ConsoleWriter writer = g_writer.load(MemoryOrder::kAcquire)) {
    writer(text, length);
  } else {
    arch::early_console_write(text, length);
  }
}

const char* level_tag(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "D";
    case LogLevel::kInfo:
      return "I";
    case LogLevel::kWarn:
      return "W";
    case LogLevel::kError:
      return "E";
  }
  return "?";
}

}  // namespace

void set_console_writer(ConsoleWriter writer) { g_writer.store(writer, MemoryOrder::kRelease); }

void set_log_level(LogLevel minimum) {
  g_min_level.store(static_cast<int>(minimum), MemoryOrder::kRelaxed);
}

void set_panic_stopper(StopOtherCpus stopper) { g_stopper.store(stopper, MemoryOrder::kRelease); }

void console_write(const char* text, size_t length) {
  IrqSpinlockGuard guard(g_console_lock);
  write_raw(text, length);
}

size_t log_read(uint64_t offset, char* out, size_t size) {
  IrqSpinlockGuard guard(g_console_lock);
  return g_log.read(offset, out, size);
}

void vprintk(LogLevel level, const char* fmt, va_list args) {
  if (static_cast<int>(level) < g_min_level.load(MemoryOrder::kRelaxed)) return;
  char line[kLineMax];
  const uint64_t ns = arch::uptime_ns();
  size_t n = format(
      line, sizeof(line),
      "[%5llu.%06llu] cpu%u %s: ", static_cast<unsigned long long>(ns / 1000000000ull),
      static_cast<unsigned long long>(ns / 1000ull % 1000000ull), arch::cpu_id(), level_tag(level));
  n += vformat(line + n, sizeof(line) - n, fmt, args);
  if (n > sizeof(line) - 2) n = sizeof(line) - 2;  // truncated: keep room for '\n'
  if (n == 0 || line[n - 1] != '\n') line[n++] = '\n';
  IrqSpinlockGuard guard(g_console_lock);
  g_log.append(line, n);
  write_raw(line, n);
}

void printk(LogLevel level, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vprintk(level, fmt, args);
  va_end(args);
}

void vpanic(const char* fmt, va_list args) {
  arch::irq_save();
  if (g_panicking.exchange(1, MemoryOrder::kAcqRel) != 0) {
    arch::halt_forever();  // another CPU is already reporting its panic
  }
  if (StopOtherCpus stopper = g_stopper.load(MemoryOrder::kAcquire)) stopper();
  char line[kLineMax];
  size_t n = format(line, sizeof(line), "VIPER-PANIC: cpu%u: ", arch::cpu_id());
  n += vformat(line + n, sizeof(line) - n, fmt, args);
  if (n > sizeof(line) - 2) n = sizeof(line) - 2;
  line[n++] = '\n';
  // No console lock: the CPU that held it may have been stopped mid-line.
  write_raw("\n", 1);
  write_raw(line, n);
  arch::stop_machine_failed();
}

void panic(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vpanic(fmt, args);
}

}  // namespace viper
