#include "kernel/lib/printk.h"

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace viper {
namespace {

using ::testing::HasSubstr;

std::mutex g_capture_mutex;
std::vector<std::string> g_writes;

// Records each write separately: a line split across writes would show.
void capture_writer(const char* text, size_t length) {
  std::lock_guard<std::mutex> guard(g_capture_mutex);
  g_writes.emplace_back(text, length);
}

TEST(Printk, LinesFromManyCpusNeverInterleave) {
  g_writes.clear();
  set_console_writer(&capture_writer);
  constexpr int kThreads = 4;
  constexpr int kLines = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) printk(LogLevel::kInfo, "thread %d line %d end", t, i);
    });
  }
  for (auto& thread : threads) thread.join();
  set_console_writer(nullptr);
  ASSERT_EQ(g_writes.size(), size_t{kThreads} * kLines);
  for (const std::string& line : g_writes) {
    EXPECT_THAT(line, ::testing::MatchesRegex(
                          R"(\[ *[0-9]+\.[0-9]{6}\] cpu[0-9]+ I: thread [0-9] line [0-9]+ end
)"));
  }
}

TEST(Printk, LevelFilterAndLongLines) {
  g_writes.clear();
  set_console_writer(&capture_writer);
  set_log_level(LogLevel::kWarn);
  printk(LogLevel::kInfo, "dropped");
  printk(LogLevel::kError, "kept %s", "error");
  set_log_level(LogLevel::kInfo);
  const std::string long_text(2000, 'x');
  printk(LogLevel::kInfo, "%s", long_text.c_str());
  set_console_writer(nullptr);
  ASSERT_EQ(g_writes.size(), 2u);
  EXPECT_THAT(g_writes[0], HasSubstr("E: kept error\n"));
  EXPECT_EQ(g_writes[1].back(), '\n') << "a truncated line still ends the line";
  EXPECT_LE(g_writes[1].size(), 512u);
}

TEST(PanicDeathTest, PrintsTheReasonInTheResultProtocol) {
  EXPECT_DEATH(panic("disk %d on fire", 3), "VIPER-PANIC: cpu[0-9]+: disk 3 on fire");
}

TEST(PanicDeathTest, AssertNamesTheConditionAndPlace) {
  const int answer = 41;
  EXPECT_DEATH(ASSERT(answer == 42), "assertion failed: answer == 42 at .*printk_test.cc");
}

}  // namespace
}  // namespace viper
