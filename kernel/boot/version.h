// The one place the ViperDOS version is written.
#pragma once

namespace viper {
inline constexpr const char kVersion[] = "0.1.0";
}  // namespace viper
