// Loss recovery at the speed of the link, not of the timer: what netd's
// TCP needed to move data at 20 % loss to QEMU's slirp (a BSD stack a
// millisecond away, no SACK, a 64 KiB window), where every recovery by a
// 200 ms timeout cost some 200 round trips (docs/network.md, "Loss
// recovery"). Each test fails without the rule it names.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "userland/servers/netd/tcp_pair.h"
#include "userland/servers/netd/wire.h"

namespace netd_test {
namespace {

constexpr uint64_t kMs = 1'000'000;
constexpr uint32_t kMss = 1460;

// A data segment's sequence number (an IPv4 frame without options
// carrying TCP with a payload), or false.
bool DataSegment(const std::vector<uint8_t>& f, uint32_t* seq) {
  if (f.size() < 54 || wire_get16(&f[12]) != 0x0800 || f[23] != 6) return false;
  const size_t payload = wire_get16(&f[16]) - 20u - (f[46] >> 4) * 4u;
  if (payload == 0) return false;
  *seq = wire_get32(&f[38]);
  return true;
}

class TcpRecovery : public TcpPair {
 protected:
  // A connection with an RTT sample (the handshake's), still in its
  // initial window of 3 segments.
  std::pair<int, int> Fresh() {
    auto pair = Connect();
    EXPECT_EQ(net_setsockopt(a->stack, pair.first, NET_TCP_NODELAY, 1), NET_OK);
    link.RunFor(kSecond);
    return pair;
  }

  // One that has moved data, so b's whole window is advertised (a SYN's
  // window is unscaled: b's first read opens it, with an ACK at once).
  std::pair<int, int> Warm() {
    auto pair = Fresh();
    Send(pair.first, 4 * kMss);
    EXPECT_TRUE(Receive(pair.second, 4 * kMss));
    link.RunFor(kSecond);
    return pair;
  }

  void Send(int client, size_t bytes) {
    std::vector<uint8_t> data(bytes, 0x5a);
    ASSERT_EQ(net_send(a->stack, client, data.data(), data.size()), long(data.size()));
  }

