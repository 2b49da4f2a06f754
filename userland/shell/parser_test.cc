// The lexer and parser: what each construct becomes, and a clear error
// (never a crash) for each kind of bad input.
#include <gtest/gtest.h>

#include <string>

extern "C" {
#include "userland/shell/lexer.h"
#include "userland/shell/parser.h"
}

namespace {

std::string Kinds(const char* source) {
  sh_tokens tokens;
  sh_error error;
  std::string out;
  if (sh_lex(source, &tokens, &error) < 0) {
    out = std::string("error: ") + error.message;
  } else {
    for (size_t i = 0; i < tokens.len; i++) {
      const sh_token& t = tokens.items[i];
      if (i) out += ' ';
      if (t.kind == TOK_WORD) {
        out += std::string("W(") + t.text + ")";
      } else if (t.kind == TOK_EOF) {
        out += "EOF";
      } else {
        if (t.fd >= 0) out += std::to_string(t.fd);
        out += sh_token_name(&t);
        if (t.kind == TOK_DUP_OUT || t.kind == TOK_DUP_IN) out += std::to_string(t.dup_target);
      }
    }
  }
  sh_tokens_free(&tokens);
  return out;
}

// The parse error's message, or "" when the source parses.
std::string ParseError(const char* source) {
  sh_program program;
  sh_error error;
  int rc = sh_parse(source, &program, &error);
  std::string out = rc < 0 ? error.message : "";
  sh_program_free(&program);
  return out;
}

TEST(Lexer, WordsKeepTheirQuotesForExpansion) {
  EXPECT_EQ(Kinds("echo 'a b' \"c $d\" e\\ f"), "W(echo) W('a b') W(\"c $d\") W(e\\ f) EOF");
}

TEST(Lexer, EveryOperator) {
  EXPECT_EQ(Kinds("a;b&c&&d||e|f"), "W(a) ; W(b) & W(c) && W(d) || W(e) | W(f) EOF");
  EXPECT_EQ(Kinds("a <in >out >>log 2>err 2>&1"),
            "W(a) < W(in) > W(out) >> W(log) 2> W(err) 2>&1 EOF");
  EXPECT_EQ(Kinds("a\nb"), "W(a) newline W(b) EOF");
}

TEST(Lexer, DigitsAreAnFdOnlyRightBeforeARedirection) {
  EXPECT_EQ(Kinds("echo 2 >x"), "W(echo) W(2) > W(x) EOF");
  EXPECT_EQ(Kinds("echo a2>x"), "W(echo) W(a2) > W(x) EOF");
}

TEST(Lexer, CommentsRunToTheEndOfTheLine) {
  EXPECT_EQ(Kinds("echo a # not this\necho b#c"), "W(echo) W(a) newline W(echo) W(b#c) EOF");
}

TEST(Lexer, QuotedOperatorsAreWords) {
  EXPECT_EQ(Kinds("echo '|' \";\" \\&"), "W(echo) W('|') W(\";\") W(\\&) EOF");
}

TEST(Lexer, SubstitutionsArePartOfTheirWord) {
  EXPECT_EQ(Kinds("echo $(ls -l | wc) x"), "W(echo) W($(ls -l | wc)) W(x) EOF");
  EXPECT_EQ(Kinds("echo \"a $(echo \"b)\") c\""), "W(echo) W(\"a $(echo \"b)\") c\") EOF");
  EXPECT_EQ(Kinds("echo $(( (1 + 2) * 3 ))"), "W(echo) W($(( (1 + 2) * 3 ))) EOF");
  EXPECT_EQ(Kinds("echo $(echo ')')"), "W(echo) W($(echo ')')) EOF");
  EXPECT_EQ(Kinds("echo $(ls"), "error: unterminated $(");
  EXPECT_EQ(Kinds("echo \"$(ls\""), "error: unterminated $(");
}

TEST(Lexer, UnterminatedQuotesAreErrors) {
  EXPECT_EQ(Kinds("echo 'abc"), "error: unterminated single quote");
  EXPECT_EQ(Kinds("echo \"abc"), "error: unterminated double quote");
  EXPECT_EQ(Kinds("echo ${abc"), "error: unterminated ${");
  EXPECT_EQ(Kinds("echo >&x"), "error: `>&' needs a file descriptor number");
}

TEST(Parser, ListsAndOrsPipelinesCommands) {
  sh_program p;
  sh_error e;
  ASSERT_EQ(sh_parse("A=1 a x | b > f && c || d & e; f", &p, &e), 0) << e.message;
  ASSERT_EQ(p.nitems, 3u);
  const sh_andor& first = p.items[0];
  EXPECT_TRUE(first.background);
  EXPECT_STREQ(first.text, "A=1 a x | b > f && c || d");
  ASSERT_EQ(first.npipes, 3u);
  EXPECT_EQ(first.ops[0], ANDOR_AND);
  EXPECT_EQ(first.ops[1], ANDOR_OR);
  ASSERT_EQ(first.pipes[0].ncmds, 2u);
  const sh_command& a = first.pipes[0].cmds[0];
  ASSERT_EQ(a.assigns.len, 1u);
  EXPECT_STREQ(a.assigns.items[0], "A=1");
  ASSERT_EQ(a.words.len, 2u);
  EXPECT_STREQ(a.words.items[1], "x");
  const sh_command& b = first.pipes[0].cmds[1];
  ASSERT_EQ(b.nredirs, 1u);
  EXPECT_EQ(b.redirs[0].kind, REDIR_OUT);
  EXPECT_EQ(b.redirs[0].fd, 1);
  EXPECT_STREQ(b.redirs[0].word, "f");
  EXPECT_FALSE(p.items[1].background);
  EXPECT_STREQ(p.items[2].text, "f");
  sh_program_free(&p);
}

TEST(Parser, RedirectionsNameTheirFd) {
  sh_program p;
  sh_error e;
  ASSERT_EQ(sh_parse("cmd < in 2>> log 2>&1", &p, &e), 0) << e.message;
  const sh_command& c = p.items[0].pipes[0].cmds[0];
  ASSERT_EQ(c.nredirs, 3u);
  EXPECT_EQ(c.redirs[0].kind, REDIR_IN);
  EXPECT_EQ(c.redirs[0].fd, 0);
  EXPECT_EQ(c.redirs[1].kind, REDIR_APPEND);
  EXPECT_EQ(c.redirs[1].fd, 2);
  EXPECT_EQ(c.redirs[2].kind, REDIR_DUP);
  EXPECT_EQ(c.redirs[2].fd, 2);
  EXPECT_EQ(c.redirs[2].target, 1);
  sh_program_free(&p);
}

TEST(Parser, AssignmentsOnlyBeforeTheCommandName) {
  sh_program p;
  sh_error e;
  ASSERT_EQ(sh_parse("X=1 echo Y=2", &p, &e), 0);
  const sh_command& c = p.items[0].pipes[0].cmds[0];
  EXPECT_EQ(c.assigns.len, 1u);
  EXPECT_EQ(c.words.len, 2u);
  sh_program_free(&p);
  EXPECT_TRUE(sh_is_assignment("A_1=x"));
  EXPECT_FALSE(sh_is_assignment("1A=x"));
  EXPECT_FALSE(sh_is_assignment("'A'=x"));
}

TEST(Parser, BangNegatesAPipeline) {
  sh_program p;
  sh_error e;
  ASSERT_EQ(sh_parse("! a | b && ! c", &p, &e), 0) << e.message;
  EXPECT_TRUE(p.items[0].pipes[0].negate);
  EXPECT_EQ(p.items[0].pipes[0].ncmds, 2u);
  EXPECT_TRUE(p.items[0].pipes[1].negate);
  sh_program_free(&p);
  EXPECT_EQ(ParseError("!"), "unexpected end of input");
  EXPECT_EQ(ParseError("echo !"), "");
}

TEST(Parser, NewlinesSeparateAndMayFollowOperators) {
  EXPECT_EQ(ParseError("\n\necho a\n\necho b\n"), "");
  EXPECT_EQ(ParseError("a &&\nb ||\n\nc |\nd"), "");
  EXPECT_EQ(ParseError(""), "");
  EXPECT_EQ(ParseError("# only a comment"), "");
}

TEST(Parser, CompoundCommands) {
  sh_program p;
  sh_error e;
  ASSERT_EQ(sh_parse("if a; then b; elif c\nthen d; else e; fi > out | cat", &p, &e), 0)
      << e.message;
  const sh_command& c = p.items[0].pipes[0].cmds[0];
  EXPECT_EQ(c.kind, CMD_IF);
  EXPECT_EQ(c.nclauses, 2u);
  EXPECT_TRUE(c.has_else);
  EXPECT_EQ(c.nredirs, 1u);
  EXPECT_STREQ(c.text, "if a; then b; elif c\nthen d; else e; fi > out");
  EXPECT_EQ(p.items[0].pipes[0].ncmds, 2u);
  sh_program_free(&p);

  ASSERT_EQ(sh_parse("for x in a 'b c'; do echo $x; done", &p, &e), 0) << e.message;
  const sh_command& f = p.items[0].pipes[0].cmds[0];
  EXPECT_EQ(f.kind, CMD_FOR);
  EXPECT_STREQ(f.for_name, "x");
  EXPECT_TRUE(f.for_has_in);
  EXPECT_EQ(f.for_words.len, 2u);
  sh_program_free(&p);

  EXPECT_EQ(ParseError("while a\ndo\n  b\ndone"), "");
  EXPECT_EQ(ParseError("until a; do b; done &"), "");
  EXPECT_EQ(ParseError("for x; do b; done"), "");
  EXPECT_EQ(ParseError("for x\ndo b; done"), "");
  EXPECT_EQ(ParseError("{ a; b; } 2>&1"), "");
  EXPECT_EQ(ParseError("if a; then if b; then c; fi; fi"), "");
  EXPECT_EQ(ParseError("echo if then fi done }"), "");  // only a command's first word is reserved
  EXPECT_EQ(ParseError("'if' a"), "");                  // and only unquoted
}

TEST(Parser, BadCompoundCommandsGiveAClearError) {
  EXPECT_EQ(ParseError("if a; then b"), "`fi' expected before the end of input");
  EXPECT_EQ(ParseError("if a; then; fi"), "unexpected `;'");
  EXPECT_EQ(ParseError("if a; fi"), "unexpected `fi'");
  EXPECT_EQ(ParseError("if; then b; fi"), "unexpected `;'");
  EXPECT_EQ(ParseError("while a; do b; fi"), "unexpected `fi'");
  EXPECT_EQ(ParseError("for 1x in a; do b; done"), "`for' needs a variable name, not `1x'");
  EXPECT_EQ(ParseError("for x in a; b; done"), "unexpected `b'");
  EXPECT_EQ(ParseError("{ a;"), "`}' expected before the end of input");
  EXPECT_EQ(ParseError("{ }"), "unexpected `}'");
  EXPECT_EQ(ParseError("done"), "unexpected `done'");
  EXPECT_EQ(ParseError("a; fi"), "unexpected `fi'");
  std::string deep;
  for (int i = 0; i < 100; i++) deep += "{ ";
  EXPECT_EQ(ParseError(deep.c_str()), "commands nested too deeply");
}

TEST(Parser, KnowsWhenMoreLinesCouldCompleteTheInput) {
  EXPECT_TRUE(sh_needs_more("if true"));
  EXPECT_TRUE(sh_needs_more("if true; then echo"));
  EXPECT_TRUE(sh_needs_more("for i in a b"));
  EXPECT_TRUE(sh_needs_more("echo 'open"));
  EXPECT_TRUE(sh_needs_more("echo \"$(ls"));
  EXPECT_TRUE(sh_needs_more("a &&"));
  EXPECT_TRUE(sh_needs_more("a |"));
  EXPECT_TRUE(sh_needs_more("echo a \\"));
  EXPECT_FALSE(sh_needs_more("echo a \\\\"));  // an escaped backslash
  EXPECT_FALSE(sh_needs_more("echo done"));
  EXPECT_FALSE(sh_needs_more(""));
  EXPECT_FALSE(sh_needs_more("| x"));     // wrong however it goes on
  EXPECT_FALSE(sh_needs_more("echo >"));  // the same
  EXPECT_FALSE(sh_needs_more("fi"));
}

TEST(Parser, BadInputGivesAClearError) {
  EXPECT_EQ(ParseError("| x"), "unexpected `|'");
  EXPECT_EQ(ParseError("a &&"), "unexpected end of input");
  EXPECT_EQ(ParseError("a ||"), "unexpected end of input");
  EXPECT_EQ(ParseError("a |"), "unexpected end of input");
  EXPECT_EQ(ParseError("echo >"), "`>' needs a file name");
  EXPECT_EQ(ParseError("echo 2>"), "`>' needs a file name");
  EXPECT_EQ(ParseError("cat < | x"), "`<' needs a file name");
  EXPECT_EQ(ParseError("a ;; b"), "unexpected `;'");
  EXPECT_EQ(ParseError("& a"), "unexpected `&'");
  EXPECT_EQ(ParseError("a && && b"), "unexpected `&&'");
  EXPECT_EQ(ParseError("echo 'x"), "unterminated single quote");
}

}  // namespace
