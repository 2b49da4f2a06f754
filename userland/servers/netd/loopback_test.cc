// Loopback: 127.0.0.0/8 and the interface's own address deliver inside
// the stack, never on the wire, so two sockets of one stack (two
// processes of one machine, through netd) talk TCP, UDP and ICMP; and
// loopback addresses arriving from the wire are dropped.
#include <gtest/gtest.h>

#include <string>

#include "userland/servers/netd/tcp_pair.h"
#include "userland/servers/netd/test_frames.h"

namespace netd_test {
namespace {

constexpr uint32_t kLoopback = 0x7f000001;

class Loopback : public TcpPair {
 protected:
  // Connects a's client to a's own listener at `addr`: the client's and
  // the accepted handle.
  void Connect(uint32_t addr, uint16_t port, int* client, int* server) {
    int listener = Listen(a, port);
    *client = net_socket(a->stack, NET_SOCK_STREAM);
    net_endpoint remote = {addr, port};
    ASSERT_EQ(net_connect(a->stack, *client, &remote), NET_EINPROGRESS);
    *server = -1;
    ASSERT_TRUE(link.RunUntil(
        [&] { return (*server = net_accept(a->stack, listener, nullptr)) >= 0; }, kSecond));
    ASSERT_TRUE(
        link.RunUntil([&] { return net_poll(a->stack, *client) & NET_POLL_WRITABLE; }, kSecond));
  }
};

TEST_F(Loopback, TcpTo127001StaysOffTheWire) {
  const uint64_t frames = link.frames_sent();
  int client, server;
  Connect(kLoopback, 7000, &client, &server);
  ASSERT_EQ(net_send(a->stack, client, "over", 4), 4);
  char buffer[8] = {};
  ASSERT_TRUE(link.RunUntil([&] { return net_recv(a->stack, server, buffer, 8) == 4; }, kSecond));
  EXPECT_STREQ(buffer, "over");
  net_endpoint local, peer;
  ASSERT_EQ(net_getsockname(a->stack, client, &local), NET_OK);
  ASSERT_EQ(net_getpeername(a->stack, server, &peer), NET_OK);
  EXPECT_EQ(local.addr, kLoopback);
  EXPECT_EQ(peer.addr, kLoopback);
  EXPECT_EQ(peer.port, local.port);
  EXPECT_EQ(link.frames_sent(), frames) << "nothing reached the link";
  EXPECT_GT(netstack_counter(a->stack, NET_LOOPBACK_PACKETS), 0u);
}

TEST_F(Loopback, TcpToTheInterfacesOwnAddressToo) {
  const uint64_t frames = link.frames_sent();
  int client, server;
  Connect(a->addr, 7001, &client, &server);
  // A megabyte through it, checked.
  std::string sent, got;
  for (int i = 0; i < (1 << 20); ++i) sent.push_back(char(StreamByte(3, uint64_t(i))));
  size_t pushed = 0;
  ASSERT_TRUE(link.RunUntil(
      [&] {
        if (pushed < sent.size()) {
          long n = net_send(a->stack, client, sent.data() + pushed, sent.size() - pushed);
          if (n > 0) pushed += size_t(n);
        }
        char buffer[65536];
        long n;
        while ((n = net_recv(a->stack, server, buffer, sizeof(buffer))) > 0) got.append(buffer, n);
        return got.size() == sent.size();
      },
      60 * kSecond));
  EXPECT_TRUE(got == sent);
  EXPECT_EQ(link.frames_sent(), frames);
}

TEST_F(Loopback, UdpAndPingLoopBack) {
  int receiver = net_socket(a->stack, NET_SOCK_DGRAM);
  net_endpoint at = {kLoopback, 5353};
  ASSERT_EQ(net_bind(a->stack, receiver, &at), NET_OK);
  int sender = net_socket(a->stack, NET_SOCK_DGRAM);
  ASSERT_EQ(net_sendto(a->stack, sender, "dgram", 5, &at), 5);
  char buffer[8] = {};
  net_endpoint from;
  ASSERT_TRUE(link.RunUntil([&] { return net_recvfrom(a->stack, receiver, buffer, 8, &from) == 5; },
                            kSecond));
  EXPECT_STREQ(buffer, "dgram");
  EXPECT_EQ(from.addr, kLoopback);
  ASSERT_EQ(net_ping(a->stack, kLoopback, 1, 2, "p", 1), NET_OK);
  uint32_t echo_from = 0;
  ASSERT_TRUE(link.RunUntil(
      [&] { return net_last_echo_reply(a->stack, &echo_from, nullptr, nullptr); }, kSecond));
  EXPECT_EQ(echo_from, kLoopback);
}

TEST_F(Loopback, WorksBeforeTheInterfaceHasAnAddress) {
  ASSERT_EQ(netstack_set_address(a->stack, 0, 0, 0), NET_OK);
  int client, server;
  Connect(kLoopback, 7002, &client, &server);
  EXPECT_GE(server, 0);
}

TEST_F(Loopback, LoopbackAddressesFromTheWireAreDropped) {
  // A datagram at a's MAC for 127.0.0.1, from b: forged, never taken,
  // even while a has no address (when it takes anything for its MAC).
  int receiver = net_socket(a->stack, NET_SOCK_DGRAM);
  net_endpoint at = {0, 5354};
  ASSERT_EQ(net_bind(a->stack, receiver, &at), NET_OK);
  for (uint32_t addr : {a->addr, 0u}) {
    ASSERT_EQ(netstack_set_address(a->stack, addr, addr ? 0xffffff00 : 0, 0), NET_OK);
    const uint64_t before = netstack_drops(a->stack, NET_DROP_IP_NOT_FOR_US);
    Bytes frame = Ethernet(a->mac, b->mac, 0x0800,
                           Ipv4(b->addr, kLoopback, 17, Udp(b->addr, kLoopback, 9, 5354, {'x'})));
    link.Inject(a->index, frame);
    char buffer[4];
    EXPECT_EQ(net_recvfrom(a->stack, receiver, buffer, 4, nullptr), NET_EAGAIN);
    EXPECT_EQ(netstack_drops(a->stack, NET_DROP_IP_NOT_FOR_US), before + 1);
  }
}

}  // namespace
}  // namespace netd_test
