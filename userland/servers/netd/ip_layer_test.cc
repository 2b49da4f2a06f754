// IPv4, ICMP and UDP input: every bad header field is counted and dropped;
// fragments reassemble in any order, duplicates are harmless, overlaps
// and oversize datagrams are refused, and memory stays bounded.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "userland/servers/netd/one_stack.h"

namespace netd_test {
namespace {

using Ipv4Input = OneStack;
using Fragments = OneStack;
using IcmpInput = OneStack;
using UdpInput = OneStack;

Bytes Ping(uint16_t id, uint16_t sequence, const Bytes& data) {
  return Icmp(8, 0, (uint32_t(id) << 16) | sequence, data);
}

TEST_F(Ipv4Input, AGoodPacketIsDelivered) {
  LearnPeer();
  InputIp(Ipv4(kPeerIp, kOurIp, 1, Ping(1, 1, {1, 2, 3})));
  EXPECT_EQ(Count(NET_ICMP_ECHO_REQUESTS_IN), 1u);
  EXPECT_EQ(TotalDrops(), 0u);
}

TEST_F(Ipv4Input, EveryBadHeaderFieldIsCountedAndDropped) {
  LearnPeer();
  const Bytes good = Ipv4(kPeerIp, kOurIp, 1, Ping(1, 1, {1, 2, 3}));
  struct Case {
    const char* name;
    void (*spoil)(Bytes&);
    net_drop reason;
  };
  const Case cases[] = {
      {"truncated", [](Bytes& p) { p.resize(19); }, NET_DROP_IP_TRUNCATED},
      {"version 6", [](Bytes& p) { p[0] = 0x65; }, NET_DROP_IP_BAD_VERSION},
      {"IHL 4", [](Bytes& p) { p[0] = 0x44; }, NET_DROP_IP_BAD_HEADER_LENGTH},
      {"IHL past the end", [](Bytes& p) { p[0] = 0x4f; }, NET_DROP_IP_BAD_HEADER_LENGTH},
      {"total < header",
       [](Bytes& p) {
         Put16(p, 2, 19);
         FixIpChecksum(p);
       },
       NET_DROP_IP_BAD_TOTAL_LENGTH},
      {"total > frame",
       [](Bytes& p) {
         Put16(p, 2, uint16_t(p.size() + 1));
         FixIpChecksum(p);
       },
       NET_DROP_IP_BAD_TOTAL_LENGTH},
      {"checksum", [](Bytes& p) { p[10] ^= 1; }, NET_DROP_IP_BAD_CHECKSUM},
      {"options",
       [](Bytes& p) {
         p[0] = 0x46;
         p.insert(p.begin() + 20, {1, 1, 1, 0});
         Put16(p, 2, uint16_t(p.size()));
         FixIpChecksum(p);
       },
       NET_DROP_IP_OPTIONS},
      {"broadcast source",
       [](Bytes& p) {
         Put32(p, 12, 0x0a0000ff);
         FixIpChecksum(p);
       },
       NET_DROP_IP_BAD_SOURCE},
      {"multicast source",
       [](Bytes& p) {
         Put32(p, 12, 0xe0000001);
         FixIpChecksum(p);
       },
       NET_DROP_IP_BAD_SOURCE},
      {"loopback source",
       [](Bytes& p) {
         Put32(p, 12, 0x7f000001);
         FixIpChecksum(p);
       },
       NET_DROP_IP_BAD_SOURCE},
      {"our own source",
       [](Bytes& p) {
         Put32(p, 12, kOurIp);
         FixIpChecksum(p);
       },
       NET_DROP_IP_BAD_SOURCE},
      {"not for us",
       [](Bytes& p) {
         Put32(p, 16, 0x0a000009);
         FixIpChecksum(p);
       },
       NET_DROP_IP_NOT_FOR_US},
      {"unknown protocol",
       [](Bytes& p) {
         p[9] = 47;
         FixIpChecksum(p);
       },
       NET_DROP_IP_UNKNOWN_PROTOCOL},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Bytes bad = good;
    c.spoil(bad);
    uint64_t before = Drops(c.reason);
    uint64_t total = TotalDrops();
    InputIp(bad);
    EXPECT_EQ(Drops(c.reason), before + 1);
    EXPECT_EQ(TotalDrops(), total + 1);
  }
  EXPECT_EQ(Count(NET_ICMP_ECHO_REQUESTS_IN), 0u);
  EXPECT_TRUE(sent.empty());
}

TEST_F(Ipv4Input, EthernetPaddingPastTheTotalLengthIsIgnored) {
  LearnPeer();
  Bytes p = Ipv4(kPeerIp, kOurIp, 1, Ping(1, 1, {}));
  p.resize(46, 0);  // a minimum-size frame's padding
  InputIp(p);
  EXPECT_EQ(Count(NET_ICMP_ECHO_REQUESTS_IN), 1u);
  EXPECT_EQ(TotalDrops(), 0u);
}

TEST_F(IcmpInput, EchoRequestIsAnsweredWithTheSamePayload) {
  LearnPeer();
  InputIp(Ipv4(kPeerIp, kOurIp, 1, Ping(0x1234, 9, {'h', 'i', '!'})));
  ASSERT_EQ(sent.size(), 1u);
  const Bytes& r = sent[0];
  const uint8_t* ip = &r[14];
  EXPECT_EQ(wire_get32(ip + 12), kOurIp);
  EXPECT_EQ(wire_get32(ip + 16), kPeerIp);
  const uint8_t* m = ip + 20;
  EXPECT_EQ(m[0], 0);  // echo reply
  EXPECT_EQ(wire_get16(m + 4), 0x1234);
  EXPECT_EQ(wire_get16(m + 6), 9);
  EXPECT_EQ(0, std::memcmp(m + 8, "hi!", 3));
  EXPECT_EQ(wire_checksum_finish(wire_sum(0, m, 11)), 0);
  EXPECT_EQ(wire_checksum_finish(wire_sum(0, ip, 20)), 0);
}

TEST_F(IcmpInput, BroadcastEchoIsNotAnswered) {
  LearnPeer();
  InputIp(Ipv4(kPeerIp, 0x0a0000ff, 1, Ping(1, 1, {})));
  EXPECT_TRUE(sent.empty());
}

TEST_F(IcmpInput, BadAndUnhandledMessagesAreCounted) {
  LearnPeer();
  Bytes bad = Ping(1, 1, {1});
  bad[8] ^= 1;
  InputIp(Ipv4(kPeerIp, kOurIp, 1, bad));
  EXPECT_EQ(Drops(NET_DROP_ICMP_BAD_CHECKSUM), 1u);
  InputIp(Ipv4(kPeerIp, kOurIp, 1, Bytes(7, 0)));
  EXPECT_EQ(Drops(NET_DROP_ICMP_TRUNCATED), 1u);
  InputIp(Ipv4(kPeerIp, kOurIp, 1, Icmp(5, 0, 0, Bytes(28, 0))));  // a redirect
  EXPECT_EQ(Drops(NET_DROP_ICMP_UNHANDLED_TYPE), 1u);
  EXPECT_TRUE(sent.empty());
}

TEST_F(IcmpInput, EchoReplyIsRecordedForPing) {
  EXPECT_FALSE(net_last_echo_reply(stack, nullptr, nullptr, nullptr));
  InputIp(Ipv4(kPeerIp, kOurIp, 1, Icmp(0, 0, (5u << 16) | 6, {})));
  uint32_t from = 0;
  uint16_t id = 0, sequence = 0;
  ASSERT_TRUE(net_last_echo_reply(stack, &from, &id, &sequence));
  EXPECT_EQ(from, kPeerIp);
  EXPECT_EQ(id, 5);
  EXPECT_EQ(sequence, 6);
}

TEST_F(IcmpInput, PingRejectsBadArguments) {
  EXPECT_EQ(net_ping(stack, 0, 1, 1, nullptr, 0), NET_EINVAL);
  EXPECT_EQ(net_ping(stack, kPeerIp, 1, 1, nullptr, 5), NET_EINVAL);
  EXPECT_EQ(net_ping(nullptr, kPeerIp, 1, 1, nullptr, 0), NET_EINVAL);
  std::vector<uint8_t> huge(2000);
  EXPECT_EQ(net_ping(stack, kPeerIp, 1, 1, huge.data(), huge.size()), NET_EMSGSIZE);
}

TEST_F(UdpInput, DatagramToAClosedPortGetsPortUnreachable) {
  LearnPeer();
  Bytes packet = Ipv4(kPeerIp, kOurIp, 17, Udp(kPeerIp, kOurIp, 5000, 53, {1, 2, 3}));
  InputIp(packet);
  EXPECT_EQ(Drops(NET_DROP_UDP_NO_SOCKET), 1u);
  ASSERT_EQ(sent.size(), 1u);
  const uint8_t* m = &sent[0][14 + 20];
  EXPECT_EQ(m[0], 3);
  EXPECT_EQ(m[1], 3);
  EXPECT_EQ(0, std::memcmp(m + 8, packet.data(), 28));  // quotes header + 8 bytes
  // Not for a broadcast.
  sent.clear();
  InputIp(Ipv4(kPeerIp, 0x0a0000ff, 17, Udp(kPeerIp, 0x0a0000ff, 5000, 53, {1})));
  EXPECT_TRUE(sent.empty());
}

TEST_F(UdpInput, BadDatagramsAreCounted) {
  LearnPeer();
  int s = net_socket(stack, NET_SOCK_DGRAM);
  net_endpoint local = {0, 53};
  ASSERT_EQ(net_bind(stack, s, &local), NET_OK);
  Bytes u = Udp(kPeerIp, kOurIp, 5000, 53, {1, 2, 3});
  Bytes bad_sum = u;
  bad_sum[8] ^= 1;
  InputIp(Ipv4(kPeerIp, kOurIp, 17, bad_sum));
  EXPECT_EQ(Drops(NET_DROP_UDP_BAD_CHECKSUM), 1u);
  Bytes long_length = u;
  Put16(long_length, 4, 12);
  InputIp(Ipv4(kPeerIp, kOurIp, 17, long_length));
  Bytes short_length = u;
  Put16(short_length, 4, 7);
  InputIp(Ipv4(kPeerIp, kOurIp, 17, short_length));
  EXPECT_EQ(Drops(NET_DROP_UDP_BAD_LENGTH), 2u);
  InputIp(Ipv4(kPeerIp, kOurIp, 17, Bytes(u.begin(), u.begin() + 7)));
  EXPECT_EQ(Drops(NET_DROP_UDP_TRUNCATED), 1u);
  char buffer[8];
  EXPECT_EQ(net_recv(stack, s, buffer, sizeof(buffer)), NET_EAGAIN);
  // No checksum at all is allowed (RFC 768).
  Bytes unchecked = u;
  Put16(unchecked, 6, 0);
  InputIp(Ipv4(kPeerIp, kOurIp, 17, unchecked));
  EXPECT_EQ(net_recv(stack, s, buffer, sizeof(buffer)), 3);
}

TEST_F(UdpInput, QueueIsBoundedPerSocket) {
  LearnPeer();
  int s = net_socket(stack, NET_SOCK_DGRAM);
  net_endpoint local = {0, 53};
  ASSERT_EQ(net_bind(stack, s, &local), NET_OK);
  for (int i = 0; i < 100; i++)
    InputIp(Ipv4(kPeerIp, kOurIp, 17, Udp(kPeerIp, kOurIp, 5000, 53, {uint8_t(i)})));
  EXPECT_EQ(Drops(NET_DROP_UDP_QUEUE_FULL), 100u - 64u);
}

// ---- Fragments ----

// A UDP datagram of `size` bytes cut into IP fragments of `piece` bytes.
std::vector<Bytes> Fragment(uint16_t id, size_t size, size_t piece) {
  Bytes data(size);
  for (size_t i = 0; i < size; i++) data[i] = uint8_t(i * 7);
  Bytes udp = Udp(kPeerIp, kOurIp, 5000, 53, data);
  std::vector<Bytes> fragments;
  for (size_t offset = 0; offset < udp.size(); offset += piece) {
    size_t n = std::min(piece, udp.size() - offset);
    bool more = offset + n < udp.size();
    Bytes part(udp.begin() + long(offset), udp.begin() + long(offset + n));
    fragments.push_back(
        Ipv4(kPeerIp, kOurIp, 17, part, id, uint16_t((more ? 0x2000 : 0) | (offset / 8))));
  }
  return fragments;
}

class FragmentTest : public OneStack {
 protected:
  void SetUp() override {
    OneStack::SetUp();
    LearnPeer();
    socket = net_socket(stack, NET_SOCK_DGRAM);
    net_endpoint local = {0, 53};
    ASSERT_EQ(net_bind(stack, socket, &local), NET_OK);
  }
  long Receive() {
    std::vector<uint8_t> buffer(70000);
    long n = net_recv(stack, socket, buffer.data(), buffer.size());
    if (n > 0) {
      for (long i = 0; i < n; i++) EXPECT_EQ(buffer[size_t(i)], uint8_t(i * 7)) << i;
    }
    return n;
  }
  int socket = -1;
};

TEST_F(FragmentTest, InOrderFragmentsReassemble) {
  for (const Bytes& f : Fragment(1, 4000, 1480)) InputIp(f);
  EXPECT_EQ(Receive(), 4000);
  EXPECT_EQ(Count(NET_IP_REASSEMBLED), 1u);
}

TEST_F(FragmentTest, AnyOrderWithDuplicatesReassembles) {
  std::mt19937 rng(42);
  for (int round = 0; round < 20; round++) {
    std::vector<Bytes> fragments = Fragment(uint16_t(100 + round), 6000, 512);
    std::vector<Bytes> shuffled = fragments;
    shuffled.push_back(fragments[0]);
    shuffled.push_back(fragments[3]);
    shuffled.push_back(fragments.back());
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    for (const Bytes& f : shuffled) InputIp(f);
    EXPECT_EQ(Receive(), 6000) << round;
    EXPECT_EQ(Receive(), NET_EAGAIN) << "delivered once";
  }
  EXPECT_EQ(Drops(NET_DROP_FRAG_OVERLAP), 0u);
}

TEST_F(FragmentTest, OverlappingFragmentIsRefusedAndTheDatagramDropped) {
  std::vector<Bytes> f = Fragment(7, 3000, 1024);
  InputIp(f[0]);
  // A piece at offset 512 covering part of the first fragment.
  Bytes overlap = Ipv4(kPeerIp, kOurIp, 17, Bytes(1024, 0xee), 7, 0x2000 | (512 / 8));
  InputIp(overlap);
  EXPECT_EQ(Drops(NET_DROP_FRAG_OVERLAP), 1u);
  InputIp(f[1]);
  InputIp(f[2]);
  EXPECT_EQ(Receive(), NET_EAGAIN);  // the first fragment went with the datagram
}

TEST_F(FragmentTest, DataPastTheLastFragmentIsRefused) {
  std::vector<Bytes> f = Fragment(8, 3000, 1024);
  InputIp(f.back());
  InputIp(Ipv4(kPeerIp, kOurIp, 17, Bytes(1024, 0), 8, 0x2000 | (4096 / 8)));
  EXPECT_EQ(Drops(NET_DROP_FRAG_OVERLAP), 1u);
}

TEST_F(FragmentTest, OversizeAndMisalignedFragmentsAreRefused) {
  InputIp(Ipv4(kPeerIp, kOurIp, 17, Bytes(100, 0), 9, 0x1fff));  // ends past 65535
  EXPECT_EQ(Drops(NET_DROP_FRAG_TOO_BIG), 1u);
  InputIp(Ipv4(kPeerIp, kOurIp, 17, Bytes(100, 0), 9, 0x2000));  // not a multiple of 8
  EXPECT_EQ(Drops(NET_DROP_FRAG_BAD_OFFSET), 1u);
}

TEST_F(FragmentTest, IncompleteDatagramsTimeOutAndFreeTheirSlot) {
  for (int id = 0; id < 8; id++) InputIp(Fragment(uint16_t(id), 3000, 1024)[0]);
  InputIp(Fragment(99, 3000, 1024)[0]);
  EXPECT_EQ(Drops(NET_DROP_FRAG_NO_SLOT), 1u);  // all slots in use: bounded memory
  Advance(31'000'000'000ull);
  EXPECT_EQ(Count(NET_IP_REASSEMBLY_TIMEOUTS), 8u);
  for (const Bytes& f : Fragment(99, 3000, 1024)) InputIp(f);
  EXPECT_EQ(Receive(), 3000);
}

TEST_F(FragmentTest, TooManyPiecesAreRefused) {
  // 65 tiny fragments of 8 bytes.
  for (int i = 0; i < 65; i++)
    InputIp(Ipv4(kPeerIp, kOurIp, 17, Bytes(8, 0), 5, uint16_t(0x2000 | i)));
  EXPECT_EQ(Drops(NET_DROP_FRAG_TOO_MANY), 1u);
}

}  // namespace
}  // namespace netd_test
