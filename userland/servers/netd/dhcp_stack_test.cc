// The DHCP client driving an unconfigured stack, as netd will: its
// messages go out over a UDP socket from 0.0.0.0:68 as broadcasts, a
// scripted server on another stack answers by broadcast, and the lease
// configures the stack, which can then ping the server.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "userland/servers/netd/dhcp.h"
#include "userland/servers/netd/sim_link.h"
#include "userland/servers/netd/wire.h"

namespace netd_test {
namespace {

constexpr uint64_t kSecond = 1'000'000'000ull;

// The server's answer to a client message: OFFER for DISCOVER, ACK for
// REQUEST, with the server at `server` leasing `offered`.
std::vector<uint8_t> Answer(const uint8_t* request, size_t size, uint32_t server,
                            uint32_t offered) {
  int type = 0;
  for (size_t i = 240; i + 2 < size && request[i] != 255; i += 2u + request[i + 1]) {
    if (request[i] == 53) type = request[i + 2];
  }
  std::vector<uint8_t> m(240, 0);
  m[0] = 2;
  m[1] = 1;
  m[2] = 6;
  std::memcpy(&m[4], request + 4, 4);     // xid
  std::memcpy(&m[28], request + 28, 16);  // chaddr
  wire_put32(&m[16], offered);
  wire_put32(&m[236], 0x63825363);
  uint8_t reply = type == 1 ? 2 : 5;
  std::vector<uint8_t> options = {53,  1,   reply, 54, 4,  0, 0, 0, 0,    1,    4,
                                  255, 255, 255,   0,  51, 4, 0, 0, 0x0e, 0x10, 255};
  wire_put32(&options[5], server);
  m.insert(m.end(), options.begin(), options.end());
  return m;
}

TEST(DhcpOverTheStack, AnUnconfiguredStackObtainsALeaseAndUsesIt) {
  SimLink link;
  SimHost* client_host = link.AddHost();
  SimHost* server_host = link.AddHost();
  netstack* client = client_host->stack;
  netstack* server = server_host->stack;
  ASSERT_EQ(netstack_set_address(client, 0, 0, 0), NET_OK);

  int server_socket = net_socket(server, NET_SOCK_DGRAM);
  net_endpoint port67 = {0, DHCP_SERVER_PORT};
  ASSERT_EQ(net_bind(server, server_socket, &port67), NET_OK);
  int client_socket = net_socket(client, NET_SOCK_DGRAM);
  net_endpoint port68 = {0, DHCP_CLIENT_PORT};
  ASSERT_EQ(net_bind(client, client_socket, &port68), NET_OK);

  dhcp_client dhcp;
  dhcp_init(&dhcp, client_host->mac, 0x1234, link.now());
  const uint32_t offered = Ip(10, 0, 0, 42);
  bool bound = false;
  // The client's timers are its own, not the stacks': the loop wakes
  // every 100 ms, as netd's would at dhcp_deadline.
  auto serve = [&] {
    uint8_t message[DHCP_MESSAGE_MAX];
    uint32_t dst;
    int event;
    size_t n = dhcp_poll(&dhcp, link.now(), message, &dst, &event);
    if (n > 0) {
      net_endpoint to = {dst, DHCP_SERVER_PORT};
      EXPECT_EQ(net_sendto(client, client_socket, message, n, &to), long(n));
    }
    uint8_t buffer[1024];
    net_endpoint from;
    long got;
    while ((got = net_recvfrom(server, server_socket, buffer, sizeof(buffer), &from)) > 0) {
      EXPECT_EQ(from.addr, 0u);  // the client has no address yet
      std::vector<uint8_t> reply = Answer(buffer, size_t(got), server_host->addr, offered);
      net_endpoint broadcast = {0xffffffff, DHCP_CLIENT_PORT};
      EXPECT_EQ(net_sendto(server, server_socket, reply.data(), reply.size(), &broadcast),
                long(reply.size()));
    }
    while ((got = net_recvfrom(client, client_socket, buffer, sizeof(buffer), nullptr)) > 0) {
      if (dhcp_input(&dhcp, link.now(), buffer, size_t(got)) == DHCP_EVENT_BOUND) {
        EXPECT_EQ(
            netstack_set_address(client, dhcp.lease.addr, dhcp.lease.netmask, dhcp.lease.router),
            NET_OK);
        bound = true;
      }
    }
  };
  for (int i = 0; i < 600 && !bound; i++) {
    serve();
    link.RunFor(kSecond / 10);
  }
  ASSERT_TRUE(bound);
  EXPECT_EQ(dhcp.lease.addr, offered);
  ASSERT_EQ(net_ping(client, server_host->addr, 9, 1, "hi", 2), NET_OK);
  link.RunFor(kSecond);
  uint32_t from = 0;
  ASSERT_TRUE(net_last_echo_reply(client, &from, nullptr, nullptr));
  EXPECT_EQ(from, server_host->addr);
}

}  // namespace
}  // namespace netd_test
