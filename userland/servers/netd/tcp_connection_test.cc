// TCP connection behaviour between two stacks on a simulated link: opening
// (refused, timed out, simultaneous), closing (half, simultaneous,
// TIME_WAIT, reset), flow control (zero window), many connections, the
// listen backlog, and RFC 5961's answers to blind RSTs and SYNs.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "userland/servers/netd/tcp_pair.h"
#include "userland/servers/netd/test_frames.h"

namespace netd_test {
namespace {

class TcpConnection : public TcpPair {
 protected:
  long Send(SimHost* host, int s, const std::string& text) {
    return net_send(host->stack, s, text.data(), text.size());
  }
  std::string ReceiveAll(SimHost* host, int s) {
    std::string text;
    char buffer[4096];
    long n;
    while ((n = net_recv(host->stack, s, buffer, sizeof(buffer))) > 0)
      text.append(buffer, size_t(n));
    return text;
  }
  int State(SimHost* host, int s) { return net_tcp_state(host->stack, s); }
  // The last TCP segment a host sent, as captured on the link.
  void CaptureFrom(int host) {
    link.tap = [this, host](int from, const std::vector<uint8_t>& frame) {
      if (from == host && wire_get16(&frame[12]) == 0x0800 && frame[23] == 6) last = frame;
    };
  }
  std::vector<uint8_t> last;
};

TEST_F(TcpConnection, ConnectAcceptAndExchangeData) {
  auto [client, server] = Connect();
  ASSERT_EQ(Send(a, client, "hello"), 5);
  link.RunFor(kSecond);
  EXPECT_EQ(ReceiveAll(b, server), "hello");
  ASSERT_EQ(Send(b, server, "world"), 5);
  link.RunFor(kSecond);
  EXPECT_EQ(ReceiveAll(a, client), "world");
  net_endpoint local, peer;
  ASSERT_EQ(net_getsockname(b->stack, server, &local), NET_OK);
  ASSERT_EQ(net_getpeername(b->stack, server, &peer), NET_OK);
  EXPECT_EQ(local.addr, b->addr);
  EXPECT_EQ(local.port, 80);
  EXPECT_EQ(peer.addr, a->addr);
  EXPECT_GE(peer.port, 49152);
  EXPECT_EQ(net_poll(a->stack, client) & NET_POLL_WRITABLE, NET_POLL_WRITABLE);
}

TEST_F(TcpConnection, ConnectToAClosedPortIsRefused) {
  int client = StartConnect(a, b, 9);
  link.RunFor(kSecond);
  EXPECT_NE(net_poll(a->stack, client) & NET_POLL_ERROR, 0);
  int error = 0;
  ASSERT_EQ(net_getsockopt(a->stack, client, NET_SO_ERROR, &error), NET_OK);
  EXPECT_EQ(error, NET_ECONNREFUSED);
  EXPECT_EQ(netstack_drops(b->stack, NET_DROP_TCP_NO_SOCKET), 1u);
  EXPECT_EQ(Counter(b, NET_TCP_RESETS_OUT), 1u);
}

TEST_F(TcpConnection, ConnectToASilentPeerTimesOutAfterRetries) {
  link.faults.loss = 1.0;
  int client = StartConnect(a, b, 80);
  link.RunFor(1000 * kSecond);
  int error = 0;
  ASSERT_EQ(net_getsockopt(a->stack, client, NET_SO_ERROR, &error), NET_OK);
  EXPECT_EQ(error, NET_ETIMEDOUT);
  EXPECT_EQ(Counter(a, NET_TCP_TIMEOUTS), 6u);  // TCP_SYN_RETRIES resends, then give up
  EXPECT_EQ(State(a, client), TCP_CLOSED);
}

TEST_F(TcpConnection, SimultaneousOpenConnectsBothEnds) {
  int sa = net_socket(a->stack, NET_SOCK_STREAM);
  int sb = net_socket(b->stack, NET_SOCK_STREAM);
  net_endpoint pa = {0, 5000}, pb = {0, 6000};
  ASSERT_EQ(net_bind(a->stack, sa, &pa), NET_OK);
  ASSERT_EQ(net_bind(b->stack, sb, &pb), NET_OK);
  net_endpoint to_b = {b->addr, 6000}, to_a = {a->addr, 5000};
  // Both SYNs are on the wire before either arrives.
  ASSERT_EQ(net_connect(a->stack, sa, &to_b), NET_EINPROGRESS);
  ASSERT_EQ(net_connect(b->stack, sb, &to_a), NET_EINPROGRESS);
  ASSERT_TRUE(link.RunUntil(
      [&] { return State(a, sa) == TCP_ESTABLISHED && State(b, sb) == TCP_ESTABLISHED; },
      100 * kSecond));
  ASSERT_EQ(Send(a, sa, "ping"), 4);
  link.RunFor(kSecond);
  EXPECT_EQ(ReceiveAll(b, sb), "ping");
}

TEST_F(TcpConnection, HalfCloseKeepsTheOtherDirectionOpen) {
  auto [client, server] = Connect();
  ASSERT_EQ(net_shutdown(a->stack, client, NET_SHUT_WR), NET_OK);
  link.RunFor(kSecond);
  char byte;
  EXPECT_EQ(net_recv(b->stack, server, &byte, 1), 0);  // end of stream
  EXPECT_EQ(State(b, server), TCP_CLOSE_WAIT);
  EXPECT_EQ(State(a, client), TCP_FIN_WAIT_2);
  EXPECT_EQ(Send(a, client, "x"), NET_EPIPE);
  ASSERT_EQ(Send(b, server, "still here"), 10);
  link.RunFor(kSecond);
  EXPECT_EQ(ReceiveAll(a, client), "still here");
  ASSERT_EQ(net_close(b->stack, server), NET_OK);
  link.RunFor(kSecond);
  EXPECT_EQ(net_recv(a->stack, client, &byte, 1), 0);
  EXPECT_EQ(State(a, client), TCP_TIME_WAIT);
  link.RunFor(61 * kSecond);  // 2 MSL
  EXPECT_EQ(State(a, client), TCP_CLOSED);
}

TEST_F(TcpConnection, SimultaneousCloseGoesThroughClosingToTimeWait) {
  auto [client, server] = Connect();
  // Both FINs leave before either arrives.
  ASSERT_EQ(net_shutdown(a->stack, client, NET_SHUT_WR), NET_OK);
  ASSERT_EQ(net_shutdown(b->stack, server, NET_SHUT_WR), NET_OK);
  EXPECT_EQ(State(a, client), TCP_FIN_WAIT_1);
  EXPECT_EQ(State(b, server), TCP_FIN_WAIT_1);
  link.RunFor(kSecond);
  EXPECT_EQ(State(a, client), TCP_TIME_WAIT);
  EXPECT_EQ(State(b, server), TCP_TIME_WAIT);
  link.RunFor(61 * kSecond);
  EXPECT_EQ(State(a, client), TCP_CLOSED);
  EXPECT_EQ(State(b, server), TCP_CLOSED);
  EXPECT_EQ(net_poll(a->stack, client) & NET_POLL_HUP, NET_POLL_HUP);
}

TEST_F(TcpConnection, CloseWithUnreadDataResetsThePeer) {
  auto [client, server] = Connect();
  ASSERT_EQ(Send(a, client, "unread"), 6);
  link.RunFor(kSecond);
  ASSERT_EQ(net_close(b->stack, server), NET_OK);
  link.RunFor(kSecond);
  char byte;
  EXPECT_EQ(net_recv(a->stack, client, &byte, 1), NET_ECONNRESET);
  EXPECT_EQ(State(a, client), TCP_CLOSED);
  EXPECT_EQ(Counter(a, NET_TCP_RESETS_IN), 1u);
}

TEST_F(TcpConnection, ClosedOrphanFinishesAndFreesItsSlot) {
  auto [client, server] = Connect();
  ASSERT_EQ(Send(a, client, "bye"), 3);
  ASSERT_EQ(net_close(a->stack, client), NET_OK);  // data still to deliver
  EXPECT_EQ(net_poll(a->stack, client), NET_EBADF);
  link.RunFor(kSecond);
  EXPECT_EQ(ReceiveAll(b, server), "bye");
  char byte;
  EXPECT_EQ(net_recv(b->stack, server, &byte, 1), 0);
  ASSERT_EQ(net_close(b->stack, server), NET_OK);
  link.RunFor(120 * kSecond);
  EXPECT_EQ(netstack_next_deadline(b->stack) > link.now() + 50 * kSecond, true)
      << "no TCP timer left once both ends are gone";
}

TEST_F(TcpConnection, DataForAClosedSocketResetsThePeer) {
  auto [client, server] = Connect();
  ASSERT_EQ(net_shutdown(b->stack, server, NET_SHUT_WR), NET_OK);
  ASSERT_EQ(net_close(b->stack, server), NET_OK);  // nothing unread yet: a FIN
  link.RunFor(kSecond);
  char byte;
  EXPECT_EQ(net_recv(a->stack, client, &byte, 1), 0);
  ASSERT_EQ(Send(a, client, "late"), 4);  // half-closed, a may still send
  link.RunFor(kSecond);
  EXPECT_EQ(Counter(b, NET_TCP_RESETS_OUT), 1u);
  EXPECT_EQ(State(a, client), TCP_CLOSED);
  EXPECT_EQ(Send(a, client, "more"), NET_ECONNRESET);
}

TEST_F(TcpConnection, ZeroWindowIsProbedAndTheTransferResumes) {
  int listener = Listen(b, 82);
  ASSERT_EQ(net_setsockopt(b->stack, listener, NET_SO_RCVBUF, 4096), NET_OK);
  int client = StartConnect(a, b, 82);
  int server = NET_EAGAIN;
  ASSERT_TRUE(link.RunUntil(
      [&] {
        if (server < 0) server = net_accept(b->stack, listener, nullptr);
        return server >= 0 && State(a, client) == TCP_ESTABLISHED;
      },
      60 * kSecond));
  // The receiver reads nothing: its 4 KiB fill and the window closes.
  std::vector<uint8_t> data(20000, 0x5a);
  long queued = net_send(a->stack, client, data.data(), data.size());
  ASSERT_EQ(queued, 20000);
  link.RunFor(30 * kSecond);
  EXPECT_GT(Counter(a, NET_TCP_ZERO_WINDOW_PROBES), 0u);
  EXPECT_EQ(net_poll(b->stack, server) & NET_POLL_READABLE, NET_POLL_READABLE);
  // Reading reopens the window: everything arrives.
  size_t total = 0;
  ASSERT_TRUE(link.RunUntil(
      [&] {
        uint8_t buffer[1024];
        long n;
        while ((n = net_recv(b->stack, server, buffer, sizeof(buffer))) > 0) {
          for (long i = 0; i < n; i++) EXPECT_EQ(buffer[i], 0x5a);
          total += size_t(n);
        }
        return total == data.size();
      },
      600 * kSecond));
  EXPECT_EQ(net_poll(b->stack, server) & NET_POLL_READABLE, 0);
}

TEST_F(TcpConnection, ManyConnectionsAtOnce) {
  constexpr int kConnections = 100;
  int listener = Listen(b, 80, 128);
  std::vector<int> clients, servers;
  for (int i = 0; i < kConnections; i++) clients.push_back(StartConnect(a, b, 80));
  ASSERT_TRUE(link.RunUntil(
      [&] {
        int s;
        while ((s = net_accept(b->stack, listener, nullptr)) >= 0) servers.push_back(s);
        return servers.size() == size_t(kConnections);
      },
      600 * kSecond));
  // Each client sends its index; each server echoes what it read.
  for (int i = 0; i < kConnections; i++)
    ASSERT_EQ(Send(a, clients[size_t(i)], std::to_string(i) + ";"),
              long(std::to_string(i).size() + 1));
  link.RunFor(2 * kSecond);
  std::set<std::string> seen;
  for (int s : servers) {
    std::string text = ReceiveAll(b, s);
    seen.insert(text);
    ASSERT_EQ(Send(b, s, text), long(text.size()));
  }
  EXPECT_EQ(seen.size(), size_t(kConnections));
  link.RunFor(2 * kSecond);
  for (int i = 0; i < kConnections; i++)
    EXPECT_EQ(ReceiveAll(a, clients[size_t(i)]), std::to_string(i) + ";");
}

TEST_F(TcpConnection, FullBacklogDropsSynsUntilAcceptMakesRoom) {
  int listener = Listen(b, 80, 2);
  std::vector<int> clients;
  for (int i = 0; i < 4; i++) clients.push_back(StartConnect(a, b, 80));
  link.RunFor(500'000'000);
  EXPECT_GE(netstack_drops(b->stack, NET_DROP_TCP_BACKLOG_FULL), 2u);
  int established = 0;
  for (int c : clients) established += State(a, c) == TCP_ESTABLISHED;
  EXPECT_EQ(established, 2);
  // Accepting makes room; the others' retried SYNs get in.
  std::vector<int> accepted;
  ASSERT_TRUE(link.RunUntil(
      [&] {
        int s;
        while ((s = net_accept(b->stack, listener, nullptr)) >= 0) accepted.push_back(s);
        return accepted.size() == 4;
      },
      600 * kSecond));
}

TEST_F(TcpConnection, ListenerClosedWithQueuedConnectionsResetsThem) {
  int listener = Listen(b, 80, 4);
  int client = StartConnect(a, b, 80);
  link.RunFor(kSecond);
  ASSERT_EQ(State(a, client), TCP_ESTABLISHED);
  ASSERT_EQ(net_close(b->stack, listener), NET_OK);
  link.RunFor(kSecond);
  char byte;
  EXPECT_EQ(net_recv(a->stack, client, &byte, 1), NET_ECONNRESET);
}

TEST_F(TcpConnection, BlindRstInWindowGetsAChallengeAckAndTheConnectionSurvives) {
  auto [client, server] = Connect();
  CaptureFrom(0);
  ASSERT_EQ(Send(a, client, "x"), 1);
  link.RunFor(kSecond);
  ASSERT_FALSE(last.empty());
  const uint8_t* tcp = &last[34];
  uint16_t sport = wire_get16(tcp);
  // a's next sequence number: the last segment's seq plus its data.
  uint32_t seq = wire_get32(tcp + 4) + uint32_t(wire_get16(&last[16]) - 40);
  EXPECT_EQ(ReceiveAll(b, server), "x");
  auto rst = [&](uint32_t s) {
    Bytes segment = Tcp(a->addr, b->addr, sport, 80, s, 0, 0x04, 0);
    Bytes ip = Ipv4(a->addr, b->addr, 6, segment);
    link.Inject(1, Ethernet(b->mac, a->mac, 0x0800, ip));
  };
  rst(seq + 1000);  // in the window, not exact
  EXPECT_EQ(State(b, server), TCP_ESTABLISHED);
  EXPECT_EQ(Counter(b, NET_TCP_CHALLENGE_ACKS), 1u);
  rst(seq + 10'000'000);  // outside the window: dropped silently
  EXPECT_EQ(State(b, server), TCP_ESTABLISHED);
  EXPECT_EQ(netstack_drops(b->stack, NET_DROP_TCP_OUT_OF_WINDOW), 1u);
  rst(seq);  // exact: the connection is reset
  EXPECT_EQ(State(b, server), TCP_CLOSED);
  char byte;
  EXPECT_EQ(net_recv(b->stack, server, &byte, 1), NET_ECONNRESET);
}

TEST_F(TcpConnection, SynOnAnEstablishedConnectionGetsAChallengeAck) {
  auto [client, server] = Connect();
  CaptureFrom(0);
  ASSERT_EQ(Send(a, client, "x"), 1);
  link.RunFor(kSecond);
  uint16_t sport = wire_get16(&last[34]);
  uint32_t seq = wire_get32(&last[38]) + uint32_t(wire_get16(&last[16]) - 40);
  Bytes syn = Tcp(a->addr, b->addr, sport, 80, seq + 5, 0, 0x02, 1000);
  link.Inject(1, Ethernet(b->mac, a->mac, 0x0800, Ipv4(a->addr, b->addr, 6, syn)));
  EXPECT_EQ(State(b, server), TCP_ESTABLISHED);
  EXPECT_EQ(Counter(b, NET_TCP_CHALLENGE_ACKS), 1u);
}

TEST_F(TcpConnection, MalformedSegmentsAreCountedAndDropped) {
  auto [client, server] = Connect();
  (void)client;
  auto inject = [&](Bytes segment) {
    link.Inject(1, Ethernet(b->mac, a->mac, 0x0800, Ipv4(a->addr, b->addr, 6, segment)));
  };
  Bytes good = Tcp(a->addr, b->addr, 1234, 80, 1, 1, 0x10, 100);
  Bytes bad_sum = good;
  bad_sum[16] ^= 1;
  inject(bad_sum);
  EXPECT_EQ(netstack_drops(b->stack, NET_DROP_TCP_BAD_CHECKSUM), 1u);
  inject(Bytes(good.begin(), good.begin() + 19));
  EXPECT_EQ(netstack_drops(b->stack, NET_DROP_TCP_TRUNCATED), 1u);
  Bytes bad_offset = good;
  bad_offset[12] = 0x40;  // 16-byte header
  Put16(bad_offset, 16, 0);
  Put16(bad_offset, 16,
        wire_checksum_finish(
            wire_sum(wire_pseudo_sum(a->addr, b->addr, 6, 20), bad_offset.data(), 20)));
  inject(bad_offset);
  EXPECT_EQ(netstack_drops(b->stack, NET_DROP_TCP_BAD_OFFSET), 1u);
  inject(Tcp(a->addr, b->addr, 1234, 80, 1, 1, 0x03, 100));  // SYN+FIN
  inject(Tcp(a->addr, b->addr, 1234, 80, 1, 1, 0x00, 100));  // no flags
  EXPECT_EQ(netstack_drops(b->stack, NET_DROP_TCP_BAD_FLAGS), 2u);
  inject(Tcp(a->addr, b->addr, 1234, 80, 1, 1, 0x02, 100, {}, {2, 4, 0, 0}));  // MSS 0
  inject(Tcp(a->addr, b->addr, 1234, 80, 1, 1, 0x02, 100, {}, {3, 9, 1, 1}));  // past the end
  EXPECT_EQ(netstack_drops(b->stack, NET_DROP_TCP_BAD_OPTIONS), 2u);
  EXPECT_EQ(State(b, server), TCP_ESTABLISHED);
}

TEST_F(TcpConnection, SynCarriesMssAndWindowScale) {
  link.tap = [this](int from, const std::vector<uint8_t>& frame) {
    if (from == 0 && wire_get16(&frame[12]) == 0x0800 && frame[23] == 6 && frame[47] == 0x02)
      last = frame;
  };
  int listener = Listen(b, 80);
  (void)listener;
  int client = net_socket(a->stack, NET_SOCK_STREAM);
  ASSERT_EQ(net_setsockopt(a->stack, client, NET_SO_RCVBUF, 1 << 20), NET_OK);
  net_endpoint remote = {b->addr, 80};
  ASSERT_EQ(net_connect(a->stack, client, &remote), NET_EINPROGRESS);
  link.RunFor(kSecond);  // the SYN waits for ARP first
  ASSERT_FALSE(last.empty());
  const uint8_t* tcp = &last[34];
  ASSERT_EQ(tcp[12] >> 4, 7);  // 20 bytes + MSS(4) + NOP + WS(3)
  EXPECT_EQ(tcp[20], 2);
  EXPECT_EQ(wire_get16(tcp + 22), 1460);
  EXPECT_EQ(tcp[25], 3);
  EXPECT_EQ(tcp[27], 5);                   // 1 MiB >> 5 fits 16 bits
  EXPECT_EQ(wire_get16(tcp + 14), 65535);  // a SYN's window is not scaled
}

TEST_F(TcpConnection, WindowScalingAdvertisesMoreThan64KiB) {
  int listener = Listen(b, 80);
  ASSERT_EQ(net_setsockopt(b->stack, listener, NET_SO_RCVBUF, 1 << 20), NET_OK);
  int client = net_socket(a->stack, NET_SOCK_STREAM);
  ASSERT_EQ(net_setsockopt(a->stack, client, NET_SO_RCVBUF, 1 << 20), NET_OK);
  net_endpoint remote = {b->addr, 80};
  ASSERT_EQ(net_connect(a->stack, client, &remote), NET_EINPROGRESS);
  int server = NET_EAGAIN;
  ASSERT_TRUE(link.RunUntil(
      [&] {
        if (server < 0) server = net_accept(b->stack, listener, nullptr);
        return server >= 0 && State(a, client) == TCP_ESTABLISHED;
      },
      60 * kSecond));
  uint32_t largest = 0;
  link.tap = [&](int from, const std::vector<uint8_t>& frame) {
    if (from == 1 && wire_get16(&frame[12]) == 0x0800 && frame[23] == 6 && !(frame[47] & 0x02))
      largest = std::max<uint32_t>(largest, wire_get16(&frame[48]));
  };
  ASSERT_EQ(Send(a, client, "x"), 1);
  link.RunFor(kSecond);
  EXPECT_GT(largest << 5, 65535u) << "the field is scaled by 2^5 for a 1 MiB buffer";
  EXPECT_LE(largest << 5, 1u << 20);
}

TEST_F(TcpConnection, SegmentsFitTheSmallerMtusMss) {
  SimLink small(3);
  SimHost* big = small.AddHost(1500);
  SimHost* tiny = small.AddHost(576);
  int listener = net_socket(tiny->stack, NET_SOCK_STREAM);
  net_endpoint local = {0, 80};
  ASSERT_EQ(net_bind(tiny->stack, listener, &local), NET_OK);
  ASSERT_EQ(net_listen(tiny->stack, listener, 1), NET_OK);
  int client = net_socket(big->stack, NET_SOCK_STREAM);
  net_endpoint remote = {tiny->addr, 80};
  ASSERT_EQ(net_connect(big->stack, client, &remote), NET_EINPROGRESS);
  int server = NET_EAGAIN;
  ASSERT_TRUE(small.RunUntil(
      [&] {
        if (server < 0) server = net_accept(tiny->stack, listener, nullptr);
        return server >= 0 && net_tcp_state(big->stack, client) == TCP_ESTABLISHED;
      },
      60 * kSecond));
  size_t largest = 0;
  small.tap = [&](int from, const std::vector<uint8_t>& frame) {
    if (from == 0 && wire_get16(&frame[12]) == 0x0800) largest = std::max(largest, frame.size());
  };
  std::vector<uint8_t> data(20000, 1);
  ASSERT_EQ(net_send(big->stack, client, data.data(), data.size()), long(data.size()));
  small.RunFor(10 * kSecond);
  EXPECT_EQ(largest, 14u + 576u) << "536-byte segments (576 - 40)";
  uint8_t buffer[32768];
  EXPECT_EQ(net_recv(tiny->stack, server, buffer, sizeof(buffer)), long(data.size()));
}

TEST_F(TcpConnection, NagleCoalescesSmallWritesAndNoDelayDoesNot) {
  auto [client, server] = Connect();
  uint64_t before = Counter(a, NET_TCP_SEGMENTS_OUT);
  for (int i = 0; i < 10; i++) ASSERT_EQ(Send(a, client, "y"), 1);
  uint64_t nagle = Counter(a, NET_TCP_SEGMENTS_OUT) - before;
  EXPECT_EQ(nagle, 1u);  // the rest wait for the first one's ACK
  link.RunFor(kSecond);
  EXPECT_EQ(ReceiveAll(b, server), "yyyyyyyyyy");
  ASSERT_EQ(net_setsockopt(a->stack, client, NET_TCP_NODELAY, 1), NET_OK);
  before = Counter(a, NET_TCP_SEGMENTS_OUT);
  for (int i = 0; i < 10; i++) ASSERT_EQ(Send(a, client, "z"), 1);
  EXPECT_EQ(Counter(a, NET_TCP_SEGMENTS_OUT) - before, 10u);
}

TEST_F(TcpConnection, TimeWaitHoldsThePortUnlessReuseAddr) {
  int listener = Listen(b, 80);
  int client = StartConnect(a, b, 80);
  int server = NET_EAGAIN;
  ASSERT_TRUE(link.RunUntil(
      [&] {
        if (server < 0) server = net_accept(b->stack, listener, nullptr);
        return server >= 0;
      },
      60 * kSecond));
  ASSERT_EQ(net_close(b->stack, listener), NET_OK);
  ASSERT_EQ(net_close(b->stack, server), NET_OK);  // the server closes first
  link.RunFor(kSecond);
  ASSERT_EQ(net_close(a->stack, client), NET_OK);
  link.RunFor(kSecond);
  int again = net_socket(b->stack, NET_SOCK_STREAM);
  net_endpoint local = {0, 80};
  EXPECT_EQ(net_bind(b->stack, again, &local), NET_EADDRINUSE);
  ASSERT_EQ(net_setsockopt(b->stack, again, NET_SO_REUSEADDR, 1), NET_OK);
  EXPECT_EQ(net_bind(b->stack, again, &local), NET_OK);
}

}  // namespace
}  // namespace netd_test
