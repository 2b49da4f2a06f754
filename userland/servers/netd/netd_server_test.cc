// netd_server's contract (<viperdos/net_protocol.h>): a client on
// in-memory channels drives netd's stack (host a) against a peer stack
// (host b) on a simulated link: connect, accept, data both ways, close,
// errors reaching the reader, flow control per socket, UDP, the service
// calls, and every kind of malformed request answered, never trusted.
#include "userland/servers/netd/netd_server.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "userland/servers/netd/fake_channels.h"
#include "userland/servers/netd/tcp_pair.h"
#include "viperdos/net_protocol.h"

namespace netd_test {
namespace {

viper_net_request Req(uint32_t op, int64_t value = 0, uint32_t addr = 0, uint16_t port = 0,
                      uint32_t option = 0) {
  viper_net_request r = {};
  r.op = op;
  r.option = option;
  r.value = value;
  r.addr = addr;
  r.port = port;
  return r;
}

// A socket as libc holds it: the client's ends of its two channels.
struct ClientSocket {
  uint64_t control = 0;
  uint64_t data = 0;
};

class NetdServer : public TcpPair {
 protected:
  void SetUp() override {
    io = channels.Io();
    server = netd_server_create(a->stack, &io);
    ASSERT_NE(server, nullptr);
    uint64_t ends[2];
    channels.Create(ends);
    ASSERT_EQ(netd_server_add_service(server, ends[0]), 0);
    service = ends[1];
  }
  void TearDown() override { netd_server_destroy(server); }

  // Runs the link and the server until `done` (simulated time).
  bool Run(const std::function<bool()>& done, uint64_t limit = 10 * kSecond) {
    return link.RunUntil(
        [&] {
          while (channels.Serve(server, link.now()) > 0) {
          }
          return done();
        },
        limit);
  }
  void Settle() {
    Run([] { return false; }, kSecond / 2);
  }

  // One request and its reply, as libc's call() would see them.
  viper_net_reply Call(uint64_t channel, viper_net_request r, FakeMessage* whole = nullptr) {
    EXPECT_EQ(channels.Write(channel, &r, sizeof(r), nullptr, 0), 0);
    return AwaitReply(channel, whole);
  }
  viper_net_reply AwaitReply(uint64_t channel, FakeMessage* whole = nullptr) {
    FakeMessage m;
    EXPECT_TRUE(Run([&] { return channels.Take(channel, &m); }));
    viper_net_reply reply = {};
    EXPECT_GE(m.bytes.size(), sizeof(reply));
    if (m.bytes.size() >= sizeof(reply)) std::memcpy(&reply, m.bytes.data(), sizeof(reply));
    if (whole) *whole = m;
    return reply;
  }

  ClientSocket Socket(int type) {
    FakeMessage m;
    viper_net_reply reply = Call(service, Req(VIPER_NET_SOCKET, type, 0, 0, 0), &m);
    EXPECT_EQ(reply.status, 0);
    EXPECT_EQ(m.handles.size(), 2u);
    if (m.handles.size() != 2) return {};
    return {m.handles[0], m.handles[1]};
  }

  void Send(uint64_t data, uint8_t tag, const std::string& bytes) {
    std::vector<uint8_t> m(1, tag);
    m.insert(m.end(), bytes.begin(), bytes.end());
    ASSERT_EQ(channels.Write(data, m.data(), m.size(), nullptr, 0), 0);
  }

  // The next data-channel message (waiting for it).
  FakeMessage Next(uint64_t data) {
    FakeMessage m;
    EXPECT_TRUE(Run([&] { return channels.Take(data, &m); }));
    return m;
  }
  int32_t Status(const FakeMessage& m) {
    int32_t status = 1;
    if (m.bytes.size() == 5) std::memcpy(&status, m.bytes.data() + 1, 4);
    return status;
  }

