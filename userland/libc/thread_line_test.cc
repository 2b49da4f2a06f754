// stdout's and stderr's per-thread lines (thread_line.h) on the host: the
// same C file libc links, with real threads printing at once.
#include "userland/libc/thread_line.h"

#include <atomic>
#include <cstdint>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace {

// What reaches the writer, one call at a time: a write(2) to a pipe or a
// console session delivers each call whole, so the collector does too.
struct Collected {
  std::mutex lock;
  std::vector<std::string> writes;
  std::vector<int> fds;
};
Collected* g_collected;
bool g_fail_writes;

ssize_t collect(int fd, const void* bytes, size_t count) {
  if (g_fail_writes) return -1;
  std::lock_guard<std::mutex> hold(g_collected->lock);
  g_collected->writes.emplace_back(static_cast<const char*>(bytes), count);
  g_collected->fds.push_back(fd);
  return static_cast<ssize_t>(count);
}

void put_all(thread_line_stream stream, const std::string& text, int fd = 1) {
  for (char c : text)
    ASSERT_EQ(thread_line_put(stream, c, fd, collect), static_cast<unsigned char>(c));
}

// A line that names its thread and number and whose filler depends on both,
// so a line mixed from two threads or cut short is recognisable.
std::string line_of(int thread, int number, size_t length) {
  std::string line = "t" + std::to_string(thread) + " n" + std::to_string(number) + " ";
  for (size_t i = line.size(); i + 1 < length; ++i)
    line += static_cast<char>('a' + (thread * 7 + number + i) % 26);
  return line + "\n";
}

class ThreadLine : public ::testing::Test {
 protected:
  void SetUp() override {
    g_collected = &collected_;
    g_fail_writes = false;
  }
  Collected collected_;
};

TEST_F(ThreadLine, ALineGoesOutWholeInOneWriteAtItsNewline) {
  put_all(THREAD_LINE_STDOUT, "hello, ");
  EXPECT_TRUE(collected_.writes.empty());
  put_all(THREAD_LINE_STDOUT, "world\n");
  ASSERT_EQ(collected_.writes.size(), 1u);
  EXPECT_EQ(collected_.writes[0], "hello, world\n");
  EXPECT_EQ(collected_.fds[0], 1);
}

TEST_F(ThreadLine, FlushWritesThePartialLineAndAnEmptyOneNothing) {
  put_all(THREAD_LINE_STDERR, "prompt> ", 2);
  EXPECT_EQ(thread_line_flush(THREAD_LINE_STDERR, 2, collect), 0);
  EXPECT_EQ(thread_line_flush(THREAD_LINE_STDERR, 2, collect), 0);
  ASSERT_EQ(collected_.writes.size(), 1u);
  EXPECT_EQ(collected_.writes[0], "prompt> ");
  EXPECT_EQ(collected_.fds[0], 2);
}

TEST_F(ThreadLine, StdoutAndStderrKeepSeparateLines) {
  put_all(THREAD_LINE_STDOUT, "out ");
  put_all(THREAD_LINE_STDERR, "err\n", 2);
  put_all(THREAD_LINE_STDOUT, "done\n");
  ASSERT_EQ(collected_.writes.size(), 2u);
  EXPECT_EQ(collected_.writes[0], "err\n");
  EXPECT_EQ(collected_.writes[1], "out done\n");
}

TEST_F(ThreadLine, AnOverlongLineGoesOutInFullPieces) {
  const std::string line(THREAD_LINE_BYTES * 2 + 10, 'x');
  put_all(THREAD_LINE_STDOUT, line + "\n");
  ASSERT_EQ(collected_.writes.size(), 3u);
  EXPECT_EQ(collected_.writes[0].size(), static_cast<size_t>(THREAD_LINE_BYTES));
  EXPECT_EQ(collected_.writes[1].size(), static_cast<size_t>(THREAD_LINE_BYTES));
  EXPECT_EQ(collected_.writes[2], std::string(10, 'x') + "\n");
}

TEST_F(ThreadLine, AFailedWriteIsReportedAndDropsOnlyItsLine) {
  put_all(THREAD_LINE_STDOUT, "lost");
  g_fail_writes = true;
  EXPECT_EQ(thread_line_put(THREAD_LINE_STDOUT, '\n', 1, collect), -1);
  g_fail_writes = false;
  put_all(THREAD_LINE_STDOUT, "next\n");
  ASSERT_EQ(collected_.writes.size(), 1u);
  EXPECT_EQ(collected_.writes[0], "next\n");
}

// USER-002, the precise interleaving: a thread's half-printed line is its
// own; another thread's whole line printed in between goes out alone.
TEST_F(ThreadLine, USER002_AnotherThreadsLineNeverTakesAHalfPrintedOne) {
  std::promise<void> half_printed, other_printed;
  std::thread first([&] {
    put_all(THREAD_LINE_STDOUT, "first half, ");
    half_printed.set_value();
    other_printed.get_future().wait();
    put_all(THREAD_LINE_STDOUT, "second half\n");
  });
  half_printed.get_future().wait();
  put_all(THREAD_LINE_STDOUT, "another thread's line\n");
  other_printed.set_value();
  first.join();
  ASSERT_EQ(collected_.writes.size(), 2u);
  EXPECT_EQ(collected_.writes[0], "another thread's line\n");
  EXPECT_EQ(collected_.writes[1], "first half, second half\n");
}

// USER-002: the predecessor's stdout state was one set of globals every
// thread shared without a lock, so concurrent printing corrupted lines.
// Eight threads print 150 lines of 3000 bytes each at once: every line
// must reach the writer whole, in one write, and each thread's in order.
TEST_F(ThreadLine, USER002_EightThreadsPrintingAtOnceEachWriteOnlyWholeLines) {
  constexpr int kThreads = 8;
  constexpr int kLines = 150;
  constexpr size_t kLength = 3000;
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &ready] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();  // all start at once
      for (int n = 0; n < kLines; ++n) {
        for (char c : line_of(t, n, kLength)) thread_line_put(THREAD_LINE_STDOUT, c, 1, collect);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  ASSERT_EQ(collected_.writes.size(), static_cast<size_t>(kThreads * kLines));
  std::vector<int> next(kThreads, 0);
  for (const std::string& write : collected_.writes) {
    int thread = -1, number = -1;
    ASSERT_EQ(std::sscanf(write.c_str(), "t%d n%d ", &thread, &number), 2) << write.substr(0, 40);
    ASSERT_GE(thread, 0);
    ASSERT_LT(thread, kThreads);
    EXPECT_EQ(number, next[thread]++) << "thread " << thread << "'s lines out of order";
    EXPECT_EQ(write, line_of(thread, number, kLength)) << "a line mixed or cut";
  }
}

}  // namespace
