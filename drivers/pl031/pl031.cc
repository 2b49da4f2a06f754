#include "drivers/pl031/pl031.h"

namespace viper::drivers {

uint32_t Pl031::peripheral_id() const {
  uint32_t id = 0;
  for (uint32_t i = 0; i < 4; ++i) id |= (registers_[(0xfe0 / 4) + i] & 0xff) << (8 * i);
  return id;
}

}  // namespace viper::drivers
