// Unit tests of the QEMU test harness: result-line parsing, verdicts, and
// whole runs against stand-in "emulators" (shell commands) that behave like
// a passing kernel, a panicking kernel, a silent kernel and a hung kernel.
#include "testing/qemu/harness.h"

#include <algorithm>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/qemu/qemu_command.h"

namespace viper::qemu {
namespace {

using ::testing::HasSubstr;

TEST(ParseConsoleLine, RecognisesExitAndPanic) {
  EXPECT_EQ(ParseConsoleLine("hello").kind, LineKind::kOutput);
  const ParsedLine exit = ParseConsoleLine("VIPER-EXIT 3\r");
  EXPECT_EQ(exit.kind, LineKind::kExit);
  EXPECT_EQ(exit.exit_code, 3);
  const ParsedLine panic = ParseConsoleLine("VIPER-PANIC: page fault at 0x0");
  EXPECT_EQ(panic.kind, LineKind::kPanic);
  EXPECT_EQ(panic.message, "page fault at 0x0");
}

TEST(ParseConsoleLine, RejectsMalformedExitLines) {
  EXPECT_EQ(ParseConsoleLine("VIPER-EXIT").kind, LineKind::kMalformedResult);
  EXPECT_EQ(ParseConsoleLine("VIPER-EXIT abc").kind, LineKind::kMalformedResult);
  // A longer word that merely starts with the tag is ordinary output.
  EXPECT_EQ(ParseConsoleLine("VIPER-EXITED 0").kind, LineKind::kOutput);
}

TEST(KernelReport, KeepsFirstResultAndSaysWhenFinal) {
  KernelReport report;
  EXPECT_FALSE(report.Feed("booting"));
  EXPECT_TRUE(report.Feed("VIPER-EXIT 0"));
  EXPECT_TRUE(report.Feed("VIPER-EXIT 5"));
  EXPECT_EQ(report.exit_code(), 0);
  EXPECT_EQ(report.lines().size(), 3u);
}

ProcessResult CleanExit() {
  ProcessResult result;
  result.exited = true;
  result.exit_status = 0;
  return result;
}

TEST(Judge, PassesOnExitZeroWithExpectations) {
  KernelReport report;
  report.Feed("ViperDOS 0.1.0");
  report.Feed("VIPER-EXIT 0");
  Expectations expect;
  expect.must_contain = {"ViperDOS"};
  EXPECT_TRUE(Judge(report, CleanExit(), expect).ok());
}

TEST(Judge, FailsOnMissingExpectation) {
  KernelReport report;
  report.Feed("VIPER-EXIT 0");
  Expectations expect;
  expect.must_contain = {"4 CPUs online"};
  EXPECT_THAT(Judge(report, CleanExit(), expect).message(), HasSubstr("4 CPUs online"));
}

TEST(Judge, FailsOnNonZeroExitCode) {
  KernelReport report;
  report.Feed("VIPER-EXIT 2");
  EXPECT_THAT(Judge(report, CleanExit(), {}).message(), HasSubstr("exit code 2"));
}

TEST(Judge, FailsWhenQemuEndsWithoutResult) {
  KernelReport report;
  report.Feed("booting");
  EXPECT_THAT(Judge(report, CleanExit(), {}).message(),
              HasSubstr("before the kernel reported a result"));
}

TEST(Judge, FailsWhenKernelDoesNotPowerOff) {
  KernelReport report;
  report.Feed("VIPER-EXIT 0");
  ProcessResult killed;
  killed.killed_after_result = true;
  EXPECT_THAT(Judge(report, killed, {}).message(), HasSubstr("did not power the machine off"));
}

TEST(Judge, PanicPassesOnlyWhenExpected) {
  KernelReport report;
  report.Feed("VIPER-PANIC data abort");
  ProcessResult failed = CleanExit();
  failed.exit_status = 1;
  EXPECT_THAT(Judge(report, failed, {}).message(), HasSubstr("kernel panicked: data abort"));
  Expectations expect;
  expect.expect_panic = true;
  EXPECT_TRUE(Judge(report, failed, expect).ok());
  KernelReport quiet;
  quiet.Feed("VIPER-EXIT 0");
  EXPECT_THAT(Judge(quiet, CleanExit(), expect).message(), HasSubstr("expected a kernel panic"));
}

HarnessRun ShellRun(const std::string& script, absl::Duration timeout) {
  HarnessRun run;
  run.argv = {"/bin/sh", "-c", script};
  run.limits.timeout = timeout;
  run.limits.grace = absl::Milliseconds(300);
  return run;
}

TEST(RunKernelTest, PassingKernel) {
  std::ostringstream echo;
  HarnessRun run = ShellRun("echo 'ViperDOS 0.1.0'; echo 'VIPER-EXIT 0'", absl::Seconds(10));
  run.echo = &echo;
  run.expect.must_contain = {"ViperDOS"};
  const HarnessOutcome outcome = RunKernelTest(run);
  EXPECT_TRUE(outcome.verdict.ok()) << outcome.verdict;
  EXPECT_THAT(echo.str(), HasSubstr("ViperDOS 0.1.0\n"));
}

TEST(RunKernelTest, KernelThatNeverPrintsTimesOut) {
  const HarnessOutcome outcome = RunKernelTest(ShellRun("exec sleep 30", absl::Milliseconds(300)));
  EXPECT_THAT(outcome.verdict.message(), HasSubstr("printed nothing before the timeout"));
}

TEST(RunKernelTest, HungKernelTimesOutWithLastLine) {
  const HarnessOutcome outcome =
      RunKernelTest(ShellRun("echo 'stuck here'; exec sleep 30", absl::Milliseconds(300)));
  EXPECT_THAT(outcome.verdict.message(), HasSubstr("last line: stuck here"));
}

TEST(RunKernelTest, KernelThatPanics) {
  const HarnessOutcome outcome = RunKernelTest(
      ShellRun("echo 'VIPER-PANIC: unexpected exception'; exit 1", absl::Seconds(10)));
  EXPECT_THAT(outcome.verdict.message(), HasSubstr("kernel panicked: unexpected exception"));
}

TEST(RunKernelTest, KernelThatReportsSuccessButHangsIsKilled) {
  const HarnessOutcome outcome =
      RunKernelTest(ShellRun("echo 'VIPER-EXIT 0'; exec sleep 30", absl::Seconds(10)));
  EXPECT_THAT(outcome.verdict.message(), HasSubstr("did not power the machine off"));
}

TEST(RunKernelTest, MissingEmulatorIsAClearError) {
  HarnessRun run;
  run.argv = {"/nonexistent/qemu-system-aarch64"};
  const HarnessOutcome outcome = RunKernelTest(run);
  EXPECT_THAT(outcome.verdict.message(), HasSubstr("cannot run"));
}

TEST(BuildQemuArgv, DescribesTheVirtMachine) {
  MachineOptions options;
  options.kernel = "kernel.elf";
  options.cpus = 2;
  options.memory = "1G";
  options.append = "ktest=all";
  auto argv = BuildQemuArgv(options);
  ASSERT_TRUE(argv.ok());
  const std::string joined = [&] {
    std::string s;
    for (const auto& a : *argv) s += a + " ";
    return s;
  }();
  EXPECT_THAT(joined, HasSubstr("-M virt,gic-version=3 -cpu cortex-a72 -smp 2 -m 1G -nographic"));
  EXPECT_THAT(joined, HasSubstr("-kernel kernel.elf -append ktest=all"));
}

TEST(BuildQemuArgv, RejectsBadOptions) {
  MachineOptions options;
  options.kernel = "kernel.elf";
  options.cpus = 0;
  EXPECT_FALSE(BuildQemuArgv(options).ok());
  options.cpus = 9;
  EXPECT_FALSE(BuildQemuArgv(options).ok());
  options.cpus = 4;
  for (const char* bad : {"", "512", "M", "0M", "1T", "1.5G"}) {
    options.memory = bad;
    EXPECT_FALSE(BuildQemuArgv(options).ok()) << bad;
  }
  options.memory = "256M";
  options.kernel = "";
  EXPECT_FALSE(BuildQemuArgv(options).ok());
}

TEST(BuildQemuArgv, DisksAreVirtioBlockDevicesInOrder) {
  MachineOptions options;
  options.kernel = "kernel.elf";
  options.disks = {{.path = "a.img"}, {.path = "b.img", .read_only = true}};
  auto argv = BuildQemuArgv(options);
  ASSERT_TRUE(argv.ok());
  EXPECT_THAT(*argv, ::testing::IsSupersetOf({"file=a.img,if=none,format=raw,id=disk0",
                                              "virtio-blk-device,drive=disk0",
                                              "file=b.img,if=none,format=raw,id=disk1,readonly=on",
                                              "virtio-blk-device,drive=disk1"}));
  options.disks = {{.path = "a,b.img"}};
  EXPECT_FALSE(BuildQemuArgv(options).ok()) << "a comma would start another -drive option";
  options.disks = {{.path = ""}};
  EXPECT_FALSE(BuildQemuArgv(options).ok());
}

TEST(BuildQemuArgv, NoNetworkUnlessAsked) {
  MachineOptions options;
  options.kernel = "kernel.elf";
  auto argv = BuildQemuArgv(options);
  ASSERT_TRUE(argv.ok());
  EXPECT_THAT(*argv, ::testing::IsSupersetOf({"-nic", "none"}));
  EXPECT_THAT(*argv, ::testing::Not(::testing::Contains("-netdev")));
}

TEST(BuildQemuArgv, UserNetworkingIsRestrictedWithItsForwardsAfterTheOtherDevices) {
  MachineOptions options;
  options.kernel = "kernel.elf";
  options.disks = {{.path = "a.img"}};
  options.network = *ParseNetwork("user");
  options.network.hostfwd = {"tcp:127.0.0.1:18080-:80"};
  options.network.guestfwd = {"tcp:10.0.2.100:80-tcp:127.0.0.1:18081"};
  auto argv = BuildQemuArgv(options);
  ASSERT_TRUE(argv.ok());
  const auto at = [&](const std::string& arg) {
    return std::find(argv->begin(), argv->end(), arg) - argv->begin();
  };
  EXPECT_THAT(*argv, ::testing::Contains("user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:18080-:80,"
                                         "guestfwd=tcp:10.0.2.100:80-tcp:127.0.0.1:18081"));
  // QEMU fills the transports from the top in command-line order: the
  // disks keep theirs.
  EXPECT_LT(at("virtio-blk-device,drive=disk0"), at("virtio-net-device,netdev=net0"));
  EXPECT_LT(at("virtio-rng-device"), at("virtio-net-device,netdev=net0"));
}

TEST(BuildQemuArgv, UdpNetworkingCarriesRawFramesOnLoopback) {
  MachineOptions options;
  options.kernel = "kernel.elf";
  options.network = *ParseNetwork("udp:40001:40002");
  auto argv = BuildQemuArgv(options);
  ASSERT_TRUE(argv.ok());
  EXPECT_THAT(*argv, ::testing::IsSupersetOf(
                         {"-netdev", "socket,id=net0,udp=127.0.0.1:40002,localaddr=127.0.0.1:40001",
                          "-device", "virtio-net-device,netdev=net0"}));
}

TEST(BuildQemuArgv, RejectsBadNetworks) {
  for (const char* bad : {"tap", "udp", "udp:1", "udp:0:5", "udp:5:70000", "udp:a:b", "user,x"}) {
    EXPECT_FALSE(ParseNetwork(bad).ok()) << bad;
  }
  MachineOptions options;
  options.kernel = "kernel.elf";
  options.network.hostfwd = {"tcp:127.0.0.1:1-:80"};
  EXPECT_FALSE(BuildQemuArgv(options).ok()) << "a forward without --net=user";
  options.network = *ParseNetwork("user");
  options.network.hostfwd = {"tcp:127.0.0.1:1-:80,restrict=off"};
  EXPECT_FALSE(BuildQemuArgv(options).ok()) << "a comma would add a netdev option";
  options.network.hostfwd = {""};
  EXPECT_FALSE(BuildQemuArgv(options).ok());
  options.network.hostfwd = {};
  options.network.guestfwd = {"tcp:10.0.2.100:80-cmd:nc 127.0.0.1 18081"};
  EXPECT_TRUE(BuildQemuArgv(options).ok()) << "a command target, spaces and all";
}

TEST(BuildQemuArgv, GdbWaitsOnLoopback) {
  MachineOptions options;
  options.kernel = "kernel.elf";
  options.gdb = true;
  options.gdb_port = 4321;
  auto argv = BuildQemuArgv(options);
  ASSERT_TRUE(argv.ok());
  EXPECT_THAT(*argv, ::testing::IsSupersetOf({"-S", "-gdb", "tcp:127.0.0.1:4321"}));
}

}  // namespace
}  // namespace viper::qemu

