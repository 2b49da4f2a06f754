// find's -name matcher (lib/fnmatch.h), as a specification and against
// the host's fnmatch(3) on the same table.
#include <fnmatch.h>
#include <gtest/gtest.h>

extern "C" {
#include "userland/utils/lib/fnmatch.h"
}

namespace {

struct Case {
  const char* pattern;
  const char* name;
  bool matches;
};

constexpr Case kCases[] = {
    {"*", "", true},
    {"*", "anything", true},
    {"*.conf", "init.conf", true},
    {"*.conf", "init.conf.bak", false},
    {"*.conf", ".conf", true},
    {"a*b*c", "aXbYc", true},
    {"a*b*c", "abcbc", true},
    {"a*b*c", "acb", false},
    {"?", "x", true},
    {"?", "", false},
    {"??", "x", false},
    {"[abc]x", "bx", true},
    {"[a-c]", "d", false},
    {"[!a-c]", "d", true},
    {"[^a-c]", "a", false},
    {"[]]", "]", true},
    {"[!]]", "]", false},
    {"[[:digit:]]*", "7up", true},
    {"[[:digit:]]*", "up7", false},
    {"[[:upper:][:digit:]]", "Q", true},
    {"\\*", "*", true},
    {"\\*", "x", false},
    {"[", "[", true},
    {"a[", "a[", true},
    {"[ab", "[ab", true},
    {"*/*", "a/b", true},
    {"**a", "bba", true},
    {"*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
    {"", "", true},
    {"", "x", false},
};

TEST(Fnmatch, MatchesTheTable) {
  for (const Case& c : kCases) {
    EXPECT_EQ(fnmatch_match(c.pattern, c.name) != 0, c.matches)
        << "pattern '" << c.pattern << "' name '" << c.name << "'";
  }
}

TEST(Fnmatch, AgreesWithTheHostOnTheTable) {
  for (const Case& c : kCases) {
    EXPECT_EQ(fnmatch_match(c.pattern, c.name) != 0, fnmatch(c.pattern, c.name, 0) == 0)
        << "pattern '" << c.pattern << "' name '" << c.name << "'";
  }
}

TEST(Fnmatch, AnUnknownClassMatchesNothing) {
  EXPECT_FALSE(fnmatch_match("[[:nope:]]", "n"));
  EXPECT_FALSE(fnmatch_match("[[:nope:]]", "["));
}

TEST(Fnmatch, AReversedRangeMatchesNothing) { EXPECT_FALSE(fnmatch_match("[z-a]", "m")); }

}  // namespace
