// Host-only part of the user-access seam (kernel/arch/user_access.h).
#pragma once

#include <stdint.h>

#include "kernel/arch/user_access.h"

namespace viper::arch::host {

// Where the byte at a user address lives (after resolving a fault the way
// the kernel would), or nullptr for a fault that cannot be resolved.
using UserByteResolver = uint8_t* (*)(VirtAddr address, bool write);
void set_user_byte_resolver(UserByteResolver resolver);

}  // namespace viper::arch::host
