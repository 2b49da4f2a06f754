// Input scripts: the parser, the player against a fake console, and whole
// runs against a stand-in "emulator" (a shell reading its stdin).
#include "testing/qemu/script.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/qemu/harness.h"

namespace viper::qemu {
namespace {

using ::testing::HasSubstr;
using Kind = ScriptStep::Kind;

TEST(ParseScript, ReadsTheThreeCommandsSkippingCommentsAndBlankLines) {
  absl::StatusOr<std::vector<ScriptStep>> steps =
      ParseScript("# a session\nexpect $ \n\ntype ls\\r\nsend \\x03\n   # indented comment\n");
  ASSERT_TRUE(steps.ok()) << steps.status();
  ASSERT_EQ(steps->size(), 3u);
  EXPECT_EQ((*steps)[0].kind, Kind::kExpect);
  EXPECT_EQ((*steps)[0].text, "$ ") << "the text is the whole rest, trailing space included";
  EXPECT_EQ((*steps)[0].line, 2);
  EXPECT_EQ((*steps)[1].kind, Kind::kType);
  EXPECT_EQ((*steps)[1].text, "ls\r");
  EXPECT_EQ((*steps)[2].kind, Kind::kSend);
  EXPECT_EQ((*steps)[2].text, "\x03");
}

TEST(ParseScript, KnowsEveryEscape) {
  absl::StatusOr<std::vector<ScriptStep>> steps = ParseScript("send a\\r\\n\\t\\\\\\x7f\\xFFz\\s");
  ASSERT_TRUE(steps.ok()) << steps.status();
  EXPECT_EQ((*steps)[0].text, std::string("a\r\n\t\\\x7f\xff"
                                          "z "));
}

TEST(ParseScript, CrLfLineEndsAreLineEnds) {
  absl::StatusOr<std::vector<ScriptStep>> steps = ParseScript("expect ok\r\nsend x\r\n");
  ASSERT_TRUE(steps.ok()) << steps.status();
  EXPECT_EQ((*steps)[0].text, "ok");
}

TEST(ParseScript, BadLinesAreRefusedWithTheirNumber) {
  EXPECT_THAT(ParseScript("expect a\nwait 5\n").status().message(),
              HasSubstr("line 2: unknown command 'wait'"));
  EXPECT_THAT(ParseScript("send \\q").status().message(), HasSubstr("line 1: unknown escape \\q"));
  EXPECT_THAT(ParseScript("send \\x4").status().message(), HasSubstr("two hex digits"));
  EXPECT_THAT(ParseScript("send \\xzz").status().message(), HasSubstr("two hex digits"));
  EXPECT_THAT(ParseScript("send abc\\").status().message(), HasSubstr("a lone \\"));
  EXPECT_THAT(ParseScript("expect\n").status().message(), HasSubstr("'expect' needs text"));
  EXPECT_THAT(ParseScript("type \n").status().message(), HasSubstr("'type' needs text"));
  EXPECT_THAT(ParseScript("pause soon\n").status().message(), HasSubstr("needs milliseconds"));
  EXPECT_THAT(ParseScript("pause 0\n").status().message(), HasSubstr("needs milliseconds"));
  EXPECT_THAT(ParseScript("pause 99999\n").status().message(), HasSubstr("1..60000"));
}

TEST(LoadScript, AMissingOrBadFileIsAnErrorNamingIt) {
  EXPECT_THAT(LoadScript("/nonexistent/x.script").status().message(),
              HasSubstr("cannot read the script /nonexistent/x.script"));
  const std::string path = std::string(getenv("TEST_TMPDIR")) + "/bad.script";
  FILE* file = fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  fputs("expect ok\nsned typo\n", file);
  fclose(file);
  EXPECT_THAT(LoadScript(path).status().message(),
              HasSubstr("bad.script: script line 2: unknown command 'sned'"));
}

std::vector<ScriptStep> Steps(const char* text) { return ParseScript(text).value(); }

TEST(ScriptPlayer, ExpectWaitsForTheTextAfterThePreviousMatch) {
  ScriptPlayer player(Steps("expect $ \nsend a\nexpect $ \nsend b\n"));
  std::string out;
  const absl::Time now = absl::Now();
  EXPECT_EQ(player.Advance(now, &out), absl::InfiniteFuture());
  EXPECT_EQ(out, "");
  player.Feed("boot\r\n$");
  player.Advance(now, &out);
  EXPECT_EQ(out, "") << "half a prompt is no prompt";
  player.Feed(" ");
  player.Advance(now, &out);
  EXPECT_EQ(out, "a") << "the same prompt does not satisfy the second expect";
  player.Feed("a\r\n$ ");
  player.Advance(now, &out);
  EXPECT_EQ(out, "ab");
  EXPECT_TRUE(player.done());
}

TEST(ScriptPlayer, PauseHoldsTheNextStepForItsMilliseconds) {
  ScriptPlayer player(Steps("send a\npause 500\nsend b\n"));
  const absl::Time start = absl::UnixEpoch();
  std::string out;
  EXPECT_EQ(player.Advance(start, &out), start + absl::Milliseconds(500));
  EXPECT_EQ(out, "a");
  player.Advance(start + absl::Milliseconds(499), &out);
  EXPECT_EQ(out, "a") << "not yet";
  player.Advance(start + absl::Milliseconds(500), &out);
  EXPECT_EQ(out, "ab");
  EXPECT_TRUE(player.done());
}

TEST(ScriptPlayer, TheConsoleIsMatchedWithoutCarriageReturns) {
  ScriptPlayer player(Steps("expect one\\ntwo\nsend !\n"));
  std::string out;
  player.Feed("one\r\ntwo\r\n");
  player.Advance(absl::Now(), &out);
  EXPECT_EQ(out, "!");
}

TEST(ScriptPlayer, TypeLeavesTwentyToSixtyMillisecondsBetweenBytes) {
  ScriptPlayer player(Steps("type abcdefgh\n"));
  absl::Time now = absl::UnixEpoch();
  std::string out;
  absl::Time next = player.Advance(now, &out);
  EXPECT_EQ(out, "a");
  while (!player.done()) {
    const absl::Duration gap = next - now;
    EXPECT_GE(gap, absl::Milliseconds(20));
    EXPECT_LE(gap, absl::Milliseconds(60));
    const size_t before = out.size();
    EXPECT_EQ(player.Advance(now + gap / 2, &out), next) << "too early: nothing";
    EXPECT_EQ(out.size(), before);
    now = next;
    next = player.Advance(now, &out);
  }
  EXPECT_EQ(out, "abcdefgh");
}

TEST(ScriptPlayer, SendIsAllAtOnce) {
  ScriptPlayer player(Steps("send 0123456789\n"));
  std::string out;
  player.Advance(absl::UnixEpoch(), &out);
  EXPECT_EQ(out, "0123456789");
  EXPECT_TRUE(player.done());
}

TEST(ScriptPlayer, UnfinishedNamesTheStepAndShowsTheConsoleTail) {
  ScriptPlayer player(Steps("expect login\nexpect $ \n"));
  player.Feed("login: \r\nsomething else\r\n");
  std::string out;
  player.Advance(absl::Now(), &out);
  const std::string why = player.Unfinished();
  EXPECT_THAT(why, HasSubstr("script step 2 of 2 (line 2: expect \"$ \")"));
  EXPECT_THAT(why, HasSubstr("something else"));
}

HarnessRun ShellRun(const std::string& shell, const char* script) {
  HarnessRun run;
  run.argv = {"/bin/sh", "-c", shell};
  run.limits.timeout = absl::Seconds(10);
  run.script = Steps(script);
  return run;
}

TEST(ScriptedRun, TypesIntoTheChildsStdin) {
  const HarnessOutcome outcome = RunKernelTest(
      ShellRun("echo 'name?'; read a; read b; echo \"hi $a and $b\"; echo VIPER-EXIT 0",
               "expect name?\ntype ann\\n\nsend bob\\n\nexpect hi ann and bob\n"));
  EXPECT_TRUE(outcome.verdict.ok()) << outcome.verdict;
}

TEST(ScriptedRun, AnUnmetExpectFailsTheRunNamingTheStep) {
  const HarnessOutcome outcome =
      RunKernelTest(ShellRun("echo 'nothing to see'; echo VIPER-EXIT 0", "expect the prompt\n"));
  EXPECT_FALSE(outcome.verdict.ok());
  EXPECT_THAT(outcome.verdict.message(), HasSubstr("line 1: expect \"the prompt\""));
  EXPECT_THAT(outcome.verdict.message(), HasSubstr("nothing to see"));
}

TEST(ScriptedRun, ALargeSendDoesNotDeadlockWithAChildBusyWriting) {
  // The child writes far more than a pipe holds before it reads its stdin;
  // a harness blocked writing the input would never read that output.
  HarnessRun run;
  run.argv = {"/bin/sh", "-c",
              "i=0; while [ $i -lt 4000 ]; do echo 'output line that fills the pipe'; "
              "i=$((i+1)); done; echo \"read $(head -c 300000 | wc -c)\"; echo VIPER-EXIT 0"};
  run.limits.timeout = absl::Seconds(30);
  run.script = {ScriptStep{Kind::kSend, std::string(300000, 'x'), 1}};
  run.expect.must_contain = {"read 300000"};
  const HarnessOutcome outcome = RunKernelTest(run);
  EXPECT_TRUE(outcome.verdict.ok()) << outcome.verdict;
}

TEST(ScriptedRun, WithoutAScriptStdinIsEmpty) {
  HarnessRun run;
  run.argv = {"/bin/sh", "-c", "if read x; then echo got; else echo eof; fi; echo VIPER-EXIT 0"};
  run.limits.timeout = absl::Seconds(10);
  run.expect.must_contain = {"eof"};
  const HarnessOutcome outcome = RunKernelTest(run);
  EXPECT_TRUE(outcome.verdict.ok()) << outcome.verdict;
}

}  // namespace
}  // namespace viper::qemu
