// init's configuration parser on the host: the directives and their
// malformed forms.
extern "C" {
#include "userland/init/config.h"
}

#include <gtest/gtest.h>

#include <string>

namespace {

init_config Parse(const std::string& text) {
  init_config config;
  init_parse_config(text.data(), text.size(), &config);
  return config;
}

TEST(InitConfig, ConsoleSessionAndAttachTakeAProgramAndItsArguments) {
  const init_config c =
      Parse("console bin/consoled\nsession bin/sh -i\nattach bin/console_client x\npoweroff\n");
  EXPECT_EQ(c.errors, 0);
  ASSERT_EQ(c.count, 4);
  EXPECT_EQ(c.entries[0].action, INIT_CONSOLE);
  EXPECT_STREQ(c.entries[0].argv[0], "bin/consoled");
  EXPECT_EQ(c.entries[1].action, INIT_SESSION);
  ASSERT_EQ(c.entries[1].argc, 2);
  EXPECT_STREQ(c.entries[1].argv[1], "-i");
  EXPECT_EQ(c.entries[2].action, INIT_ATTACH);
  EXPECT_STREQ(c.entries[2].argv[1], "x");
  EXPECT_EQ(c.entries[3].action, INIT_POWEROFF);
}

TEST(InitConfig, SessionsAreFdsUnlessTheVerbSaysChannel) {
  const init_config c = Parse(
      "console bin/consoled\nsession bin/sh\nsession-channel bin/a\nattach-channel bin/b\n"
      "attach-chan bin/c\n");
  EXPECT_EQ(c.errors, 1) << "attach-chan is no verb";
  ASSERT_EQ(c.count, 4);
  EXPECT_EQ(c.entries[1].action, INIT_SESSION);
  EXPECT_EQ(c.entries[1].channel_only, 0);
  EXPECT_EQ(c.entries[2].action, INIT_SESSION);
  EXPECT_EQ(c.entries[2].channel_only, 1);
  EXPECT_EQ(c.entries[3].action, INIT_ATTACH);
  EXPECT_EQ(c.entries[3].channel_only, 1);
  EXPECT_STREQ(c.entries[3].argv[0], "bin/b");
}

TEST(InitConfig, RunAndStartAreAsBefore) {
  const init_config c = Parse("# comment\n\nrun bin/sysinfo\nstart bin/fail  # a service\n");
  EXPECT_EQ(c.errors, 0);
  ASSERT_EQ(c.count, 2);
  EXPECT_EQ(c.entries[0].action, INIT_RUN);
  EXPECT_EQ(c.entries[1].action, INIT_START);
  EXPECT_EQ(c.entries[1].argc, 1);
}

TEST(InitConfig, FsStartsTheFileSystemServerWithItsArguments) {
  const init_config c = Parse("fs bin/fsd -v\nconsole bin/consoled\nrun bin/files_test\n");
  EXPECT_EQ(c.errors, 0);
  ASSERT_EQ(c.count, 3);
  EXPECT_EQ(c.entries[0].action, INIT_FS);
  ASSERT_EQ(c.entries[0].argc, 2);
  EXPECT_STREQ(c.entries[0].argv[0], "bin/fsd");
  EXPECT_STREQ(c.entries[0].argv[1], "-v");
  EXPECT_EQ(c.entries[2].action, INIT_RUN);
}

TEST(InitConfig, FsWithoutAProgramOrTwiceIsAnError) {
  const init_config c = Parse("fs\nfs bin/fsd\nfs bin/other\nrun bin/hello\n");
  EXPECT_EQ(c.errors, 2) << "a bare fs, then a second fs";
  ASSERT_EQ(c.count, 2);
  EXPECT_EQ(c.entries[0].action, INIT_FS);
  EXPECT_STREQ(c.entries[0].argv[0], "bin/fsd");
  EXPECT_EQ(c.entries[0].line, 2);
  EXPECT_EQ(c.entries[1].action, INIT_RUN);
}

TEST(InitConfig, ADirectiveWithoutItsProgramIsAnError) {
  const init_config c = Parse("console\nsession\nattach\nrun bin/hello\n");
  EXPECT_EQ(c.errors, 3);
  ASSERT_EQ(c.count, 1);
  EXPECT_EQ(c.entries[0].action, INIT_RUN);
}

TEST(InitConfig, UnknownDirectivesAreErrors) {
  const init_config c = Parse("consoles bin/consoled\nsessions bin/sh\npoweroff now\n");
  EXPECT_EQ(c.errors, 3);
  EXPECT_EQ(c.count, 0);
}

TEST(InitConfig, NetStartsNetdOnceWithItsArguments) {
  const init_config c = Parse("net bin/netd --loss=5\nnet bin/other\nnet\nsession bin/sh\n");
  EXPECT_EQ(c.errors, 2) << "a second net, then a bare net";
  ASSERT_EQ(c.count, 2);
  EXPECT_EQ(c.entries[0].action, INIT_NET);
  EXPECT_STREQ(c.entries[0].argv[0], "bin/netd");
  EXPECT_STREQ(c.entries[0].argv[1], "--loss=5");
  EXPECT_EQ(c.entries[0].argc, 2);
}

}  // namespace