namespace viper::qemu {
namespace {

TEST(ParseConsoleLine, RecognisesKtestAndClockLines) {
  EXPECT_EQ(ParseConsoleLine("KTEST PASS timer.ticks").kind, LineKind::kKtestPass);
  const ParsedLine fail = ParseConsoleLine("KTEST FAIL timer.ticks: x.cc:3: ticks > 0");
  EXPECT_EQ(fail.kind, LineKind::kKtestFail);
  EXPECT_EQ(fail.message, "timer.ticks: x.cc:3: ticks > 0");
  const ParsedLine clock = ParseConsoleLine("VIPER-CLOCK 123456789");
  EXPECT_EQ(clock.kind, LineKind::kClock);
  EXPECT_EQ(clock.uptime_ns, 123456789u);
  EXPECT_EQ(ParseConsoleLine("VIPER-CLOCK soon").kind, LineKind::kMalformedResult);
}

TEST(Judge, FailingKtestNamesTestAndMessage) {
  KernelReport report;
  report.Feed("KTEST PASS a.one");
  report.Feed("KTEST FAIL a.two: a.cc:9: x == 1");
  report.Feed("VIPER-EXIT 1");
  ProcessResult exited;
  exited.exited = true;
  exited.exit_status = 0;
  EXPECT_THAT(Judge(report, exited, {}).message(),
              HasSubstr("ktest failed: a.two: a.cc:9: x == 1"));
}

TEST(Judge, APanicIsReportedOnce) {
  KernelReport report;
  report.Feed("VIPER-PANIC: cpu0: boom");
  report.Feed("VIPER-PANIC: cpu1: boom");
  ProcessResult exited;
  exited.exited = true;
  exited.exit_status = 1;
  Expectations expect;
  expect.expect_panic = true;
  EXPECT_THAT(Judge(report, exited, expect).message(), HasSubstr("reported 2 panics"));
}

TEST(Judge, ClockMustTrackTheHost) {
  ProcessResult exited;
  exited.exited = true;
  exited.exit_status = 0;
  Expectations expect;
  expect.check_clock = true;
  const absl::Time start = absl::FromUnixSeconds(1000);
  KernelReport good;
  good.Feed("VIPER-CLOCK 1000000000", start);
  good.Feed("VIPER-CLOCK 6000000000", start + absl::Milliseconds(5030));  // 0.6% off
  good.Feed("VIPER-EXIT 0");
  EXPECT_TRUE(Judge(good, exited, expect).ok());
  KernelReport slow;
  slow.Feed("VIPER-CLOCK 1000000000", start);
  slow.Feed("VIPER-CLOCK 6000000000", start + absl::Milliseconds(5200));  // 4% off
  slow.Feed("VIPER-EXIT 0");
  EXPECT_THAT(Judge(slow, exited, expect).message(), HasSubstr("kernel clock ran"));
  KernelReport missing;
  missing.Feed("VIPER-EXIT 0");
  EXPECT_THAT(Judge(missing, exited, expect).message(), HasSubstr("two VIPER-CLOCK lines"));
}

}  // namespace
}  // namespace viper::qemu
