// console_read and console_write through the dispatch the kernel runs:
// rights, bad buffers and sizes, and that a bad buffer loses no input.
#include <gtest/gtest.h>
#include <string.h>
#include <viperdos/syscalls.h>

#include <string>

#include "kernel/arch/host/user_access.h"
#include "kernel/lib/printk.h"
#include "kernel/object/console_object.h"
#include "kernel/syscall/calls.h"
#include "kernel/syscall/fake_user_page.h"
#include "kernel/syscall/syscall.h"
#include "testing/host/heap_environment.h"

namespace viper::syscall {
namespace {

VIPER_HOST_KERNEL_HEAP();

using fake_user::capture;
using fake_user::g_console;
using fake_user::g_page;
using fake_user::kUserPage;
using fake_user::resolve;

class ConsoleCalls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { install_console_calls(); }
  void SetUp() override {
    g_console.clear();
    set_console_writer(&capture);
    arch::host::set_user_byte_resolver(&resolve);
    console_ = object::ConsoleObject::create().value();
    full_ = table_->add(object::Ref<object::ConsoleObject>(console_), Rights::kAll).value();
  }
  void TearDown() override {
    arch::host::set_user_byte_resolver(nullptr);
    set_console_writer(nullptr);
    delete table_;
  }
  int64_t call(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2) {
    CallContext context{.handles = *table_};
    return dispatch(context, number, Arguments{{a0, a1, a2, 0, 0, 0}});
  }
  void type(const char* text) {
    console_->receive(ConstBytes(reinterpret_cast<const uint8_t*>(text), strlen(text)));
  }

  cap::HandleTable* table_ = new cap::HandleTable();
  object::Ref<object::ConsoleObject> console_;
  cap::HandleValue full_;
};

TEST_F(ConsoleCalls, ReadReturnsTypedBytesThenWouldBlock) {
  type("ls\r");
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_READ, full_.value, kUserPage, 100), 3);
  EXPECT_EQ(memcmp(g_page, "ls\r", 3), 0);
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_READ, full_.value, kUserPage, 100), VIPER_ERR_WOULD_BLOCK);
}

TEST_F(ConsoleCalls, ABadBufferIsRefusedAndLosesNoInput) {
  type("abc");
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_READ, full_.value, 0, 3), VIPER_ERR_FAULT) << "null";
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_READ, full_.value, kUserPage + 4094, 3), VIPER_ERR_FAULT)
      << "runs off the page";
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_READ, full_.value, 0xffff000040000000, 3), VIPER_ERR_FAULT)
      << "kernel address";
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_READ, full_.value, kUserPage, 0), VIPER_ERR_OUT_OF_RANGE);
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_READ, full_.value, kUserPage, VIPER_CONSOLE_IO_MAX + 1),
            VIPER_ERR_OUT_OF_RANGE);
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_READ, full_.value, kUserPage, 3), 3);
  EXPECT_EQ(memcmp(g_page, "abc", 3), 0) << "the typed bytes are still there";
}

TEST_F(ConsoleCalls, ABadBufferIsRefusedEvenWithoutInput) {
  // Not kWouldBlock: a caller must learn its buffer is bad before it waits.
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_READ, full_.value, 0, 8), VIPER_ERR_FAULT);
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_READ, full_.value, kUserPage + 4000, 200), VIPER_ERR_FAULT)
      << "its last page is unmapped";
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_READ, full_.value, kUserPage, 4096), VIPER_ERR_WOULD_BLOCK);
}

TEST_F(ConsoleCalls, WriteGoesOutWholeAndChecksItsArguments) {
  memcpy(g_page, "one line\n", 9);
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_WRITE, full_.value, kUserPage, 9), 9);
  EXPECT_EQ(g_console, "one line\n");
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_WRITE, full_.value, kUserPage + 4090, 16), VIPER_ERR_FAULT);
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_WRITE, full_.value, kUserPage, VIPER_CONSOLE_IO_MAX + 1),
            VIPER_ERR_OUT_OF_RANGE);
  EXPECT_EQ(g_console, "one line\n") << "nothing of a refused write reaches the console";
}

TEST_F(ConsoleCalls, RightsAndHandlesAreChecked) {
  const cap::HandleValue read_only = table_->duplicate(full_, Rights::kRead).value();
  const cap::HandleValue write_only = table_->duplicate(full_, Rights::kWrite).value();
  type("x");
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_READ, write_only.value, kUserPage, 1), VIPER_ERR_ACCESS_DENIED);
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_WRITE, read_only.value, kUserPage, 1), VIPER_ERR_ACCESS_DENIED);
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_READ, 0, kUserPage, 1), VIPER_ERR_BAD_HANDLE);
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_WRITE, 12345, kUserPage, 1), VIPER_ERR_BAD_HANDLE);
  EXPECT_EQ(call(VIPER_SYS_CONSOLE_READ, read_only.value, kUserPage, 1), 1);
}

}  // namespace
}  // namespace viper::syscall
