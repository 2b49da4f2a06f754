// What a user mapping allows, as user space sees it.
#pragma once

#include <stdint.h>

namespace viper::mm {

enum Prot : uint32_t {
  kProtNone = 0,
  kProtRead = 1u << 0,
  kProtWrite = 1u << 1,
  kProtExec = 1u << 2,
  kProtAll = kProtRead | kProtWrite | kProtExec,
};

}  // namespace viper::mm
