// Arm PrimeCell PL011 UART (DDI 0183): the boot console on QEMU virt.
// Transmit polls (printk may run anywhere, interrupts off); receive is
// interrupt-driven: the receive and receive-timeout interrupts raise the
// UART's SPI, and the handler drains the RX FIFO (DrainReceive) into the
// console object. The timeout interrupt is what delivers the last bytes of
// a burst that leaves the FIFO below its trigger level.
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

  // Unmasks the receive and receive-timeout interrupts, RX trigger at half
  // full (IFLS), after clearing any stale ones.
  void EnableReceiveInterrupts();
  // Whether a receive or receive-timeout interrupt is pending (MIS).
  bool ReceivePending() const;
  // Reads the RX FIFO until it is empty (FR.RXFE) or `capacity` reads were
  // made; returns how many bytes it kept in `out`. The interrupts are
  // cleared (ICR) before the FIFO is read, never after: emptying the FIFO
  // is what ends the receive interrupt (DDI 0183, 3.4.3), and a byte that
  // arrives after the last read must raise it again. Bytes with a framing, parity
  // or break error (DR[11:8]) are counted in *errors and dropped.
  size_t DrainReceive(uint8_t* out, size_t capacity, uint32_t* errors);

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
constexpr size_t kIfls = 0x34;
constexpr size_t kImsc = 0x38;
constexpr size_t kRis = 0x3c;
constexpr size_t kMis = 0x40;
constexpr size_t kIcr = 0x44;
constexpr size_t kRegisterBytes = 0x1000;

constexpr uint32_t kDrData = 0xff;
constexpr uint32_t kDrErrors = 0xf00;  // overrun, break, parity, framing
constexpr uint32_t kFrBusy = 1u << 3;
constexpr uint32_t kFrRxEmpty = 1u << 4;
constexpr uint32_t kFrTxFull = 1u << 5;
constexpr uint32_t kLcrHFifoEnable = 1u << 4;
constexpr uint32_t kLcrHWordLength8 = 3u << 5;
constexpr uint32_t kCrUartEnable = 1u << 0;
constexpr uint32_t kCrTxEnable = 1u << 8;
constexpr uint32_t kCrRxEnable = 1u << 9;
constexpr uint32_t kIcrAll = 0x7ff;
// IMSC/MIS/ICR bits: receive (RXIM) and receive timeout (RTIM).
constexpr uint32_t kIntReceive = 1u << 4;
constexpr uint32_t kIntReceiveTimeout = 1u << 6;
// IFLS: RXIFLSEL [5:3] = 0b010 (half full), TXIFLSEL [2:0] = 0b010.
constexpr uint32_t kIflsHalfFull = (2u << 3) | 2u;
}  // namespace pl011

}  // namespace viper::drivers
