// Expansion: variables, special parameters, quoting, splitting, globbing.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>

extern "C" {
#include "userland/shell/arith.h"
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
  EXPECT_EQ(Fields("${2}"), "two|words#2");
  EXPECT_EQ(Fields("${99999999999999999999999}"), "#0");  // no overflow to a negative index
  EXPECT_EQ(Fields("${4294967297}"), "#0");
  EXPECT_EQ(Fields("${1x}"), "#0");
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

long Arith(const char* e) {
  long v = -999;
  char error[80];
  EXPECT_TRUE(sh_arith(e, &v, error, sizeof error)) << e << ": " << error;
  return v;
}

std::string ArithError(const char* e) {
  long v;
  char error[80] = "";
  EXPECT_FALSE(sh_arith(e, &v, error, sizeof error)) << e;
  return error;
}

TEST(Arith, PrecedenceAndOperators) {
  EXPECT_EQ(Arith("1 + 2 * 3"), 7);
  EXPECT_EQ(Arith("(1 + 2) * 3"), 9);
  EXPECT_EQ(Arith("7 / 2"), 3);
  EXPECT_EQ(Arith("7 % 3"), 1);
  EXPECT_EQ(Arith("-3 + +1"), -2);
  EXPECT_EQ(Arith("1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3 && 1 == 1 && 1 != 2"), 1);
  EXPECT_EQ(Arith("0 || !0"), 1);
  EXPECT_EQ(Arith("0x10 + 010"), 24);
  EXPECT_EQ(Arith("  42  "), 42);
}

TEST(Arith, BareNamesAreVariables) {
  var_set("SH_N", "5");
  EXPECT_EQ(Arith("SH_N * 2"), 10);
  EXPECT_EQ(Arith("SH_UNSET_NAME + 1"), 1);
  var_set("SH_N", "five");
  EXPECT_EQ(ArithError("SH_N"), "a variable's value is not a number");
  var_unset("SH_N");
}

TEST(Arith, BadExpressionsSaySo) {
  EXPECT_EQ(ArithError("1 / 0"), "division by zero");
  EXPECT_EQ(ArithError("1 % 0"), "division by zero");
  EXPECT_EQ(ArithError("(1 + 2"), "`)' expected");
  EXPECT_EQ(ArithError("1 +"), "unexpected end of expression");
  EXPECT_EQ(ArithError("1 2"), "unexpected character");
  EXPECT_EQ(ArithError(""), "unexpected end of expression");
  EXPECT_EQ(ArithError(std::string(200, '(').c_str()), "expression nested too deeply");
}

TEST(Expand, ArithmeticInWords) {
  EXPECT_EQ(Fields("$((1+2))x"), "3x#1");
  EXPECT_EQ(Fields("\"$(( 2 * 3 ))\""), "6#1");
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
