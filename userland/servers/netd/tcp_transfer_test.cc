// TCP against itself over a simulated link: 16 MiB each way, intact, on a
// clean link, with loss, with reordering and duplication. Counters show
// that loss was recovered by retransmission, not by luck.
#include <gtest/gtest.h>

#include "testing/host/sanitizers.h"
#include "userland/servers/netd/tcp_pair.h"

namespace netd_test {
namespace {

// 16 MiB each way; 2 MiB under ASan and TSan, whose instrumentation makes
// the full size take minutes (the same paths, loss recovered as often).
constexpr uint64_t k16MiB = viper::testing::kSlowSanitizer ? 2ull << 20 : 16ull << 20;

class TcpTransfer : public TcpPair {
 protected:
  void LossyRun(double loss, double reorder, double duplicate) {
    link.faults.loss = loss;
    link.faults.reorder = reorder;
    link.faults.duplicate = duplicate;
    auto [client, server] = Connect();
    ASSERT_TRUE(Exchange(client, server, k16MiB));
    ExpectIntact(forward);
    ExpectIntact(backward);
  }
};

TEST_F(TcpTransfer, SixteenMiBEachWayOnACleanLink) {
  auto [client, server] = Connect();
  ASSERT_TRUE(Exchange(client, server, k16MiB));
  ExpectIntact(forward);
  ExpectIntact(backward);
  EXPECT_EQ(Counter(a, NET_TCP_RETRANSMITS), 0u);
  EXPECT_EQ(Counter(b, NET_TCP_RETRANSMITS), 0u);
}

TEST_F(TcpTransfer, SixteenMiBEachWayAtFivePercentLoss) {
  LossyRun(0.05, 0, 0);
  EXPECT_GT(Counter(a, NET_TCP_RETRANSMITS), 0u);
  EXPECT_GT(Counter(b, NET_TCP_RETRANSMITS), 0u);
  EXPECT_GT(Counter(a, NET_TCP_FAST_RETRANSMITS) + Counter(b, NET_TCP_FAST_RETRANSMITS), 0u);
}

TEST_F(TcpTransfer, SixteenMiBEachWayAtTwentyPercentLoss) {
  LossyRun(0.20, 0, 0);
  EXPECT_GT(Counter(a, NET_TCP_RETRANSMITS), 0u);
  EXPECT_GT(Counter(b, NET_TCP_RETRANSMITS), 0u);
  EXPECT_GT(Counter(a, NET_TCP_TIMEOUTS) + Counter(b, NET_TCP_TIMEOUTS), 0u);
}

TEST_F(TcpTransfer, SixteenMiBEachWayWithReorderingAndDuplicates) {
  LossyRun(0, 0.2, 0.05);
  EXPECT_GT(Counter(a, NET_TCP_OUT_OF_ORDER) + Counter(b, NET_TCP_OUT_OF_ORDER), 0u);
}

TEST_F(TcpTransfer, SixteenMiBEachWayWithLossReorderingAndDuplicates) {
  LossyRun(0.05, 0.1, 0.02);
  EXPECT_GT(Counter(a, NET_TCP_RETRANSMITS), 0u);
}

TEST_F(TcpTransfer, SmallBuffersStillMoveEverything) {
  // 2 KiB windows: many window updates, sender-side silly-window rules.
  int listener = Listen(b, 81);
  int rcv = 0;
  ASSERT_EQ(net_setsockopt(b->stack, listener, NET_SO_RCVBUF, 2048), NET_OK);
  ASSERT_EQ(net_setsockopt(b->stack, listener, NET_SO_SNDBUF, 2048), NET_OK);
  ASSERT_EQ(net_getsockopt(b->stack, listener, NET_SO_RCVBUF, &rcv), NET_OK);
  EXPECT_EQ(rcv, 2048);
  int client = net_socket(a->stack, NET_SOCK_STREAM);
  ASSERT_EQ(net_setsockopt(a->stack, client, NET_SO_RCVBUF, 2048), NET_OK);
  net_endpoint remote = {b->addr, 81};
  ASSERT_EQ(net_connect(a->stack, client, &remote), NET_EINPROGRESS);
  int server = NET_EAGAIN;
  ASSERT_TRUE(link.RunUntil(
      [&] {
        if (server < 0) server = net_accept(b->stack, listener, nullptr);
        return server >= 0;
      },
      60 * kSecond));
  ASSERT_TRUE(Exchange(client, server, 1 << 20));
  ExpectIntact(forward);
  ExpectIntact(backward);
}

}  // namespace
}  // namespace netd_test
