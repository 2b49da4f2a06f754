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

TEST(Pl011, EnableReceiveUnmasksReceiveAndTimeoutOnly) {
  FakeUart uart;
  Pl011 driver(uart.regs);
  driver.Init();
  driver.EnableReceiveInterrupts();
  EXPECT_EQ(uart.at(kImsc), kIntReceive | kIntReceiveTimeout);
  EXPECT_EQ(uart.at(kIfls), kIflsHalfFull);
  EXPECT_EQ(uart.at(kIcr), kIntReceive | kIntReceiveTimeout) << "stale interrupts cleared first";
}

TEST(Pl011, ReceivePendingReadsTheMaskedStatus) {
  FakeUart uart;
  Pl011 driver(uart.regs);
  EXPECT_FALSE(driver.ReceivePending());
  uart.at(kRis) = kIntReceive;  // raw but masked: not ours
  EXPECT_FALSE(driver.ReceivePending());
  uart.at(kMis) = kIntReceiveTimeout;
  EXPECT_TRUE(driver.ReceivePending());
}

TEST(Pl011, DrainStopsAtAnEmptyFifo) {
  FakeUart uart;
  uart.at(kFr) = kFrRxEmpty;
  uart.at(kDr) = 'x';
  Pl011 driver(uart.regs);
  uint8_t out[8];
  uint32_t errors = 0;
  EXPECT_EQ(driver.DrainReceive(out, sizeof(out), &errors), 0u);
  EXPECT_EQ(uart.at(kIcr), kIntReceive | kIntReceiveTimeout);
}

TEST(Pl011, DrainIsBoundedByTheCapacity) {
  FakeUart uart;  // the fake FIFO never empties
  uart.at(kDr) = 'q';
  Pl011 driver(uart.regs);
  uint8_t out[5] = {};
  uint32_t errors = 0;
  ASSERT_EQ(driver.DrainReceive(out, 3, &errors), 3u);
  EXPECT_EQ(out[0], 'q');
  EXPECT_EQ(out[2], 'q');
  EXPECT_EQ(out[3], 0) << "nothing written past the capacity";
  EXPECT_EQ(errors, 0u);
}

TEST(Pl011, BytesWithLineErrorsAreCountedAndDropped) {
  FakeUart uart;  // a line stuck in error: every read has a framing error
  uart.at(kDr) = 0x200 | 'z';
  Pl011 driver(uart.regs);
  uint8_t out[4] = {};
  uint32_t errors = 0;
  EXPECT_EQ(driver.DrainReceive(out, sizeof(out), &errors), 0u) << "and the drain still ends";
  EXPECT_EQ(errors, 4u);
  EXPECT_EQ(out[0], 0);
}

}  // namespace
}  // namespace viper::drivers
