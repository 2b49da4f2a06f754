// The system-call table and the calls that need no process, on the host:
// unknown numbers, bad pointers and absurd sizes come back as their named
// errors through the same dispatch the kernel runs.
#include "kernel/syscall/syscall.h"

#include <gtest/gtest.h>
#include <viperdos/syscalls.h>

#include <string>

#include "kernel/arch/arch.h"
#include "kernel/arch/host/user_access.h"
#include "kernel/lib/printk.h"
#include "kernel/syscall/calls.h"
#include "kernel/syscall/fake_user_page.h"
#include "testing/host/heap_environment.h"

namespace viper::syscall {
namespace {

VIPER_HOST_KERNEL_HEAP();  // log_read's kernel buffer

using fake_user::capture;
using fake_user::g_console;
using fake_user::g_page;
using fake_user::kUserPage;
using fake_user::resolve;

class Syscalls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    install_debug_calls();
    install_time_calls();
    install_log_calls();
  }
  void SetUp() override {
    g_console.clear();
    set_console_writer(&capture);
    arch::host::set_user_byte_resolver(&resolve);
  }
  void TearDown() override {
    arch::host::set_user_byte_resolver(nullptr);
    set_console_writer(nullptr);
  }
  static int64_t call(uint64_t number, uint64_t a0 = 0, uint64_t a1 = 0) {
    cap::HandleTable* table = new cap::HandleTable();
    CallContext context{.handles = *table};
    const int64_t result = dispatch(context, number, Arguments{{a0, a1, 0, 0, 0, 0}});
    delete table;
    return result;
  }
};

TEST_F(Syscalls, UnknownNumbersAreRefusedByName) {
  for (uint64_t number : {uint64_t{VIPER_SYS_COUNT}, uint64_t{VIPER_SYS_COUNT - 1}, uint64_t{1000},
                          ~uint64_t{0}, uint64_t{1} << 63}) {
    EXPECT_EQ(call(number), VIPER_ERR_UNKNOWN_CALL) << number;
    EXPECT_EQ(find_call(number), nullptr);
  }
  ASSERT_NE(find_call(VIPER_SYS_DEBUG_WRITE), nullptr);
  EXPECT_STREQ(find_call(VIPER_SYS_DEBUG_WRITE)->name, "debug_write");
}

TEST_F(Syscalls, DebugWriteCopiesFromUserMemory) {
  const char text[] = "hello, console\n";
  memcpy(g_page + 100, text, sizeof(text) - 1);
  EXPECT_EQ(call(VIPER_SYS_DEBUG_WRITE, kUserPage + 100, sizeof(text) - 1),
            static_cast<int64_t>(sizeof(text) - 1));
  EXPECT_EQ(g_console, text);
  EXPECT_EQ(call(VIPER_SYS_DEBUG_WRITE, kUserPage, 0), 0);
}

TEST_F(Syscalls, DebugWriteRefusesBadPointersAndSizes) {
  EXPECT_EQ(call(VIPER_SYS_DEBUG_WRITE, 0, 4), VIPER_ERR_FAULT) << "null";
  EXPECT_EQ(call(VIPER_SYS_DEBUG_WRITE, kUserPage + 4090, 16), VIPER_ERR_FAULT)
      << "runs off the page";
  EXPECT_EQ(call(VIPER_SYS_DEBUG_WRITE, 0xffff000040000000, 4), VIPER_ERR_FAULT)
      << "kernel address";
  EXPECT_EQ(call(VIPER_SYS_DEBUG_WRITE, ~uint64_t{0} - 1, 4), VIPER_ERR_FAULT) << "wraps";
  EXPECT_EQ(call(VIPER_SYS_DEBUG_WRITE, kUserPage, VIPER_DEBUG_WRITE_MAX + 1),
            VIPER_ERR_OUT_OF_RANGE);
  EXPECT_EQ(call(VIPER_SYS_DEBUG_WRITE, kUserPage, ~uint64_t{0}), VIPER_ERR_OUT_OF_RANGE);
  EXPECT_EQ(g_console, "") << "nothing of a refused write reaches the console";
}

TEST_F(Syscalls, LogReadCopiesTheKernelLogFromAnOffset) {
  printk(LogLevel::kInfo, "for the log reader");
  auto log_read = [](uint64_t offset, uint64_t buffer, uint64_t size) {
    cap::HandleTable table;
    CallContext context{.handles = table};
    return dispatch(context, VIPER_SYS_LOG_READ, Arguments{{offset, buffer, size, 0, 0, 0}});
  };
  std::string log;
  for (;;) {
    const int64_t n = log_read(log.size(), kUserPage, sizeof(g_page));
    ASSERT_GE(n, 0);
    if (n == 0) break;
    log.append(reinterpret_cast<const char*>(g_page), static_cast<size_t>(n));
  }
  EXPECT_NE(log.find("I: for the log reader\n"), std::string::npos);
  EXPECT_EQ(log_read(log.size(), kUserPage, 16), 0) << "at the end";
  EXPECT_EQ(log_read(0, kUserPage, 0), 0);
  EXPECT_EQ(log_read(0, 0, 16), VIPER_ERR_FAULT) << "null";
  EXPECT_EQ(log_read(0, kUserPage + 4090, 16), VIPER_ERR_FAULT) << "runs off the page";
  EXPECT_EQ(log_read(0, 0xffff000040000000, 16), VIPER_ERR_FAULT) << "kernel address";
  EXPECT_EQ(log_read(0, kUserPage, ~uint64_t{0}), VIPER_ERR_FAULT) << "a size that wraps";
}

TEST_F(Syscalls, TheMonotonicClockMovesForward) {
  const int64_t first = call(VIPER_SYS_CLOCK_MONOTONIC);
  const int64_t second = call(VIPER_SYS_CLOCK_MONOTONIC);
  EXPECT_GE(first, 0);
  EXPECT_GE(second, first);
}

}  // namespace
}  // namespace viper::syscall