  // Reads what b received until `bytes` came in all.
  bool Receive(int server, size_t bytes, uint64_t limit = 10 * kSecond) {
    size_t got = 0;
    uint8_t buffer[65536];
    return link.RunUntil(
        [&] {
          long n;
          while ((n = net_recv(b->stack, server, buffer, sizeof(buffer))) > 0) got += size_t(n);
          return got >= bytes;
        },
        limit);
  }
};

TEST_F(TcpRecovery, LimitedTransmitTurnsTwoDuplicatesIntoAFastRetransmit) {
  // RFC 3042: the initial window is 3 segments; the first is lost, the
  // other two bring two duplicate ACKs. Each lets one new segment out, and
  // the third duplicate fast-retransmits; without it, only the RTO could.
  auto [client, server] = Fresh();
  bool dropped = false;
  link.drop = [&](int from, const std::vector<uint8_t>& frame) {
    uint32_t seq;
    if (from != 0 || dropped || !DataSegment(frame, &seq)) return false;
    return dropped = true;
  };
  Send(client, 10 * kMss);
  ASSERT_TRUE(Receive(server, 10 * kMss));
  EXPECT_TRUE(dropped);
  EXPECT_EQ(Counter(a, NET_TCP_FAST_RETRANSMITS), 1u);
  EXPECT_EQ(Counter(a, NET_TCP_TIMEOUTS), 0u);
}

TEST_F(TcpRecovery, NewDataAcknowledgedUndoesTheBackoff) {
  // Three timeouts back the RTO off to 160 ms; then the resends get
  // through and are ACKed (three segments, within the window: so every
  // one is a resend, which Karn's rule takes no sample from). That ACK shows the path delivers
  // again, so the next loss waits the estimated RTO (20 ms), not the backed-off one: after a
  // timeout every flight holds a resend, so a Karn-clean sample may never come at high loss, and
  // the backoff only grew.
  auto [client, server] = Warm();
  link.faults.loss = 1.0;
  Send(client, 3 * kMss);
  link.RunFor(150 * kMs);
  EXPECT_EQ(Counter(a, NET_TCP_TIMEOUTS), 3u);
  link.faults.loss = 0;
  ASSERT_TRUE(Receive(server, 3 * kMss));
  link.RunFor(kSecond);
  // The next four segments are lost once each: a timeout resends them.
  std::map<uint32_t, std::vector<uint64_t>> sent;  // seq -> when it left
  link.drop = [&](int from, const std::vector<uint8_t>& frame) {
    uint32_t seq;
    if (from != 0 || !DataSegment(frame, &seq)) return false;
    sent[seq].push_back(link.now());
    return sent[seq].size() == 1;
  };
  Send(client, 4 * kMss);
  ASSERT_TRUE(Receive(server, 4 * kMss));
  ASSERT_FALSE(sent.empty());
  const std::vector<uint64_t>& first = sent.begin()->second;
  ASSERT_GE(first.size(), 2u);
  EXPECT_LT(first[1] - first[0], 50 * kMs) << "the backed-off RTO was kept";
}

TEST_F(TcpRecovery, ALoneSegmentWaitsOutThePeersDelayedAck) {
  // The RTO floor (20 ms) is below b's delayed ACK (40 ms): a lone segment
  // gets at least 200 ms, or it would be resent spuriously every time.
  auto [client, server] = Warm();
  Send(client, 1);
  ASSERT_TRUE(Receive(server, 1));
  link.RunFor(kSecond);
  EXPECT_EQ(Counter(a, NET_TCP_RETRANSMITS), 0u);
  EXPECT_EQ(Counter(a, NET_TCP_TIMEOUTS), 0u);
}

TEST_F(TcpRecovery, AfterALossEverySegmentIsAckedAtOnce) {
  // The receiver's side (the guest's upload, slirp sending): once data
  // came out of order, the next segments are ACKed one by one, not every
  // second one, so a sender that grows cwnd per ACK recovers its window.
  auto [client, server] = Warm();
  auto acks_for_eight_segments = [&] {
    const uint64_t before = Counter(b, NET_TCP_SEGMENTS_OUT);
    Send(client, 8 * kMss);
    EXPECT_TRUE(Receive(server, 8 * kMss));
    link.RunFor(kSecond);
    return Counter(b, NET_TCP_SEGMENTS_OUT) - before;
  };
  const uint64_t clean = acks_for_eight_segments();
  EXPECT_LT(clean, 8u) << "every second segment (and window updates)";
  bool dropped = false;
  link.drop = [&](int from, const std::vector<uint8_t>& frame) {
    uint32_t seq;
    if (from != 0 || dropped || !DataSegment(frame, &seq)) return false;
    return dropped = true;
  };
  Send(client, 10 * kMss);
  ASSERT_TRUE(Receive(server, 10 * kMss));
  link.RunFor(kSecond);
  EXPECT_GE(acks_for_eight_segments(), 8u) << "one ACK per segment after the loss";
}

TEST_F(TcpRecovery, FourMiBAtTwentyPercentLossToASlirpLikePeerInAMinute) {
  // The guest's download (guest_loss20_test): 20 % of frames lost both
  // ways, 10 % held back, 1 ms RTT, a 64 KiB window. Measured: 874
  // simulated seconds (4.7 KiB/s) before the timeout rules, 18 after.
  link.faults.delay_ns = 500'000;
  link.faults.reorder = 0.1;
  link.faults.reorder_delay_ns = 500'000;
  int listener = Listen(b, 81);
  ASSERT_EQ(net_setsockopt(b->stack, listener, NET_SO_RCVBUF, 65536), NET_OK);
  int client = StartConnect(a, b, 81);
  int server = NET_EAGAIN;
  ASSERT_TRUE(link.RunUntil(
      [&] {
        if (server < 0) server = net_accept(b->stack, listener, nullptr);
        return server >= 0 && net_tcp_state(a->stack, client) == TCP_ESTABLISHED;
      },
      60 * kSecond));
  link.faults.loss = 0.2;
  forward = StreamState{0x1111, 4u << 20};
  backward = StreamState{0x2222, 0};
  const uint64_t start = link.now();
  ASSERT_TRUE(link.RunUntil(
      [&] {
        Pump(a->stack, client, forward, backward);
        Pump(b->stack, server, backward, forward);
        return forward.eof && backward.eof;
      },
      60 * kSecond))
      << "moved " << forward.received << " bytes in 60 s";
  ExpectIntact(forward);
  EXPECT_GT(Counter(a, NET_TCP_FAST_RETRANSMITS), 0u);
  EXPECT_GT(Counter(a, NET_TCP_TIMEOUTS), 0u);
  RecordProperty("simulated_ms", std::to_string((link.now() - start) / kMs));
}

}  // namespace
}  // namespace netd_test
