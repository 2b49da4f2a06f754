// Host tests of the interface vocabulary: Span, Deadline/Duration,
// FunctionRef, ScopeGuard.
#include <type_traits>

#include "gtest/gtest.h"
#include "kernel/lib/deadline.h"
#include "kernel/lib/function_ref.h"
#include "kernel/lib/scope_guard.h"
#include "kernel/lib/span.h"

namespace viper {
namespace {

// Time is typed: no bare integer becomes a Deadline or a Duration, and the
// two do not convert into each other.
static_assert(!std::is_convertible_v<uint64_t, Deadline>);
static_assert(!std::is_convertible_v<uint64_t, Duration>);
static_assert(!std::is_convertible_v<Duration, Deadline>);
static_assert(!std::is_convertible_v<Deadline, Duration>);
// A read-only view never turns writable.
static_assert(std::is_convertible_v<Span<int>, Span<const int>>);
static_assert(!std::is_convertible_v<Span<const int>, Span<int>>);

TEST(Span, ViewsAnArrayWithItsSize) {
  int values[] = {1, 2, 3};
  const Span<int> span(values);
  EXPECT_EQ(span.size(), 3u);
  EXPECT_EQ(span.size_bytes(), sizeof(values));
  span[1] = 20;
  EXPECT_EQ(values[1], 20);
  int sum = 0;
  for (int v : Span<const int>(span)) sum += v;
  EXPECT_EQ(sum, 24);
  EXPECT_EQ(span.first(2).size(), 2u);
  EXPECT_EQ(span.first(5).size(), 3u);
  EXPECT_TRUE(Span<int>().empty());
}

TEST(Span, BytesOfAnObject) {
  uint64_t value = 0;
  EXPECT_EQ(bytes_of(value).size(), sizeof(value));
  writable_bytes_of(value)[0] = 7;
  EXPECT_EQ(value & 0xff, 7u);
}

TEST(Deadline, NeverIsLaterThanAnyMomentAndSaturates) {
  EXPECT_TRUE(Deadline::never().is_never());
  EXPECT_GT(Deadline::never(), Deadline::at(~uint64_t{0} - 1));
  EXPECT_EQ(Deadline::at(~uint64_t{0} - 5) + Duration::seconds(1), Deadline::never());
  EXPECT_FALSE(Deadline::never().passed_at(~uint64_t{0} - 1));
}

TEST(Deadline, AfterIsThatLongFromNow) {
  const Deadline before = Deadline::now();
  const Deadline deadline = Deadline::after(Duration::milliseconds(5));
  EXPECT_GE(deadline, before + Duration::milliseconds(5));
  EXPECT_TRUE(deadline.passed_at(deadline.uptime_ns()));
  EXPECT_FALSE(deadline.passed_at(deadline.uptime_ns() - 1));
  EXPECT_EQ(deadline.remaining_at(deadline.uptime_ns() - 3), Duration::nanoseconds(3));
  EXPECT_EQ(deadline.remaining_at(deadline.uptime_ns() + 3), Duration());
}

TEST(Duration, UnitsAgree) {
  EXPECT_EQ(Duration::seconds(1), Duration::milliseconds(1000));
  EXPECT_EQ(Duration::milliseconds(1), Duration::microseconds(1000));
  EXPECT_EQ(Duration::microseconds(1).ns(), 1000u);
  EXPECT_EQ(Duration::milliseconds(2) * 3, Duration::milliseconds(6));
}

int call_twice(FunctionRef<int(int)> f) { return f(1) + f(2); }

TEST(FunctionRef, CallsALambdaWithItsCaptures) {
  int offset = 10;
  EXPECT_EQ(call_twice([&](int x) { return x + offset; }), 23);
  struct Doubler {
    int operator()(int x) const { return 2 * x; }
  };
  EXPECT_EQ(call_twice(Doubler{}), 6);
}

TEST(ScopeGuard, RunsAtScopeEndUnlessDismissed) {
  int runs = 0;
  {
    auto guard = ScopeGuard([&] { ++runs; });
  }
  EXPECT_EQ(runs, 1);
  {
    auto guard = ScopeGuard([&] { ++runs; });
    guard.dismiss();
  }
  EXPECT_EQ(runs, 1);
}

}  // namespace
}  // namespace viper
