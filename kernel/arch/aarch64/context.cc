#include "kernel/arch/aarch64/context.h"

namespace viper::arch {

void init_context(Context& context, uint64_t stack_top, void (*entry)(), uint64_t argument) {
  context = Context{};
  context.x19_to_x29[0] = argument;  // x19
  context.x30 = reinterpret_cast<uint64_t>(entry);
  context.sp = stack_top & ~uint64_t{15};
}

}  // namespace viper::arch
