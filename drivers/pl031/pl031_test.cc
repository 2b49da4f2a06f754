// The PL031 over a fake register block: the count and the identification
// are read where the TRM puts them.
#include "drivers/pl031/pl031.h"

#include <gtest/gtest.h>

namespace viper::drivers {
namespace {

TEST(Pl031, ReadsTheSecondsAndTheIdentification) {
  uint32_t registers[0x1000 / 4] = {};
  registers[0] = 1764547200;  // 2025-12-01
  registers[0xfe0 / 4] = 0x31;
  registers[0xfe4 / 4] = 0x10;
  registers[0xfe8 / 4] = 0x14;  // revision 1, as QEMU's
  registers[0xfec / 4] = 0x00;
  const Pl031 rtc(registers);
  EXPECT_EQ(rtc.seconds(), 1764547200u);
  EXPECT_EQ(rtc.peripheral_id(), 0x00141031u);
  EXPECT_TRUE(rtc.is_pl031());
  registers[0xfe0 / 4] = 0x11;  // a PL011's part number
  EXPECT_FALSE(rtc.is_pl031());
}

}  // namespace
}  // namespace viper::drivers
