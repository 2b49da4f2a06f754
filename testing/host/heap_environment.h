// For host test binaries of code that allocates from the kernel-wide heap
// (mm/kheap/global.h): one simulated physical arena, handed to the global
// page allocator and heap once, before the first test.
#pragma once

#include <memory>

#include "gtest/gtest.h"
#include "kernel/arch/host/phys_arena.h"
#include "mm/kheap/global.h"

namespace viper::testing {

class HeapEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    arena_ = std::make_unique<arch::host::PhysArena>(64 << 20);
    ASSERT_TRUE(mm::physical_memory().add_range(arena_->base(), arena_->size()).ok());
    ASSERT_TRUE(mm::kernel_heap().init(mm::physical_memory()).ok());
  }

 private:
  std::unique_ptr<arch::host::PhysArena> arena_;  // outlives every test
};

// Registers the environment; use once per test binary:
//   VIPER_HOST_KERNEL_HEAP();
#define VIPER_HOST_KERNEL_HEAP()                              \
  [[maybe_unused]] static const auto* const viper_heap_env_ = \
      ::testing::AddGlobalTestEnvironment(new ::viper::testing::HeapEnvironment)

}  // namespace viper::testing