  // A connected client socket (a -> b:port) and b's accepted handle.
  ClientSocket Connected(uint16_t port, int* accepted) {
    int listener = Listen(b, port);
    ClientSocket c = Socket(NET_SOCK_STREAM);
    viper_net_reply r = Call(c.control, Req(VIPER_NET_CONNECT, 0, b->addr, port, 0));
    EXPECT_EQ(r.status, -EINPROGRESS);
    FakeMessage m = Next(c.data);
    EXPECT_EQ(m.bytes[0], VIPER_NET_CONNECTED);
    EXPECT_EQ(Status(m), 0);
    *accepted = -1;
    EXPECT_TRUE(Run([&] { return (*accepted = net_accept(b->stack, listener, nullptr)) >= 0; }));
    return c;
  }

  // Bytes of DATA messages on `data` until `size` arrived or EOF.
  std::string ReadStream(uint64_t data, size_t size, bool* eof = nullptr) {
    std::string got;
    Run([&] {
      FakeMessage m;
      while (channels.Take(data, &m)) {
        if (m.bytes[0] == VIPER_NET_EOF) {
          if (eof) *eof = true;
          return true;
        }
        if (m.bytes[0] == VIPER_NET_DATA) got.append(m.bytes.begin() + 1, m.bytes.end());
      }
      return got.size() >= size;
    });
    return got;
  }

