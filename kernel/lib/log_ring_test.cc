// The kernel log ring: what a reader sees by offset, before and after the
// ring wraps, and printk lines landing in the kernel's log.
#include "kernel/lib/log_ring.h"

#include <string>

#include "gtest/gtest.h"
#include "kernel/lib/printk.h"

namespace viper {
namespace {

std::string read_all(const LogRing& ring, uint64_t offset = 0, size_t chunk = 3) {
  std::string out;
  char buffer[16];
  for (;;) {
    const size_t n = ring.read(offset, buffer, chunk);
    if (n == 0) return out;
    out.append(buffer, n);
    offset += n;
  }
}

TEST(LogRing, ReadsWhatWasAppendedFromAnyOffset) {
  char storage[16];
  LogRing ring(storage, sizeof(storage));
  EXPECT_EQ(ring.size(), 0u);
  EXPECT_EQ(read_all(ring), "") << "an empty log reads as its end";
  ring.append("hello ", 6);
  ring.append("log", 3);
  EXPECT_EQ(ring.size(), 9u);
  EXPECT_EQ(read_all(ring), "hello log");
  EXPECT_EQ(read_all(ring, 6), "log");
  char buffer[16];
  EXPECT_EQ(ring.read(9, buffer, sizeof(buffer)), 0u) << "at the end: 0";
  EXPECT_EQ(ring.read(1000, buffer, sizeof(buffer)), 0u) << "past the end: 0, not an error";
  EXPECT_EQ(ring.read(0, buffer, 0), 0u);
}

TEST(LogRing, AfterAWrapOffsetZeroIsTheOldestByteStillKept) {
  char storage[8];
  LogRing ring(storage, sizeof(storage));
  ring.append("abcdef", 6);
  ring.append("ghij", 4);  // wraps: "ab" are gone
  EXPECT_EQ(ring.size(), 8u);
  EXPECT_EQ(ring.written(), 10u);
  EXPECT_EQ(read_all(ring), "cdefghij");
  EXPECT_EQ(read_all(ring, 5), "hij");
  for (int i = 0; i < 100; ++i) ring.append("0123456789", 10);  // many wraps
  EXPECT_EQ(read_all(ring, 0, 5), "23456789");
}

TEST(LogRing, AWriteLongerThanTheRingKeepsItsEnd) {
  char storage[4];
  LogRing ring(storage, sizeof(storage));
  ring.append("x", 1);
  ring.append("0123456789", 10);
  EXPECT_EQ(read_all(ring), "6789");
  EXPECT_EQ(ring.written(), 11u);
}

TEST(KernelLog, PrintkLinesAreInTheLogAndRawConsoleWritesAreNot) {
  set_console_writer([](const char*, size_t) {});
  console_write("raw program output\n", 19);
  printk(LogLevel::kWarn, "a line for dmesg %d", 42);
  set_console_writer(nullptr);
  std::string log;
  char buffer[512];
  for (uint64_t offset = 0;;) {
    const size_t n = log_read(offset, buffer, sizeof(buffer));
    if (n == 0) break;
    log.append(buffer, n);
    offset += n;
  }
  EXPECT_NE(log.find("W: a line for dmesg 42\n"), std::string::npos) << log;
  EXPECT_EQ(log.find("raw program output"), std::string::npos);
  EXPECT_LE(log.size(), kLogBytes);
}

}  // namespace
}  // namespace viper
