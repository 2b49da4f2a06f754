// The timer the running kernel ticks with, for this driver's ktests
// (arm_timer_ktest.cc). Only the test image defines it
// (kernel/boot/ktest_platform.cc): the instance belongs to boot.
#pragma once

#include "drivers/arm_timer/arm_timer.h"

namespace viper::drivers {

const ArmTimer& ktest_timer();

}  // namespace viper::drivers
