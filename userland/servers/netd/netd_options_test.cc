// netd's command line: static addresses, the test knobs, and every kind
// of bad argument refused with the argument named.
#include "userland/servers/netd/netd_options.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

int Parse(std::vector<const char*> args, netd_options* o, const char** bad = nullptr) {
  args.insert(args.begin(), "netd");
  const char* ignored = nullptr;
  return netd_parse_options(int(args.size()), const_cast<char**>(args.data()), o,
                            bad ? bad : &ignored);
}

TEST(NetdOptions, NoArgumentsMeansDhcpAndNoLoss) {
  netd_options o;
  ASSERT_EQ(Parse({}, &o), 0);
  EXPECT_EQ(o.addr, 0u);
  EXPECT_EQ(o.loss_percent, 0);
}

TEST(NetdOptions, AStaticAddressWithGatewayAndDns) {
  netd_options o;
  ASSERT_EQ(Parse({"--address=10.0.3.15/24", "--gateway=10.0.3.2", "--dns=10.0.3.3"}, &o), 0);
  EXPECT_EQ(o.addr, 0x0a00030fu);
  EXPECT_EQ(o.netmask, 0xffffff00u);
  EXPECT_EQ(o.gateway, 0x0a000302u);
  EXPECT_EQ(o.dns, 0x0a000303u);
}

TEST(NetdOptions, TheTestKnobsArePercentages) {
  netd_options o;
  ASSERT_EQ(Parse({"--loss=5", "--reorder=20"}, &o), 0);
  EXPECT_EQ(o.loss_percent, 5);
  EXPECT_EQ(o.reorder_percent, 20);
}

TEST(NetdOptions, LoopbackOnlyNeedsNoNicAndTakesNoAddress) {
  netd_options o;
  ASSERT_EQ(Parse({"--loopback"}, &o), 0);
  EXPECT_EQ(o.loopback_only, 1);
  EXPECT_EQ(Parse({"--loopback", "--address=10.0.0.2/24"}, &o), -1);
}

TEST(NetdOptions, BadArgumentsAreRefusedAndNamed) {
  netd_options o;
  for (const char* bad : {"--loss=101", "--loss=", "--loss=5x", "--reorder=-1",
                          "--address=10.0.3.15", "--address=10.0.3/24", "--address=10.0.3.256/24",
                          "--address=1.2.3.4/31", "--gateway=1.2.3", "--frobnicate", "10.0.0.1"}) {
    SCOPED_TRACE(bad);
    const char* named = nullptr;
    EXPECT_EQ(Parse({bad}, &o, &named), -1);
    EXPECT_STREQ(named, bad);
  }
  const char* named = nullptr;
  EXPECT_EQ(Parse({"--gateway=10.0.0.1"}, &o, &named), -1);
  EXPECT_EQ(Parse({"--address=10.0.3.15/24", "--gateway=10.0.4.1"}, &o, &named), -1);
}

}  // namespace
