// Expansion: variables, special parameters, quoting, splitting, globbing.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>

extern "C" {
#include "userland/shell/expand.h"
#include "userland/shell/glob.h"
#include "userland/shell/shell.h"
#include "userland/shell/vars.h"
}

namespace {

// The fields of one raw word, joined by '|'.
std::string Fields(const char* raw) {
  sh_vec out = {};
  sh_expand_word(raw, &out);
  std::string s;
  for (size_t i = 0; i < out.len; i++) {
    if (i) s += '|';
    s += out.items[i];
  }
  size_t n = out.len;
  vec_free(&out);
  return s + "#" + std::to_string(n);
}

TEST(Expand, QuotesAreRemoved) {
  EXPECT_EQ(Fields("'a b'"), "a b#1");
  EXPECT_EQ(Fields("\"a b\""), "a b#1");
  EXPECT_EQ(Fields("a\\ b"), "a b#1");
  EXPECT_EQ(Fields("\"a\\\"b\\\\c\\d\""), "a\"b\\c\\d#1");
  EXPECT_EQ(Fields("''"), "#1");
  EXPECT_EQ(Fields("x'$HOME'"), "x$HOME#1");
}

TEST(Expand, Variables) {
  var_set("SH_T", "v a l");
  EXPECT_EQ(Fields("$SH_T"), "v|a|l#3");
  EXPECT_EQ(Fields("\"$SH_T\""), "v a l#1");
  EXPECT_EQ(Fields("${SH_T}x"), "v|a|lx#3");
  EXPECT_EQ(Fields("\"${SH_T}x\""), "v a lx#1");
  EXPECT_EQ(Fields("$SH_UNSET_NAME"), "#0");
  EXPECT_EQ(Fields("\"$SH_UNSET_NAME\""), "#1");
  EXPECT_EQ(Fields("$"), "$#1");
  EXPECT_EQ(Fields("a$-b"), "a$-b#1");
  var_unset("SH_T");
  EXPECT_EQ(var_get("SH_T"), nullptr);
}

TEST(Expand, ExportedVariablesReachTheEnvironment) {
  var_set("SH_LOCAL", "1");
  EXPECT_EQ(getenv("SH_LOCAL"), nullptr);
  var_export("SH_LOCAL", nullptr);
  EXPECT_STREQ(getenv("SH_LOCAL"), "1");
  var_set("SH_LOCAL", "2");  // stays exported
  EXPECT_STREQ(getenv("SH_LOCAL"), "2");
  var_unset("SH_LOCAL");
  EXPECT_EQ(getenv("SH_LOCAL"), nullptr);
}

TEST(Expand, SpecialParameters) {
  char a[] = "one", b[] = "two words";
  char* params[] = {a, b};
  g_sh.params = params;
  g_sh.nparams = 2;
  g_sh.last_status = 7;
  g_sh.name = const_cast<char*>("script");
  EXPECT_EQ(Fields("$?"), "7#1");
  EXPECT_EQ(Fields("$#"), "2#1");
  EXPECT_EQ(Fields("$0"), "script#1");
  EXPECT_EQ(Fields("$1"), "one#1");
  EXPECT_EQ(Fields("$2"), "two|words#2");
  EXPECT_EQ(Fields("\"$2\""), "two words#1");
  EXPECT_EQ(Fields("$3"), "#0");
  EXPECT_EQ(Fields("\"$@\""), "one|two words#2");
  EXPECT_EQ(Fields("\"$*\""), "one two words#1");
  EXPECT_EQ(Fields("$$"), std::to_string(getpid()) + "#1");
  g_sh.params = nullptr;
  g_sh.nparams = 0;
  EXPECT_EQ(Fields("\"$@\""), "#0");
}

TEST(Expand, AssignmentsAndRedirectionTargetsAreOneString) {
  var_set("SH_T", "a *");
  char* s = sh_expand_string("$SH_T'x'");
  EXPECT_STREQ(s, "a *x");
  free(s);
  var_unset("SH_T");
}

TEST(Glob, Matching) {
  EXPECT_TRUE(sh_glob_match("*.c", nullptr, 3, "main.c"));
  EXPECT_FALSE(sh_glob_match("*.c", nullptr, 3, "main.h"));
  EXPECT_TRUE(sh_glob_match("?a*", nullptr, 3, "xa"));
  EXPECT_TRUE(sh_glob_match("[a-c]x", nullptr, 6, "bx"));
  EXPECT_FALSE(sh_glob_match("[!a-c]x", nullptr, 7, "bx"));
  EXPECT_TRUE(sh_glob_match("[]]", nullptr, 3, "]"));
  EXPECT_TRUE(sh_glob_match("[x", nullptr, 2, "[x"));  // unclosed: literal
  const char mask[] = {1, 0};                          // a quoted '*'
  EXPECT_FALSE(sh_glob_match("**", mask, 2, "abc"));
  EXPECT_TRUE(sh_glob_match("**", mask, 2, "*abc"));
}

class GlobFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sh_glob_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_EQ(chdir(dir_.c_str()), 0);
    for (const char* f : {"b.c", "a.c", "c.h", ".hidden.c"}) fclose(fopen(f, "w"));
    ASSERT_EQ(mkdir("sub", 0755), 0);
    fclose(fopen("sub/x.c", "w"));
  }
  void TearDown() override {
    std::string cmd = "rm -rf " + dir_;
    ASSERT_EQ(system(cmd.c_str()), 0);
  }
  std::string dir_;
};

TEST_F(GlobFiles, SortedMatchesWithoutDotFiles) {
  EXPECT_EQ(Fields("*.c"), "a.c|b.c#2");
  EXPECT_EQ(Fields("?.?"), "a.c|b.c|c.h#3");
  EXPECT_EQ(Fields(".*.c"), ".hidden.c#1");
  EXPECT_EQ(Fields("*/*.c"), "sub/x.c#1");
  EXPECT_EQ(Fields("s*/"), "sub/#1");
  EXPECT_EQ(Fields("[ab].c"), "a.c|b.c#2");
}

TEST_F(GlobFiles, NoMatchOrQuotedLeavesTheWord) {
  EXPECT_EQ(Fields("*.none"), "*.none#1");
  EXPECT_EQ(Fields("'*'.c"), "*.c#1");
  EXPECT_EQ(Fields("\\*.c"), "*.c#1");
  EXPECT_EQ(Fields("\"*.c\""), "*.c#1");
}

}  // namespace