  FakeChannels channels;
  netd_io io;
  netd_server* server = nullptr;
  uint64_t service = 0;
};

TEST_F(NetdServer, AConnectEndsWithAConnectedMessageAndBytesFlowBothWays) {
  int peer;
  ClientSocket c = Connected(80, &peer);
  Send(c.data, VIPER_NET_DATA, "hello");
  char buffer[16] = {};
  ASSERT_TRUE(Run([&] { return net_recv(b->stack, peer, buffer, sizeof(buffer)) == 5; }));
  EXPECT_STREQ(buffer, "hello");
  ASSERT_EQ(net_send(b->stack, peer, "world", 5), 5);
  EXPECT_EQ(ReadStream(c.data, 5), "world");
  // The peer closes: the reader sees EOF.
  ASSERT_EQ(net_shutdown(b->stack, peer, NET_SHUT_WR), NET_OK);
  bool eof = false;
  ReadStream(c.data, 1, &eof);
  EXPECT_TRUE(eof);
}

TEST_F(NetdServer, AListenerPushesEachConnectionAcceptedWithItsPeer) {
  ClientSocket l = Socket(NET_SOCK_STREAM);
  EXPECT_EQ(Call(l.control, Req(VIPER_NET_BIND, 0, 0, 8080, 0)).status, 0);
  EXPECT_EQ(Call(l.control, Req(VIPER_NET_LISTEN, 4, 0, 0, 0)).status, 0);
  int s = StartConnect(b, a, 8080);
  FakeMessage m = Next(l.data);
  ASSERT_EQ(m.bytes.size(), 1 + sizeof(viper_net_datagram));
  EXPECT_EQ(m.bytes[0], VIPER_NET_CONNECTION);
  viper_net_datagram peer;
  std::memcpy(&peer, m.bytes.data() + 1, sizeof(peer));
  EXPECT_EQ(peer.addr, b->addr);
  ASSERT_EQ(m.handles.size(), 2u);
  const ClientSocket accepted = {m.handles[0], m.handles[1]};
  viper_net_reply name = Call(accepted.control, Req(VIPER_NET_GETSOCKNAME, 0, 0, 0, 0));
  EXPECT_EQ(name.status, 0);
  EXPECT_EQ(name.addr, a->addr);
  EXPECT_EQ(name.port, 8080);
  ASSERT_TRUE(Run([&] { return net_poll(b->stack, s) & NET_POLL_WRITABLE; }));
  ASSERT_EQ(net_send(b->stack, s, "ping", 4), 4);
  EXPECT_EQ(ReadStream(accepted.data, 4), "ping");
  Send(accepted.data, VIPER_NET_DATA, "pong");
  char buffer[8] = {};
  EXPECT_TRUE(Run([&] { return net_recv(b->stack, s, buffer, sizeof(buffer)) == 4; }));
  EXPECT_STREQ(buffer, "pong");
}

TEST_F(NetdServer, ARefusedConnectReachesTheClientAsEconnrefused) {
  ClientSocket c = Socket(NET_SOCK_STREAM);
  EXPECT_EQ(Call(c.control, Req(VIPER_NET_CONNECT, 0, b->addr, 9, 0)).status, -EINPROGRESS);
  FakeMessage m = Next(c.data);
  EXPECT_EQ(m.bytes[0], VIPER_NET_CONNECTED);
  EXPECT_EQ(Status(m), -ECONNREFUSED);
}

TEST_F(NetdServer, AResetReachesTheReaderAndThenTheChannelCloses) {
  int peer;
  ClientSocket c = Connected(81, &peer);
  Send(c.data, VIPER_NET_DATA, "unread");
  ASSERT_TRUE(Run([&] { return net_poll(b->stack, peer) & NET_POLL_READABLE; }));
  ASSERT_EQ(net_close(b->stack, peer), NET_OK);  // unread data: a RST (RFC 2525)
  FakeMessage m = Next(c.data);
  EXPECT_EQ(m.bytes[0], VIPER_NET_ERROR);
  EXPECT_EQ(Status(m), -ECONNRESET);
  EXPECT_TRUE(channels.PeerClosed(c.data));
  // The control channel now names nothing.
  EXPECT_EQ(Call(c.control, Req(VIPER_NET_GETPEERNAME, 0, 0, 0, 0)).status, -EBADF);
}

TEST_F(NetdServer, ClosingTheChannelsSendsWhatWasQueuedThenFin) {
  int peer;
  ClientSocket c = Connected(82, &peer);
  std::string sent;
  for (int i = 0; i < 6; ++i) {
    const std::string chunk(1000, char('a' + i));
    Send(c.data, VIPER_NET_DATA, chunk);
    sent += chunk;
  }
  channels.Close(c.data);
  channels.Close(c.control);
  std::string got;
  bool eof = false;
  Run([&] {
    char buffer[4096];
    long n;
    while ((n = net_recv(b->stack, peer, buffer, sizeof(buffer))) > 0) got.append(buffer, n);
    eof = n == 0;
    return eof;
  });
  EXPECT_TRUE(eof);
  EXPECT_EQ(got, sent);
  Settle();
  struct netd_server_stats stats;
  netd_server_stats(server, &stats);
  EXPECT_EQ(stats.sockets, 0);
  EXPECT_EQ(stats.controls, 0);
}

TEST_F(NetdServer, AHolderThatDiscardedBytesLeavesWithAReset) {
  int peer;
  ClientSocket c = Connected(86, &peer);
  ASSERT_EQ(net_send(b->stack, peer, "never read", 10), 10);
  FakeMessage m = Next(c.data);  // netd delivered it; the client drops it
  EXPECT_EQ(m.bytes[0], VIPER_NET_DATA);
  Send(c.data, VIPER_NET_DISCARDED, "");
  channels.Close(c.data);
  channels.Close(c.control);
  char buffer[4];
  ASSERT_TRUE(Run([&] { return net_recv(b->stack, peer, buffer, 4) == NET_ECONNRESET; }));
}

TEST_F(NetdServer, AClientThatStopsReadingStallsOnlyItsOwnSocket) {
  int slow_peer, fast_peer;
  ClientSocket slow = Connected(83, &slow_peer);
  ClientSocket fast = Connected(84, &fast_peer);
  // The slow reader's queue fills, then its window: the peer stops.
  std::vector<char> block(64 * 1024, 'x');
  size_t pushed = 0;
  Run(
      [&] {
        long n = net_send(b->stack, slow_peer, block.data(), block.size());
        if (n > 0) pushed += size_t(n);
        return false;
      },
      2 * kSecond);
  EXPECT_EQ(channels.Queued(slow.data), channels.capacity);
  EXPECT_GT(pushed, 0u);
  // The other socket still moves.
  ASSERT_EQ(net_send(b->stack, fast_peer, "quick", 5), 5);
  EXPECT_EQ(ReadStream(fast.data, 5), "quick");
  // Reading resumes the slow one: every byte arrives.
  std::string got = ReadStream(slow.data, pushed);
  EXPECT_EQ(got.size(), pushed);
}

TEST_F(NetdServer, UdpDatagramsCarryTheirFarEnd) {
  ClientSocket u = Socket(NET_SOCK_DGRAM);
  EXPECT_EQ(Call(u.control, Req(VIPER_NET_BIND, 0, 0, 5000, 0)).status, 0);
  int peer = net_socket(b->stack, NET_SOCK_DGRAM);
  net_endpoint at = {0, 6000};
  ASSERT_EQ(net_bind(b->stack, peer, &at), NET_OK);
  std::vector<uint8_t> m = {VIPER_NET_DATAGRAM};
  viper_net_datagram to = {b->addr, 6000, 0};
  m.insert(m.end(), reinterpret_cast<uint8_t*>(&to), reinterpret_cast<uint8_t*>(&to + 1));
  m.insert(m.end(), {'h', 'i'});
  ASSERT_EQ(channels.Write(u.data, m.data(), m.size(), nullptr, 0), 0);
  char buffer[8] = {};
  net_endpoint from;
  ASSERT_TRUE(Run([&] { return net_recvfrom(b->stack, peer, buffer, 8, &from) == 2; }));
  EXPECT_STREQ(buffer, "hi");
  EXPECT_EQ(from.addr, a->addr);
  EXPECT_EQ(from.port, 5000);
  ASSERT_EQ(net_sendto(b->stack, peer, "yo", 2, &from), 2);
  FakeMessage reply = Next(u.data);
  ASSERT_EQ(reply.bytes.size(), 1 + sizeof(viper_net_datagram) + 2);
  EXPECT_EQ(reply.bytes[0], VIPER_NET_DATAGRAM);
  viper_net_datagram source;
  std::memcpy(&source, reply.bytes.data() + 1, sizeof(source));
  EXPECT_EQ(source.addr, b->addr);
  EXPECT_EQ(source.port, 6000);
}

TEST_F(NetdServer, ServiceCallsAnswerInterfaceCountersSocketsPingAndClone) {
  FakeMessage m;
  EXPECT_EQ(Call(service, Req(VIPER_NET_INTERFACE, 0, 0, 0, 0), &m).status, 0);
  ASSERT_EQ(m.bytes.size(), sizeof(viper_net_reply) + sizeof(struct viper_net_interface));
  viper_net_reply r = Call(service, Req(VIPER_NET_COUNTERS, 0, 0, 0, 0), &m);
  EXPECT_EQ(r.value, int(NET_COUNTER_COUNT) + int(NET_DROP_COUNT));
  viper_net_counter first;
  std::memcpy(&first, m.bytes.data() + sizeof(viper_net_reply), sizeof(first));
  EXPECT_STREQ(first.name, "frames_in");
  ClientSocket u = Socket(NET_SOCK_DGRAM);
  EXPECT_EQ(Call(u.control, Req(VIPER_NET_BIND, 0, 0, 53, 0)).status, 0);
  r = Call(service, Req(VIPER_NET_SOCKETS, 0, 0, 0, 0), &m);
  EXPECT_EQ(r.value, 1);
  r = Call(service, Req(VIPER_NET_PING, 56, b->addr, 7, 1000));
  EXPECT_EQ(r.status, 0);
  EXPECT_GT(r.value, 0);
  r = Call(service, Req(VIPER_NET_PING, 8, Ip(10, 0, 0, 77), 0, 100));
  EXPECT_EQ(r.status, -ETIMEDOUT);
  r = Call(service, Req(VIPER_NET_CLONE, 0, 0, 0, 0), &m);
  ASSERT_EQ(m.handles.size(), 1u);
  EXPECT_EQ(Call(m.handles[0], Req(VIPER_NET_INTERFACE, 0, 0, 0, 0)).status, 0);
  // A control channel's clone names the same socket.
  r = Call(u.control, Req(VIPER_NET_CLONE, 0, 0, 0, 0), &m);
  ASSERT_EQ(m.handles.size(), 1u);
  r = Call(m.handles[0], Req(VIPER_NET_GETSOCKNAME, 0, 0, 0, 0));
  EXPECT_EQ(r.port, 53);
}

TEST_F(NetdServer, MalformedRequestsAreAnsweredEinvalAndNetdGoesOn) {
  // Too short, unknown op, a bad socket type, a stray handle.
  const uint8_t junk[3] = {1, 2, 3};
  ASSERT_EQ(channels.Write(service, junk, sizeof(junk), nullptr, 0), 0);
  EXPECT_EQ(AwaitReply(service).status, -EINVAL);
  EXPECT_EQ(Call(service, Req(999, 0, 0, 0, 0)).status, -EINVAL);
  EXPECT_EQ(Call(service, Req(VIPER_NET_SOCKET, 7, 0, 0, 0)).status, -EINVAL);
  EXPECT_EQ(Call(service, Req(VIPER_NET_COUNTERS, -1, 0, 0, 0)).status, -EINVAL);
  EXPECT_EQ(Call(service, Req(VIPER_NET_PING, 0, 0, 0, 0)).status, -EINVAL);
  uint64_t stray[2];
  channels.Create(stray);
  viper_net_request r = Req(VIPER_NET_INTERFACE, 0, 0, 0, 0);
  ASSERT_EQ(channels.Write(service, &r, sizeof(r), &stray[0], 1), 0);
  EXPECT_EQ(AwaitReply(service).status, -EINVAL);
  EXPECT_TRUE(channels.PeerClosed(stray[1]));  // netd closed what it was sent

  // Control requests: bad ops, options, backlogs, a SHUT_WR out of order.
  ClientSocket c = Socket(NET_SOCK_STREAM);
  EXPECT_EQ(Call(c.control, Req(VIPER_NET_SOCKET, 0, 0, 0, 0)).status, -EINVAL);
  EXPECT_EQ(Call(c.control, Req(VIPER_NET_SETSOCKOPT, 0, 0, 0, 77)).status, -ENOPROTOOPT);
  EXPECT_EQ(Call(c.control, Req(VIPER_NET_GETSOCKOPT, 0, 0, 0, 0)).status, -ENOPROTOOPT);
  EXPECT_EQ(Call(c.control, Req(VIPER_NET_LISTEN, -5, 0, 0, 0)).status, -EINVAL);
  EXPECT_EQ(Call(c.control, Req(VIPER_NET_SHUTDOWN, 1, 0, 0, 0)).status, -EINVAL);
  EXPECT_EQ(Call(c.control, Req(VIPER_NET_CONNECT, 0, 0, 0, 0)).status, -EINVAL);
  EXPECT_EQ(Call(c.control, Req(VIPER_NET_GETPEERNAME, 0, 0, 0, 0)).status, -ENOTCONN);

  // Data-channel garbage is dropped and counted.
  Send(c.data, 99, "???");
  Send(c.data, VIPER_NET_DATAGRAM, "x");   // a datagram on a stream socket
  Send(c.data, VIPER_NET_DISCARDED, "!");  // a tag alone, with a payload
  ASSERT_EQ(channels.Write(c.data, nullptr, 0, nullptr, 0), 0);
  Settle();
  struct netd_server_stats stats;
  netd_server_stats(server, &stats);
  EXPECT_EQ(stats.bad_messages, 4u);
  EXPECT_GE(stats.bad_requests, 6u);

  // And it still serves.
  int peer;
  ClientSocket ok = Connected(85, &peer);
  Send(ok.data, VIPER_NET_DATA, "fine");
  char buffer[8] = {};
  EXPECT_TRUE(Run([&] { return net_recv(b->stack, peer, buffer, 8) == 4; }));
}

TEST_F(NetdServer, AClientThatNeverReadsRepliesLosesThemNotNetd) {
  viper_net_request r = Req(VIPER_NET_INTERFACE, 0, 0, 0, 0);
  for (size_t i = 0; i < channels.capacity + 4; ++i) {
    ASSERT_EQ(channels.Write(service, &r, sizeof(r), nullptr, 0), 0);
    Settle();
  }
  struct netd_server_stats stats;
  netd_server_stats(server, &stats);
  EXPECT_EQ(stats.lost_replies, 4u);
  EXPECT_EQ(channels.Queued(service), channels.capacity);
}

TEST_F(NetdServer, ClosingTheServiceConnectionFreesIt) {
  channels.Close(service);
  Settle();
  struct netd_server_stats stats;
  netd_server_stats(server, &stats);
  EXPECT_EQ(stats.services, 0);
}

}  // namespace
}  // namespace netd_test
