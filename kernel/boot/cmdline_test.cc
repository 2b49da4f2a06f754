#include "kernel/boot/cmdline.h"

#include "gtest/gtest.h"

namespace viper::boot {
namespace {

TEST(CommandLine, FindsKeysValuesAndFlags) {
  CommandLine line("  ktest=timer.* hz=250 quiet  hzz=3");
  char value[32];
  ASSERT_TRUE(line.get("ktest", value, sizeof(value)));
  EXPECT_STREQ(value, "timer.*");
  ASSERT_TRUE(line.get("quiet", value, sizeof(value)));
  EXPECT_STREQ(value, "");
  EXPECT_FALSE(line.get("kt", value, sizeof(value))) << "prefixes are not keys";
  EXPECT_EQ(line.get_number("hz", 100, 10, 1000), 250u);
  EXPECT_EQ(line.get_number("hzz", 100, 1, 10), 3u);
}

TEST(CommandLine, BadNumbersFallBack) {
  CommandLine line("hz=abc big=99999999999999999999999 low=1 empty=");
  EXPECT_EQ(line.get_number("hz", 100, 10, 1000), 100u);
  EXPECT_EQ(line.get_number("big", 7, 0, ~0ull), 7u);
  EXPECT_EQ(line.get_number("low", 100, 10, 1000), 100u);
  EXPECT_EQ(line.get_number("empty", 5, 0, 10), 5u);
  EXPECT_EQ(line.get_number("missing", 9, 0, 10), 9u);
  CommandLine none(nullptr);
  char value[4];
  EXPECT_FALSE(none.get("x", value, sizeof(value)));
}

TEST(CommandLine, TruncatesLongValues) {
  CommandLine line("name=abcdefgh");
  char value[4];
  ASSERT_TRUE(line.get("name", value, sizeof(value)));
  EXPECT_STREQ(value, "abc");
}

}  // namespace
}  // namespace viper::boot
