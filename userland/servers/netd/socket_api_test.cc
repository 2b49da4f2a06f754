// The socket API's contract: every entry point refuses bad handles and bad
// arguments with the POSIX-named error, stale handles stay dead, limits
// hold; UDP and ping between two stacks.
#include <gtest/gtest.h>

#include <vector>

#include "userland/servers/netd/tcp_pair.h"

namespace netd_test {
namespace {

class SocketApi : public TcpPair {};

TEST_F(SocketApi, EveryEntryPointRejectsABadHandle) {
  netstack* s = a->stack;
  char buffer[4];
  net_endpoint ep = {b->addr, 80};
  int value = 0;
  for (int bad : {-1, 0, 12345, 1 << 20}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(net_bind(s, bad, &ep), NET_EBADF);
    EXPECT_EQ(net_listen(s, bad, 1), NET_EBADF);
    EXPECT_EQ(net_accept(s, bad, nullptr), NET_EBADF);
    EXPECT_EQ(net_connect(s, bad, &ep), NET_EBADF);
    EXPECT_EQ(net_send(s, bad, buffer, 1), NET_EBADF);
    EXPECT_EQ(net_recv(s, bad, buffer, 1), NET_EBADF);
    EXPECT_EQ(net_sendto(s, bad, buffer, 1, &ep), NET_EBADF);
    EXPECT_EQ(net_recvfrom(s, bad, buffer, 1, nullptr), NET_EBADF);
    EXPECT_EQ(net_shutdown(s, bad, NET_SHUT_WR), NET_EBADF);
    EXPECT_EQ(net_close(s, bad), NET_EBADF);
    EXPECT_EQ(net_setsockopt(s, bad, NET_SO_REUSEADDR, 1), NET_EBADF);
    EXPECT_EQ(net_getsockopt(s, bad, NET_SO_REUSEADDR, &value), NET_EBADF);
    EXPECT_EQ(net_getsockname(s, bad, &ep), NET_EBADF);
    EXPECT_EQ(net_getpeername(s, bad, &ep), NET_EBADF);
    EXPECT_EQ(net_poll(s, bad), NET_EBADF);
    EXPECT_EQ(net_tcp_state(s, bad), NET_EBADF);
  }
  EXPECT_EQ(net_socket(nullptr, NET_SOCK_STREAM), NET_EINVAL);
  EXPECT_EQ(net_poll(nullptr, 0), NET_EBADF);
}

TEST_F(SocketApi, AClosedHandleStaysDeadAfterItsSlotIsReused) {
  int first = net_socket(a->stack, NET_SOCK_DGRAM);
  ASSERT_GE(first, 0);
  ASSERT_EQ(net_close(a->stack, first), NET_OK);
  int second = net_socket(a->stack, NET_SOCK_DGRAM);
  ASSERT_GE(second, 0);
  EXPECT_NE(first, second);
  EXPECT_EQ(net_poll(a->stack, first), NET_EBADF);
  EXPECT_EQ(net_close(a->stack, first), NET_EBADF);
  EXPECT_GE(net_poll(a->stack, second), 0);
}

TEST_F(SocketApi, BadArgumentsAreRefused) {
  netstack* s = a->stack;
  EXPECT_EQ(net_socket(s, 3), NET_EPROTOTYPE);
  int tcp = net_socket(s, NET_SOCK_STREAM);
  int udp = net_socket(s, NET_SOCK_DGRAM);
  char buffer[4];
  EXPECT_EQ(net_bind(s, tcp, nullptr), NET_EINVAL);
  net_endpoint foreign = {0x0a000063, 80};
  EXPECT_EQ(net_bind(s, tcp, &foreign), NET_EADDRNOTAVAIL);
  net_endpoint local = {0, 7000};
  ASSERT_EQ(net_bind(s, tcp, &local), NET_OK);
  EXPECT_EQ(net_bind(s, tcp, &local), NET_EINVAL);  // bound already
  int other = net_socket(s, NET_SOCK_STREAM);
  EXPECT_EQ(net_bind(s, other, &local), NET_EADDRINUSE);
  EXPECT_EQ(net_listen(s, udp, 1), NET_EOPNOTSUPP);
  EXPECT_EQ(net_accept(s, tcp, nullptr), NET_EINVAL);  // not listening
  EXPECT_EQ(net_accept(s, udp, nullptr), NET_EOPNOTSUPP);
  net_endpoint port_zero = {b->addr, 0}, addr_zero = {0, 80}, broadcast = {0xffffffff, 80};
  EXPECT_EQ(net_connect(s, tcp, nullptr), NET_EINVAL);
  EXPECT_EQ(net_connect(s, tcp, &port_zero), NET_EINVAL);
  EXPECT_EQ(net_connect(s, tcp, &addr_zero), NET_EINVAL);
  EXPECT_EQ(net_connect(s, tcp, &broadcast), NET_EINVAL);
  EXPECT_EQ(net_send(s, tcp, buffer, 1), NET_ENOTCONN);
  EXPECT_EQ(net_send(s, tcp, nullptr, 1), NET_EINVAL);
  EXPECT_EQ(net_recv(s, tcp, buffer, 1), NET_ENOTCONN);
  EXPECT_EQ(net_recv(s, tcp, nullptr, 1), NET_EINVAL);
  EXPECT_EQ(net_shutdown(s, tcp, 7), NET_EINVAL);
  EXPECT_EQ(net_shutdown(s, tcp, NET_SHUT_WR), NET_ENOTCONN);
  net_endpoint ep;
  EXPECT_EQ(net_getpeername(s, tcp, &ep), NET_ENOTCONN);
  EXPECT_EQ(net_getpeername(s, tcp, nullptr), NET_EINVAL);
  EXPECT_EQ(net_getsockname(s, tcp, nullptr), NET_EINVAL);
  EXPECT_EQ(net_sendto(s, udp, buffer, 1, nullptr), NET_ENOTCONN);
  EXPECT_EQ(net_sendto(s, udp, buffer, 1, &port_zero), NET_EINVAL);
  std::vector<uint8_t> huge(1500);
  net_endpoint to_b = {b->addr, 53};
  EXPECT_EQ(net_sendto(s, udp, huge.data(), huge.size(), &to_b), NET_EMSGSIZE);
  EXPECT_EQ(net_recvfrom(s, udp, buffer, 1, nullptr), NET_EAGAIN);
}

TEST_F(SocketApi, OptionsAreCheckedAndKeepAliveStaysOff) {
  netstack* s = a->stack;
  int tcp = net_socket(s, NET_SOCK_STREAM);
  int udp = net_socket(s, NET_SOCK_DGRAM);
  int value = -1;
  ASSERT_EQ(net_getsockopt(s, tcp, NET_SO_KEEPALIVE, &value), NET_OK);
  EXPECT_EQ(value, 0);
  EXPECT_EQ(net_setsockopt(s, tcp, NET_SO_KEEPALIVE, 1), NET_ENOPROTOOPT);
  EXPECT_EQ(net_setsockopt(s, tcp, NET_SO_KEEPALIVE, 0), NET_OK);
  EXPECT_EQ(net_setsockopt(s, tcp, 999, 1), NET_ENOPROTOOPT);
  EXPECT_EQ(net_getsockopt(s, tcp, 999, &value), NET_ENOPROTOOPT);
  EXPECT_EQ(net_getsockopt(s, tcp, NET_SO_RCVBUF, nullptr), NET_EINVAL);
  EXPECT_EQ(net_setsockopt(s, tcp, NET_SO_RCVBUF, 100), NET_EINVAL);
  EXPECT_EQ(net_setsockopt(s, tcp, NET_SO_SNDBUF, 64 << 20), NET_EINVAL);
  EXPECT_EQ(net_setsockopt(s, udp, NET_TCP_NODELAY, 1), NET_ENOPROTOOPT);
  ASSERT_EQ(net_setsockopt(s, tcp, NET_SO_SNDBUF, 8192), NET_OK);
  ASSERT_EQ(net_getsockopt(s, tcp, NET_SO_SNDBUF, &value), NET_OK);
  EXPECT_EQ(value, 8192);
  ASSERT_EQ(net_setsockopt(s, tcp, NET_TCP_NODELAY, 1), NET_OK);
  ASSERT_EQ(net_getsockopt(s, tcp, NET_TCP_NODELAY, &value), NET_OK);
  EXPECT_EQ(value, 1);
}

TEST_F(SocketApi, TheSocketTableIsBounded) {
  std::vector<int> handles;
  int h;
  while ((h = net_socket(a->stack, NET_SOCK_DGRAM)) >= 0) handles.push_back(h);
  EXPECT_EQ(h, NET_EMFILE);
  EXPECT_EQ(handles.size(), size_t(NET_MAX_SOCKETS));
  ASSERT_EQ(net_close(a->stack, handles.back()), NET_OK);
  EXPECT_GE(net_socket(a->stack, NET_SOCK_DGRAM), 0);
}

TEST_F(SocketApi, UdpDatagramsTravelBetweenStacks) {
  int server = net_socket(b->stack, NET_SOCK_DGRAM);
  net_endpoint local = {0, 53};
  ASSERT_EQ(net_bind(b->stack, server, &local), NET_OK);
  int client = net_socket(a->stack, NET_SOCK_DGRAM);
  net_endpoint to_b = {b->addr, 53};
  ASSERT_EQ(net_sendto(a->stack, client, "question", 8, &to_b), 8);
  link.RunFor(kSecond);
  ASSERT_EQ(net_poll(b->stack, server) & NET_POLL_READABLE, NET_POLL_READABLE);
  char buffer[32];
  net_endpoint from;
  ASSERT_EQ(net_recvfrom(b->stack, server, buffer, sizeof(buffer), &from), 8);
  EXPECT_EQ(std::string(buffer, 8), "question");
  EXPECT_EQ(from.addr, a->addr);
  ASSERT_EQ(net_sendto(b->stack, server, "answer", 6, &from), 6);
  link.RunFor(kSecond);
  ASSERT_EQ(net_recvfrom(a->stack, client, buffer, 3, nullptr), 3);  // truncated
  EXPECT_EQ(std::string(buffer, 3), "ans");
  EXPECT_EQ(net_recvfrom(a->stack, client, buffer, 3, nullptr), NET_EAGAIN);
}

TEST_F(SocketApi, ConnectedUdpTakesOnlyItsPeer) {
  int server = net_socket(b->stack, NET_SOCK_DGRAM);
  net_endpoint local = {0, 5353};
  ASSERT_EQ(net_bind(b->stack, server, &local), NET_OK);
  net_endpoint only = {a->addr, 9999};
  ASSERT_EQ(net_connect(b->stack, server, &only), NET_OK);
  int client = net_socket(a->stack, NET_SOCK_DGRAM);
  net_endpoint to_b = {b->addr, 5353};
  ASSERT_EQ(net_sendto(a->stack, client, "x", 1, &to_b), 1);  // from an ephemeral port
  link.RunFor(kSecond);
  char byte;
  EXPECT_EQ(net_recv(b->stack, server, &byte, 1), NET_EAGAIN);
  EXPECT_EQ(netstack_drops(b->stack, NET_DROP_UDP_NO_SOCKET), 1u);
  EXPECT_EQ(net_sendto(b->stack, server, "x", 1, &only), NET_EISCONN);
}

TEST_F(SocketApi, PingIsAnsweredAcrossTheLink) {
  ASSERT_EQ(net_ping(a->stack, b->addr, 42, 1, "abc", 3), NET_OK);
  link.RunFor(kSecond);
  uint32_t from;
  uint16_t id, sequence;
  ASSERT_TRUE(net_last_echo_reply(a->stack, &from, &id, &sequence));
  EXPECT_EQ(from, b->addr);
  EXPECT_EQ(id, 42);
  EXPECT_EQ(sequence, 1);
}

TEST_F(SocketApi, SocketListShowsEverySocketIncludingOrphans) {
  int udp = net_socket(b->stack, NET_SOCK_DGRAM);
  net_endpoint dns = {0, 53};
  ASSERT_EQ(net_bind(b->stack, udp, &dns), NET_OK);
  auto [client, server] = Connect();
  ASSERT_EQ(net_send(a->stack, client, "abc", 3), 3);
  link.RunFor(kSecond);
  ASSERT_EQ(net_close(b->stack, server), NET_OK);  // unread data: reset, gone at once
  ASSERT_EQ(net_shutdown(a->stack, client, NET_SHUT_WR), NET_OK);
  std::vector<net_socket_info> seen;
  int position = 0;
  net_socket_info info;
  while (net_socket_next(b->stack, &position, &info)) seen.push_back(info);
  ASSERT_EQ(seen.size(), 1u);  // the UDP socket; the listener closed in Connect()
  EXPECT_EQ(seen[0].type, NET_SOCK_DGRAM);
  EXPECT_EQ(seen[0].local.port, 53);
  EXPECT_TRUE(seen[0].has_handle);
  seen.clear();
  position = 0;
  while (net_socket_next(a->stack, &position, &info)) seen.push_back(info);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].type, NET_SOCK_STREAM);
  EXPECT_EQ(seen[0].remote.addr, b->addr);
  EXPECT_EQ(seen[0].remote.port, 80);
  EXPECT_FALSE(net_socket_next(a->stack, &position, &info));
  position = -1;
  EXPECT_FALSE(net_socket_next(a->stack, &position, &info));
  EXPECT_FALSE(net_socket_next(nullptr, &position, &info));
}

TEST_F(SocketApi, UnconfiguredStackCannotConnect) {
  ASSERT_EQ(netstack_set_address(a->stack, 0, 0, 0), NET_OK);
  int tcp = net_socket(a->stack, NET_SOCK_STREAM);
  net_endpoint to_b = {b->addr, 80};
  EXPECT_EQ(net_connect(a->stack, tcp, &to_b), NET_ENETUNREACH);
}

}  // namespace
}  // namespace netd_test
