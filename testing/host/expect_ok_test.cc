// EXPECT_OK/ASSERT_OK pass on success and fail naming the error.
#include "testing/host/expect_ok.h"

#include <gtest/gtest-spi.h>

namespace viper {
namespace {

Result<int> failing() { return Error::kBadHandle; }
Status failing_status() { return Error::kTimedOut; }

TEST(ExpectOk, PassesOnValuesAndOkStatus) {
  EXPECT_OK(Result<int>(7));
  ASSERT_OK(ok_status());
}

TEST(ExpectOk, FailsNamingTheExpressionAndTheError) {
  EXPECT_NONFATAL_FAILURE(EXPECT_OK(failing()), "failing() failed: BAD_HANDLE");
  EXPECT_FATAL_FAILURE(ASSERT_OK(failing_status()), "failing_status() failed: TIMED_OUT");
}

}  // namespace
}  // namespace viper
