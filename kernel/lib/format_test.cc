#include "kernel/lib/format.h"

#include <stdarg.h>

#include <string>

#include "gtest/gtest.h"

namespace viper {
namespace {

std::string fmt(const char* f, ...) {
  char buffer[128];
  va_list args;
  va_start(args, f);
  vformat(buffer, sizeof(buffer), f, args);
  va_end(args);
  return buffer;
}

TEST(Format, Conversions) {
  EXPECT_EQ(fmt("%s|%c|%d|%i|%u", "ab", 'x', -42, 7, 42u), "ab|x|-42|7|42");
  EXPECT_EQ(fmt("%x %X", 0xbeefu, 0xbeefu), "beef BEEF");
  EXPECT_EQ(fmt("%zu %zd", size_t{123}, size_t{5}), "123 5");
  EXPECT_EQ(fmt("%lu %ld %llx", 1ul, -2l, 0xffffffffffffffffull), "1 -2 ffffffffffffffff");
  EXPECT_EQ(fmt("%p", reinterpret_cast<void*>(0x1234)), "0x0000000000001234");
  EXPECT_EQ(fmt("100%%"), "100%");
  EXPECT_EQ(fmt("%d", -2147483647 - 1), "-2147483648");
  EXPECT_EQ(fmt("%lld", static_cast<long long>(-9223372036854775807ll - 1)),
            "-9223372036854775808");
}

TEST(Format, WidthAndPadding) {
  EXPECT_EQ(fmt("[%5d]", 42), "[   42]");
  EXPECT_EQ(fmt("[%-5d]", 42), "[42   ]");
  EXPECT_EQ(fmt("[%05d]", -42), "[-0042]");
  EXPECT_EQ(fmt("[%08x]", 0xabcu), "[00000abc]");
  EXPECT_EQ(fmt("[%6s]", "ab"), "[    ab]");
  EXPECT_EQ(fmt("[%-6s]", "ab"), "[ab    ]");
  EXPECT_EQ(fmt("[%2d]", 12345), "[12345]");
}

TEST(Format, BadInputIsHarmless) {
  EXPECT_EQ(fmt("%s", static_cast<const char*>(nullptr)), "(null)");
  EXPECT_EQ(fmt("%q %d", 5), "%q 5");
  EXPECT_EQ(fmt("end%"), "end%");
}

TEST(Format, TruncatesAndReportsFullLength) {
  char small[6];
  EXPECT_EQ(format(small, sizeof(small), "%s", "abcdefgh"), 8u);
  EXPECT_STREQ(small, "abcde");
  char none[1];
  EXPECT_EQ(format(none, sizeof(none), "xyz"), 3u);
  EXPECT_STREQ(none, "");
}

}  // namespace
}  // namespace viper
