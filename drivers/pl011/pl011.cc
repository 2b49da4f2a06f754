#include "drivers/pl011/pl011.h"

namespace viper::drivers {

using namespace pl011;

namespace {
// 115200 baud from QEMU virt's 24 MHz UART clock: 24e6 / (16 * 115200) =
// 13.02 -> integer 13, fraction round(0.02 * 64) = 1. QEMU ignores the
// rate, real PL011s do not.
constexpr uint32_t kBaudInteger = 13;
constexpr uint32_t kBaudFraction = 1;
}  // namespace

void Pl011::Init() {
  Write32(kCr, 0);  // disable while reprogramming (DDI 0183, 3.3.8)
  while (Read(kFr) & kFrBusy) {
  }
  Write32(kIbrd, kBaudInteger);
  Write32(kFbrd, kBaudFraction);
  Write32(kLcrH, kLcrHFifoEnable | kLcrHWordLength8);
  Write32(kImsc, 0);
  Write32(kIcr, kIcrAll);
  Write32(kCr, kCrUartEnable | kCrTxEnable | kCrRxEnable);
}

void Pl011::EnableReceiveInterrupts() {
  Write32(kIfls, kIflsHalfFull);
  Write32(kIcr, kIntReceive | kIntReceiveTimeout);
  Write32(kImsc, Read(kImsc) | kIntReceive | kIntReceiveTimeout);
}

bool Pl011::ReceivePending() const {
  return (Read(kMis) & (kIntReceive | kIntReceiveTimeout)) != 0;
}

size_t Pl011::DrainReceive(uint8_t* out, size_t capacity, uint32_t* errors) {
  // Clear first, then empty the FIFO: a byte that arrives after the last
  // read raises the interrupt again. Clearing after the drain could wipe
  // the interrupt of a byte that arrived in between, and input would then
  // wait in the FIFO with no interrupt to announce it (QEMU raises RX only
  // when the FIFO goes from empty to not empty).
  Write32(kIcr, kIntReceive | kIntReceiveTimeout);
  size_t count = 0;
  // Bounded by reads, not by bytes kept: a line stuck in error cannot hold
  // the CPU in the interrupt handler.
  for (size_t reads = 0; reads < capacity && !(Read(kFr) & kFrRxEmpty); ++reads) {
    const uint32_t word = Read(kDr);
    if (word & kDrErrors) {
      ++*errors;
      continue;
    }
    out[count++] = static_cast<uint8_t>(word & kDrData);
  }
  return count;
}

void Pl011::PutRaw(char c) {
  while (Read(kFr) & kFrTxFull) {
  }
  Write32(kDr, static_cast<uint8_t>(c));
}

void Pl011::PutChar(char c) {
  if (c == '\n') PutRaw('\r');
  PutRaw(c);
}

void Pl011::Write(const char* text, size_t length) {
  for (size_t i = 0; i < length; ++i) PutChar(text[i]);
}

void Pl011::Write(const char* text) {
  while (*text) PutChar(*text++);
}

}  // namespace viper::drivers
