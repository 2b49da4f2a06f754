// EXPECT_OK / ASSERT_OK for Result<T> and Status: on failure they print the
// expression and the error's name ("channel_write(...) failed: BAD_HANDLE"),
// which ASSERT_TRUE(x.ok()) cannot. They stream like any gtest assertion:
//   ASSERT_OK(table.add(object, Rights::kAll)) << "slot " << i;
#pragma once

#include <gtest/gtest.h>

#include "kernel/lib/error.h"
#include "kernel/lib/result.h"

namespace viper::testing {

template <class R>
::testing::AssertionResult AssertOk(const char* expression, const R& result) {
  if (result.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << expression << " failed: " << error_name(result.error());
}

}  // namespace viper::testing

#define EXPECT_OK(expression) EXPECT_PRED_FORMAT1(::viper::testing::AssertOk, expression)
#define ASSERT_OK(expression) ASSERT_PRED_FORMAT1(::viper::testing::AssertOk, expression)
