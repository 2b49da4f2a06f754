// TCP's timers under the fake clock: the retransmission timeout doubles
// per expiry (RFC 6298 5.5), a lone segment's ACK is delayed but comes
// (RFC 5681 4.2: at least every second segment at once), and a
// connection's timers are all gone once it is closed.
#include <gtest/gtest.h>

#include <vector>

#include "userland/servers/netd/tcp_pair.h"
#include "userland/servers/netd/wire.h"

namespace netd_test {
namespace {

class TcpTimers : public TcpPair {};

TEST_F(TcpTimers, SynRetransmissionBacksOffExponentially) {
  std::vector<uint64_t> syn_times;
  link.tap = [&](int from, const std::vector<uint8_t>& frame) {
    if (from == 0 && wire_get16(&frame[12]) == 0x0800 && frame[23] == 6 && frame[47] == 0x02)
      syn_times.push_back(link.now());
  };
  // a learns b's MAC first, so every SYN leaves at once; then nothing
  // gets through.
  ASSERT_EQ(net_ping(a->stack, b->addr, 1, 1, nullptr, 0), NET_OK);
  link.RunFor(kSecond);
  link.faults.loss = 1.0;
  int client = StartConnect(a, b, 80);
  link.RunFor(1000 * kSecond);
  EXPECT_EQ(net_tcp_state(a->stack, client), TCP_CLOSED);
  // The SYN and 6 retransmissions; the last leaves after b's ARP entry
  // expired (60 s), so it waits for an ARP reply that never comes.
  EXPECT_EQ(Counter(a, NET_TCP_TIMEOUTS), 6u);
  ASSERT_EQ(syn_times.size(), 6u);
  for (size_t i = 2; i < syn_times.size(); i++) {
    uint64_t previous = syn_times[i - 1] - syn_times[i - 2];
    uint64_t gap = syn_times[i] - syn_times[i - 1];
    EXPECT_EQ(gap, 2 * previous) << i;
  }
}

TEST_F(TcpTimers, ALoneSegmentIsAckedLaterAndTheSecondAtOnce) {
  auto [client, server] = Connect();
  link.RunFor(kSecond);
  uint64_t acks_before = Counter(b, NET_TCP_SEGMENTS_OUT);
  ASSERT_EQ(net_send(a->stack, client, "x", 1), 1);
  char byte;
  ASSERT_TRUE(
      link.RunUntil([&] { return net_poll(b->stack, server) & NET_POLL_READABLE; }, kSecond));
  EXPECT_EQ(Counter(b, NET_TCP_SEGMENTS_OUT), acks_before) << "the ACK waits";
  link.RunFor(kSecond);
  EXPECT_EQ(Counter(b, NET_TCP_SEGMENTS_OUT), acks_before + 1) << "but it comes";
  EXPECT_EQ(net_recv(b->stack, server, &byte, 1), 1);
  // Two full segments in a row: the second is ACKed at once.
  ASSERT_EQ(net_setsockopt(a->stack, client, NET_TCP_NODELAY, 1), NET_OK);
  std::vector<uint8_t> two(2 * 1460, 7);
  acks_before = Counter(b, NET_TCP_SEGMENTS_OUT);
  ASSERT_EQ(net_send(a->stack, client, two.data(), two.size()), long(two.size()));
  uint64_t received = 0;
  ASSERT_TRUE(link.RunUntil(
      [&] {
        uint8_t buffer[4096];
        long n = net_recv(b->stack, server, buffer, sizeof(buffer));
        if (n > 0) received += uint64_t(n);
        return received == two.size() && Counter(b, NET_TCP_SEGMENTS_OUT) > acks_before;
      },
      kSecond));
}

TEST_F(TcpTimers, NoTimerOutlivesAClosedConnection) {
  auto [client, server] = Connect();
  ASSERT_EQ(net_close(a->stack, client), NET_OK);
  link.RunFor(kSecond);
  ASSERT_EQ(net_close(b->stack, server), NET_OK);
  link.RunFor(200 * kSecond);  // past TIME_WAIT
  // Only ARP's cache expiry may be left, and it too runs out.
  link.RunFor(100 * kSecond);
  EXPECT_EQ(netstack_next_deadline(a->stack), UINT64_MAX);
  EXPECT_EQ(netstack_next_deadline(b->stack), UINT64_MAX);
}

}  // namespace
}  // namespace netd_test
