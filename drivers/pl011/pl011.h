// Arm PrimeCell PL011 UART (DDI 0183): the boot console on QEMU virt.
// Transmit-only polling driver for now; interrupts and input arrive with
// the console server.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace viper::drivers {

class Pl011 {
 public:
  // `registers` is the UART's MMIO window, already mapped.
  constexpr explicit Pl011(volatile uint32_t* registers) : regs_(registers) {}

  // 8N1, FIFOs on, transmitter and receiver enabled, all interrupts masked.
  void Init();

  // Blocks while the transmit FIFO is full. "\n" goes out as "\r\n".
  void PutChar(char c);
  void Write(const char* text, size_t length);
  void Write(const char* text);

 private:
  void PutRaw(char c);
  uint32_t Read(size_t offset) const { return regs_[offset / 4]; }
  void Write32(size_t offset, uint32_t value) { regs_[offset / 4] = value; }

  volatile uint32_t* regs_;
};

// Register offsets and bits, public for tests.
namespace pl011 {
constexpr size_t kDr = 0x00;
constexpr size_t kFr = 0x18;
constexpr size_t kIbrd = 0x24;
constexpr size_t kFbrd = 0x28;
constexpr size_t kLcrH = 0x2c;
constexpr size_t kCr = 0x30;
constexpr size_t kImsc = 0x38;
constexpr size_t kIcr = 0x44;
constexpr size_t kRegisterBytes = 0x1000;

constexpr uint32_t kFrBusy = 1u << 3;
constexpr uint32_t kFrTxFull = 1u << 5;
constexpr uint32_t kLcrHFifoEnable = 1u << 4;
constexpr uint32_t kLcrHWordLength8 = 3u << 5;
constexpr uint32_t kCrUartEnable = 1u << 0;
constexpr uint32_t kCrTxEnable = 1u << 8;
constexpr uint32_t kCrRxEnable = 1u << 9;
constexpr uint32_t kIcrAll = 0x7ff;
}  // namespace pl011

}  // namespace viper::drivers
