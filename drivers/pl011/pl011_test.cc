// The PL011 driver against a register block in ordinary memory.
#include "drivers/pl011/pl011.h"

#include "gtest/gtest.h"

namespace viper::drivers {
namespace {

using namespace pl011;

struct FakeUart {
  uint32_t regs[kRegisterBytes / 4] = {};
  uint32_t& at(size_t offset) { return regs[offset / 4]; }
};

TEST(Pl011, InitProgramsEightNOneWithFifosAndEnables) {
  FakeUart uart;
  uart.at(kImsc) = 0x7ff;
  Pl011 driver(uart.regs);
  driver.Init();
  EXPECT_EQ(uart.at(kLcrH), kLcrHFifoEnable | kLcrHWordLength8);
  EXPECT_EQ(uart.at(kCr), kCrUartEnable | kCrTxEnable | kCrRxEnable);
  EXPECT_EQ(uart.at(kImsc), 0u) << "interrupts stay masked";
  EXPECT_EQ(uart.at(kIbrd), 13u);
  EXPECT_EQ(uart.at(kFbrd), 1u);
}

TEST(Pl011, WritesCharactersToTheDataRegister) {
  FakeUart uart;
  Pl011 driver(uart.regs);
  driver.PutChar('V');
  EXPECT_EQ(uart.at(kDr), static_cast<uint32_t>('V'));
  driver.Write("iper", 3);
  EXPECT_EQ(uart.at(kDr), static_cast<uint32_t>('e')) << "length bounds the write";
}

TEST(Pl011, NewlineEndsWithLineFeed) {
  FakeUart uart;
  Pl011 driver(uart.regs);
  driver.Write("x\n");
  EXPECT_EQ(uart.at(kDr), static_cast<uint32_t>('\n'));
}

}  // namespace
}  // namespace viper::drivers
