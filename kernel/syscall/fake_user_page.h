// For host tests of system calls: user memory is one fake page of bytes at
// kUserPage (nothing else is mapped, so every other address faults), and
// the console's output is captured in a string.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <string>

#include "kernel/lib/addr.h"

namespace viper::syscall::fake_user {

inline constexpr uint64_t kUserPage = 0x10000;
inline uint8_t g_page[4096];
inline std::string g_console;

// set_console_writer(&capture)
inline void capture(const char* text, size_t length) { g_console.append(text, length); }

// arch::host::set_user_byte_resolver(&resolve)
inline uint8_t* resolve(VirtAddr va, bool) {
  if (va.value() < kUserPage || va.value() >= kUserPage + sizeof(g_page)) return nullptr;
  return &g_page[va.value() - kUserPage];
}

}  // namespace viper::syscall::fake_user
