// Bad peers on the same link while a transfer runs: blind RST storms, a
// SYN flood, garbage frames. The transfer completes intact and the stack
// keeps serving; the damage is counted, bounded and temporary.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "userland/servers/netd/tcp_pair.h"
#include "userland/servers/netd/test_frames.h"

namespace netd_test {
namespace {

class TcpHostile : public TcpPair {
 protected:
  void InjectTcp(int to, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq,
                 uint32_t ack, uint8_t flags) {
    Bytes segment = Tcp(src, dst, sport, dport, seq, ack, flags, 1024);
    SimHost* target = to == 0 ? a : b;
    SimHost* other = to == 0 ? b : a;
    link.Inject(to, Ethernet(target->mac, other->mac, 0x0800, Ipv4(src, dst, 6, segment)));
  }
  // Streams `bytes` each way while `attack` runs before every third step
  // (every step would outpace the link: each answer is a step too).
  bool ExchangeUnderAttack(int client, int server, uint64_t bytes,
                           const std::function<void()>& attack) {
    forward = StreamState{0x1111, bytes};
    backward = StreamState{0x2222, bytes};
    uint64_t steps = 0;
    return link.RunUntil(
        [&] {
          if (steps++ % 3 == 0) attack();
          Pump(a->stack, client, forward, backward);
          Pump(b->stack, server, backward, forward);
          return forward.eof && backward.eof;
        },
        10000 * kSecond);
  }
  std::mt19937 rng{7};
};

TEST_F(TcpHostile, BlindRstStormDoesNotResetAConnection) {
  auto [client, server] = Connect();
  net_endpoint local;
  ASSERT_EQ(net_getsockname(a->stack, client, &local), NET_OK);
  int sent = 0;
  ASSERT_TRUE(ExchangeUnderAttack(client, server, 1 << 20, [&] {
    // A RST with the right ports and a guessed sequence number.
    InjectTcp(1, a->addr, b->addr, local.port, 80, rng(), 0, 0x04);
    sent++;
  }));
  ExpectIntact(forward);
  ExpectIntact(backward);
  EXPECT_GT(sent, 500);
  EXPECT_EQ(Counter(b, NET_TCP_RESETS_IN), 0u);
  EXPECT_GT(netstack_drops(b->stack, NET_DROP_TCP_OUT_OF_WINDOW) +
                netstack_drops(b->stack, NET_DROP_TCP_RST_OUT_OF_WINDOW),
            0u);
}

TEST_F(TcpHostile, BlindSynsAndAcksDoNotDisturbAConnection) {
  auto [client, server] = Connect();
  net_endpoint local;
  ASSERT_EQ(net_getsockname(a->stack, client, &local), NET_OK);
  ASSERT_TRUE(ExchangeUnderAttack(client, server, 1 << 20, [&] {
    InjectTcp(1, a->addr, b->addr, local.port, 80, rng(), 0, 0x02);      // SYN
    InjectTcp(1, a->addr, b->addr, local.port, 80, rng(), rng(), 0x10);  // data-less ACK
  }));
  ExpectIntact(forward);
  ExpectIntact(backward);
  EXPECT_GT(Counter(b, NET_TCP_CHALLENGE_ACKS), 0u);
}

TEST_F(TcpHostile, SynFloodFillsOnlyTheBacklogAndDrainsAway) {
  int listener = Listen(b, 80, 8);
  // 1000 spoofed SYNs from a host that does not exist (10.0.0.77).
  for (int i = 0; i < 1000; i++)
    InjectTcp(1, 0x0a00004d, b->addr, uint16_t(10000 + i), 80, rng(), 0, 0x02);
  EXPECT_GE(netstack_drops(b->stack, NET_DROP_TCP_BACKLOG_FULL), 992u);
  // The half-open connections give up (their SYN-ACKs go nowhere) ...
  link.RunFor(300 * kSecond);
  // ... and a real client gets in.
  int client = StartConnect(a, b, 80);
  int accepted = NET_EAGAIN;
  ASSERT_TRUE(link.RunUntil(
      [&] {
        if (accepted < 0) accepted = net_accept(b->stack, listener, nullptr);
        return accepted >= 0 && net_tcp_state(a->stack, client) == TCP_ESTABLISHED;
      },
      60 * kSecond));
}

TEST_F(TcpHostile, GarbageFramesAreDroppedWhileATransferRuns) {
  auto [client, server] = Connect();
  uint64_t injected = 0;
  ASSERT_TRUE(ExchangeUnderAttack(client, server, 1 << 20, [&] {
    Bytes payload(rng() % 200);
    for (uint8_t& byte : payload) byte = uint8_t(rng());
    if (!payload.empty()) payload[0] = uint8_t(0x40 | (payload[0] & 0x0f));  // looks like IPv4
    link.Inject(1, Ethernet(b->mac, a->mac, 0x0800, payload));
    injected++;
  }));
  ExpectIntact(forward);
  ExpectIntact(backward);
  uint64_t drops = 0;
  for (int i = 0; i < NET_DROP_COUNT; i++) drops += netstack_drops(b->stack, net_drop(i));
  EXPECT_GE(drops, injected - injected / 100);  // (a random frame may rarely parse)
}

}  // namespace
}  // namespace netd_test
