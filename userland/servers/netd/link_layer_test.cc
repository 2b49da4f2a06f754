// Ethernet and ARP: what reaches the stack, resolution, retries, timeouts
// and the bounded queue of packets waiting for an address.
#include <gtest/gtest.h>

#include "userland/servers/netd/one_stack.h"

namespace netd_test {
namespace {

using Ethernet_ = OneStack;
using Arp = OneStack;

Bytes ArpPacket(uint16_t op, const uint8_t* sender_mac, uint32_t sender, uint32_t target) {
  Bytes arp(28);
  Put16(arp, 0, 1);
  Put16(arp, 2, 0x0800);
  arp[4] = 6;
  arp[5] = 4;
  Put16(arp, 6, op);
  std::memcpy(&arp[8], sender_mac, 6);
  Put32(arp, 14, sender);
  Put32(arp, 24, target);
  return arp;
}

TEST(Checksum, Rfc1071ExampleSumsTo0xddf2) {
  // RFC 1071 section 3's example bytes: the one's-complement sum is ddf2.
  const uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(wire_checksum_finish(wire_sum(0, bytes, sizeof(bytes))), uint16_t(~0xddf2));
}

TEST(Checksum, OddLengthPadsWithZero) {
  const uint8_t odd[] = {0x12, 0x34, 0x56};
  const uint8_t even[] = {0x12, 0x34, 0x56, 0x00};
  EXPECT_EQ(wire_sum(0, odd, 3), wire_sum(0, even, 4));
}

TEST(Netstack, CreateRefusesBadConfigs) {
  netstack_config config = {};
  EXPECT_EQ(netstack_create(nullptr, 0), nullptr);
  EXPECT_EQ(netstack_create(&config, 0), nullptr);  // no callbacks
  config.send_frame = [](void*, const uint8_t*, size_t) {};
  config.random = [](void*) -> uint32_t { return 4; };
  config.mtu = 100;
  EXPECT_EQ(netstack_create(&config, 0), nullptr);  // MTU below 576
  config.mtu = 0;
  config.mac[0] = 1;
  EXPECT_EQ(netstack_create(&config, 0), nullptr);  // a multicast MAC
  config.mac[0] = 2;
  netstack* stack = netstack_create(&config, 0);
  ASSERT_NE(stack, nullptr);
  EXPECT_EQ(netstack_set_address(stack, 0x0a000001, 0xff00ff00, 0), NET_EINVAL);
  EXPECT_EQ(netstack_set_address(stack, 0x0a000001, 0xffffff00, 0x0b000001), NET_EINVAL);
  EXPECT_EQ(netstack_set_address(stack, 0x0a0000ff, 0xffffff00, 0), NET_EINVAL);
  EXPECT_EQ(netstack_set_address(stack, 0x0a000001, 0xffffff00, 0x0a0000fe), NET_OK);
  EXPECT_EQ(netstack_set_address(nullptr, 0, 0, 0), NET_EINVAL);
  netstack_destroy(stack);
}

TEST(Netstack, NullStacksAndBadCountersAreHarmless) {
  netstack_destroy(nullptr);
  netstack_input(nullptr, nullptr, 0);
  netstack_tick(nullptr, 5);
  EXPECT_EQ(netstack_next_deadline(nullptr), UINT64_MAX);
  EXPECT_EQ(netstack_counter(nullptr, NET_FRAMES_IN), 0u);
  EXPECT_EQ(netstack_drops(nullptr, NET_DROP_ETH_TRUNCATED), 0u);
  EXPECT_FALSE(net_last_echo_reply(nullptr, nullptr, nullptr, nullptr));
}

TEST_F(Ethernet_, CountersRefuseUnknownValues) {
  EXPECT_EQ(netstack_counter(stack, net_counter(NET_COUNTER_COUNT)), 0u);
  EXPECT_EQ(netstack_drops(stack, net_drop(-1)), 0u);
  netstack_input(stack, nullptr, 20);  // no bytes but a size: ignored
  EXPECT_EQ(Count(NET_FRAMES_IN), 0u);
}

TEST(Netstack, CounterNamesCoverEveryValue) {
  for (int i = 0; i < NET_COUNTER_COUNT; i++) EXPECT_NE(net_counter_name(net_counter(i)), nullptr);
  for (int i = 0; i < NET_DROP_COUNT; i++) EXPECT_NE(net_drop_name(net_drop(i)), nullptr);
  EXPECT_EQ(net_drop_name(NET_DROP_COUNT), nullptr);
  EXPECT_STREQ(net_drop_name(NET_DROP_TCP_BAD_CHECKSUM), "TCP_BAD_CHECKSUM");
}

TEST_F(Ethernet_, TruncatedFramesAreCounted) {
  Input(Bytes(13, 0));
  netstack_input(stack, nullptr, 0);
  EXPECT_EQ(Drops(NET_DROP_ETH_TRUNCATED), 2u);
  EXPECT_TRUE(sent.empty());
}

TEST_F(Ethernet_, FramesForOtherStationsAreDropped) {
  const uint8_t other[6] = {0x52, 0x54, 0, 0, 0, 9};
  Input(Ethernet(other, kPeerMac, 0x0800, Bytes(40, 0)));
  EXPECT_EQ(Drops(NET_DROP_ETH_NOT_FOR_US), 1u);
  const uint8_t multicast_source[6] = {0x01, 0, 0x5e, 0, 0, 1};
  Input(Ethernet(kOurMac, multicast_source, 0x0800, Bytes(40, 0)));
  EXPECT_EQ(Drops(NET_DROP_ETH_NOT_FOR_US), 2u);
}

TEST_F(Ethernet_, UnknownEtherTypesAreCounted) {
  Input(Ethernet(kOurMac, kPeerMac, 0x86dd, Bytes(40, 0)));  // IPv6
  EXPECT_EQ(Drops(NET_DROP_ETH_UNKNOWN_TYPE), 1u);
}

TEST_F(Arp, RequestForUsIsAnsweredAndTheSenderLearnt) {
  Input(Ethernet(kBroadcastMac, kPeerMac, 0x0806, ArpPacket(1, kPeerMac, kPeerIp, kOurIp)));
  ASSERT_EQ(sent.size(), 1u);
  const Bytes& reply = sent[0];
  EXPECT_EQ(0, std::memcmp(&reply[0], kPeerMac, 6));
  EXPECT_EQ(wire_get16(&reply[12]), 0x0806);
  EXPECT_EQ(wire_get16(&reply[14 + 6]), 2);  // a reply
  EXPECT_EQ(0, std::memcmp(&reply[14 + 8], kOurMac, 6));
  EXPECT_EQ(wire_get32(&reply[14 + 14]), kOurIp);
  EXPECT_EQ(wire_get32(&reply[14 + 24]), kPeerIp);
  // Learnt: a ping to the peer goes straight out, no request first.
  sent.clear();
  ASSERT_EQ(net_ping(stack, kPeerIp, 1, 1, "x", 1), NET_OK);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(wire_get16(&sent[0][12]), 0x0800);
}

TEST_F(Arp, RequestsForOthersAreNotAnswered) {
  Input(Ethernet(kBroadcastMac, kPeerMac, 0x0806, ArpPacket(1, kPeerMac, kPeerIp, 0x0a000003)));
  EXPECT_TRUE(sent.empty());
  EXPECT_EQ(Drops(NET_DROP_ARP_NOT_FOR_US), 1u);
}

TEST_F(Arp, MalformedPacketsAreCounted) {
  Bytes good = ArpPacket(1, kPeerMac, kPeerIp, kOurIp);
  Input(Ethernet(kBroadcastMac, kPeerMac, 0x0806, Bytes(good.begin(), good.begin() + 27)));
  for (size_t field : {0u, 2u, 4u, 5u}) {
    Bytes bad = good;
    bad[field + (field < 4 ? 1 : 0)] ^= 0x40;
    Input(Ethernet(kBroadcastMac, kPeerMac, 0x0806, bad));
  }
  Bytes bad_op = good;
  Put16(bad_op, 6, 3);
  Input(Ethernet(kBroadcastMac, kPeerMac, 0x0806, bad_op));
  const uint8_t multicast[6] = {0x01, 0, 0x5e, 0, 0, 1};
  Input(Ethernet(kBroadcastMac, kPeerMac, 0x0806, ArpPacket(1, multicast, kPeerIp, kOurIp)));
  Input(Ethernet(kBroadcastMac, kPeerMac, 0x0806, ArpPacket(1, kPeerMac, kOurIp, kOurIp)));
  EXPECT_EQ(Drops(NET_DROP_ARP_MALFORMED), 8u);
  EXPECT_TRUE(sent.empty());
}

TEST_F(Arp, UnresolvedAddressIsAskedForAndPacketsWaitThenGoOut) {
  ASSERT_EQ(net_ping(stack, kPeerIp, 7, 1, "a", 1), NET_OK);
  ASSERT_EQ(net_ping(stack, kPeerIp, 7, 2, "b", 1), NET_OK);
  ASSERT_EQ(sent.size(), 1u);  // one request, both pings queued
  EXPECT_EQ(0, std::memcmp(&sent[0][0], kBroadcastMac, 6));
  EXPECT_EQ(wire_get32(&sent[0][14 + 24]), kPeerIp);
  sent.clear();
  Input(Ethernet(kOurMac, kPeerMac, 0x0806, ArpPacket(2, kPeerMac, kPeerIp, kOurIp)));
  ASSERT_EQ(sent.size(), 2u);
  for (const Bytes& frame : sent) {
    EXPECT_EQ(0, std::memcmp(&frame[0], kPeerMac, 6));
    EXPECT_EQ(wire_get16(&frame[12]), 0x0800);
  }
  EXPECT_EQ(Count(NET_ARP_RESOLVED), 1u);
}

TEST_F(Arp, RequestIsRetriedThenGivesUpAndDropsTheQueue) {
  ASSERT_EQ(net_ping(stack, kPeerIp, 7, 1, "a", 1), NET_OK);
  for (int i = 0; i < 10; i++) Advance(1'000'000'000);
  EXPECT_EQ(Count(NET_ARP_REQUESTS_OUT), 4u);  // the first and three retries
  EXPECT_EQ(Count(NET_ARP_TIMEOUTS), 1u);
  EXPECT_EQ(Drops(NET_DROP_ARP_UNRESOLVED), 1u);
  // Asked again from scratch by the next packet.
  ASSERT_EQ(net_ping(stack, kPeerIp, 7, 2, "a", 1), NET_OK);
  EXPECT_EQ(Count(NET_ARP_REQUESTS_OUT), 5u);
}

TEST_F(Arp, QueueWhileResolvingIsBounded) {
  for (int i = 0; i < 10; i++) ASSERT_EQ(net_ping(stack, kPeerIp, 7, uint16_t(i), "a", 1), NET_OK);
  EXPECT_EQ(Drops(NET_DROP_ARP_QUEUE_FULL), 6u);
  sent.clear();
  Input(Ethernet(kOurMac, kPeerMac, 0x0806, ArpPacket(2, kPeerMac, kPeerIp, kOurIp)));
  EXPECT_EQ(sent.size(), 4u);
}

TEST_F(Arp, EntriesExpireAndAreAskedForAgain) {
  LearnPeer();
  ASSERT_EQ(net_ping(stack, kPeerIp, 7, 1, "a", 1), NET_OK);
  EXPECT_EQ(Count(NET_ARP_REQUESTS_OUT), 0u);
  Advance(61'000'000'000ull);
  ASSERT_EQ(net_ping(stack, kPeerIp, 7, 2, "a", 1), NET_OK);
  EXPECT_EQ(Count(NET_ARP_REQUESTS_OUT), 1u);
}

TEST_F(Arp, AnEntryInUseIsRefreshedBeforeItExpires) {
  LearnPeer();
  Advance(56'000'000'000ull);
  ASSERT_EQ(net_ping(stack, kPeerIp, 7, 1, "a", 1), NET_OK);
  EXPECT_EQ(Count(NET_ARP_REQUESTS_OUT), 1u);  // asked again...
  ASSERT_EQ(sent.size(), 2u);                  // ...and the ping still went out
  ASSERT_EQ(net_ping(stack, kPeerIp, 7, 2, "a", 1), NET_OK);
  EXPECT_EQ(Count(NET_ARP_REQUESTS_OUT), 1u);  // once
  Input(Ethernet(kOurMac, kPeerMac, 0x0806, ArpPacket(2, kPeerMac, kPeerIp, kOurIp)));
  Advance(30'000'000'000ull);  // past the old expiry: the reply renewed it
  sent.clear();
  ASSERT_EQ(net_ping(stack, kPeerIp, 7, 3, "a", 1), NET_OK);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(wire_get16(&sent[0][12]), 0x0800);
}

TEST_F(Arp, OffSubnetTrafficGoesToTheGateway) {
  ASSERT_EQ(net_ping(stack, 0x08080808, 7, 1, "a", 1), NET_OK);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(wire_get32(&sent[0][14 + 24]), 0x0a0000feu);  // who has the gateway?
}

}  // namespace
}  // namespace netd_test
