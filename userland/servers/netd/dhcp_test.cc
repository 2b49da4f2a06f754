// The DHCP client against a scripted server: discover, offer, request,
// ack; retransmission with backoff; renewing and rebinding; NAK and lease
// expiry; replies for someone else or malformed are ignored.
#include "userland/servers/netd/dhcp.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "userland/servers/netd/wire.h"

namespace {

using Bytes = std::vector<uint8_t>;
constexpr uint64_t kSecond = 1'000'000'000ull;
constexpr uint8_t kMac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
constexpr uint32_t kServer = 0x0a000202;  // QEMU user networking's 10.0.2.2
constexpr uint32_t kOffered = 0x0a00020f;

struct Sent {
  size_t size = 0;
  uint32_t dst = 0;
  int event = 0;
  Bytes message;
  int type() const {
    for (size_t i = 240; i + 2 < message.size(); i += 2u + message[i + 1]) {
      if (message[i] == 53) return message[i + 2];
    }
    return 0;
  }
};

class Dhcp : public ::testing::Test {
 protected:
  void SetUp() override { dhcp_init(&client, kMac, 0xabcd1234, now); }
  Sent Poll() {
    Sent s;
    s.message.resize(DHCP_MESSAGE_MAX);
    s.size = dhcp_poll(&client, now, s.message.data(), &s.dst, &s.event);
    s.message.resize(s.size);
    return s;
  }
  // A server reply of `type` with the usual options (and `extra`).
  Bytes Reply(uint8_t type, uint32_t yiaddr = kOffered, Bytes extra = {}) {
    Bytes m(240, 0);
    m[0] = 2;
    m[1] = 1;
    m[2] = 6;
    wire_put32(&m[4], client.xid);
    wire_put32(&m[16], yiaddr);
    std::memcpy(&m[28], kMac, 6);
    wire_put32(&m[236], 0x63825363);
    Bytes options = {53, 1, type, 54, 4, 10, 0,  2, 2, 1, 4,  255, 255, 255, 0,    3,   4,
                     10, 0, 2,    2,  6, 4,  10, 0, 2, 3, 51, 4,   0,   0,   0x0e, 0x10};
    options.insert(options.end(), extra.begin(), extra.end());
    options.push_back(255);
    m.insert(m.end(), options.begin(), options.end());
    return m;
  }
  int Input(const Bytes& m) { return dhcp_input(&client, now, m.data(), m.size()); }
  void Bind() {
    ASSERT_EQ(Poll().type(), 1);
    ASSERT_EQ(Input(Reply(2)), DHCP_EVENT_NONE);
    ASSERT_EQ(Poll().type(), 3);
    ASSERT_EQ(Input(Reply(5)), DHCP_EVENT_BOUND);
  }

  dhcp_client client;
  uint64_t now = 5 * kSecond;
};

TEST_F(Dhcp, DiscoverOfferRequestAckBindsTheLease) {
  Sent discover = Poll();
  ASSERT_EQ(discover.type(), 1);
  EXPECT_EQ(discover.dst, 0xffffffffu);
  EXPECT_GE(discover.size, 300u);
  EXPECT_EQ(discover.message[0], 1);
  EXPECT_EQ(wire_get16(&discover.message[10]), 0x8000);  // broadcast replies, please
  EXPECT_EQ(0, std::memcmp(&discover.message[28], kMac, 6));
  EXPECT_EQ(client.state, DHCP_SELECTING);
  ASSERT_EQ(Input(Reply(2)), DHCP_EVENT_NONE);
  EXPECT_EQ(client.state, DHCP_REQUESTING);
  Sent request = Poll();
  ASSERT_EQ(request.type(), 3);
  ASSERT_EQ(Input(Reply(5)), DHCP_EVENT_BOUND);
  EXPECT_EQ(client.state, DHCP_BOUND);
  EXPECT_EQ(client.lease.addr, kOffered);
  EXPECT_EQ(client.lease.netmask, 0xffffff00u);
  EXPECT_EQ(client.lease.router, kServer);
  ASSERT_EQ(client.lease.dns_count, 1);
  EXPECT_EQ(client.lease.dns[0], 0x0a000203u);
  EXPECT_EQ(client.lease.lease_seconds, 3600u);
  EXPECT_EQ(client.lease.t1_seconds, 1800u);
  EXPECT_EQ(client.lease.t2_seconds, 3150u);
}

TEST_F(Dhcp, DiscoverIsRetransmittedWithBackoff) {
  ASSERT_EQ(Poll().type(), 1);
  std::vector<uint64_t> gaps;
  uint64_t last = now;
  for (int i = 0; i < 6; i++) {
    now = dhcp_deadline(&client);
    ASSERT_EQ(Poll().type(), 1);
    gaps.push_back((now - last) / kSecond);
    last = now;
  }
  EXPECT_EQ(gaps, (std::vector<uint64_t>{4, 8, 16, 32, 64, 64}));
  EXPECT_EQ(Poll().size, 0u);  // nothing due right after sending
}

TEST_F(Dhcp, RenewsUnicastAtT1AndRebindsBroadcastAtT2) {
  Bind();
  EXPECT_EQ(Poll().size, 0u);
  now = dhcp_deadline(&client);
  Sent renew = Poll();
  ASSERT_EQ(renew.type(), 3);
  EXPECT_EQ(renew.dst, kServer);
  EXPECT_EQ(wire_get32(&renew.message[12]), kOffered);  // ciaddr
  EXPECT_EQ(client.state, DHCP_RENEWING);
  now += 1400 * kSecond;  // past T2 with no answer
  Sent rebind = Poll();
  ASSERT_EQ(rebind.type(), 3);
  EXPECT_EQ(rebind.dst, 0xffffffffu);
  EXPECT_EQ(client.state, DHCP_REBINDING);
  ASSERT_EQ(Input(Reply(5)), DHCP_EVENT_BOUND);
  EXPECT_EQ(client.state, DHCP_BOUND);
}

TEST_F(Dhcp, LeaseRunsOutWithoutAnAnswer) {
  Bind();
  for (int i = 0; i < 200; i++) {
    now = dhcp_deadline(&client);
    Sent s = Poll();
    if (s.event == DHCP_EVENT_LOST) break;
  }
  EXPECT_EQ(client.state, DHCP_INIT);
  EXPECT_EQ(Poll().type(), 1);  // and starts over
}

TEST_F(Dhcp, NakWhileRenewingLosesTheLease) {
  Bind();
  now = dhcp_deadline(&client);
  ASSERT_EQ(Poll().type(), 3);
  EXPECT_EQ(Input(Reply(6, 0)), DHCP_EVENT_LOST);
  EXPECT_EQ(client.state, DHCP_INIT);
}

TEST_F(Dhcp, RepliesForOthersOrMalformedAreIgnored) {
  ASSERT_EQ(Poll().type(), 1);
  Bytes good = Reply(2);
  auto spoiled = [&](size_t at, uint8_t value) {
    Bytes m = good;
    m[at] = value;
    return m;
  };
  EXPECT_EQ(Input(spoiled(0, 1)), DHCP_EVENT_IGNORED);      // a request, not a reply
  EXPECT_EQ(Input(spoiled(4, 0x00)), DHCP_EVENT_IGNORED);   // another transaction
  EXPECT_EQ(Input(spoiled(33, 0x99)), DHCP_EVENT_IGNORED);  // another MAC
  EXPECT_EQ(Input(spoiled(236, 0)), DHCP_EVENT_IGNORED);    // no magic cookie
  EXPECT_EQ(Input(Bytes(good.begin(), good.begin() + 239)), DHCP_EVENT_IGNORED);
  Bytes no_end = good;
  no_end.pop_back();
  EXPECT_EQ(Input(no_end), DHCP_EVENT_IGNORED);
  Bytes overrun = good;
  overrun[241] = 200;  // the type option claims 200 bytes
  EXPECT_EQ(Input(overrun), DHCP_EVENT_IGNORED);
  EXPECT_EQ(Input(Reply(2, 0)), DHCP_EVENT_IGNORED);           // no address
  EXPECT_EQ(Input(Reply(2, 0xe0000001)), DHCP_EVENT_IGNORED);  // multicast
  EXPECT_EQ(Input(Reply(2, 0x0a0002ff)), DHCP_EVENT_IGNORED);  // the subnet's broadcast
  EXPECT_EQ(Input(Reply(5)), DHCP_EVENT_IGNORED);              // an ACK before any offer
  EXPECT_EQ(dhcp_input(&client, now, nullptr, 0), DHCP_EVENT_IGNORED);
  EXPECT_EQ(client.state, DHCP_SELECTING);
  EXPECT_EQ(Input(good), DHCP_EVENT_NONE);
}

TEST_F(Dhcp, AckFromAnotherServerOrForAnotherAddressIsIgnored) {
  ASSERT_EQ(Poll().type(), 1);
  ASSERT_EQ(Input(Reply(2)), DHCP_EVENT_NONE);
  ASSERT_EQ(Poll().type(), 3);
  EXPECT_EQ(Input(Reply(5, 0x0a000210)), DHCP_EVENT_IGNORED);
  Bytes other_server = Reply(5);
  other_server[240 + 3 + 5] = 9;  // server identifier 10.0.2.9
  EXPECT_EQ(Input(other_server), DHCP_EVENT_IGNORED);
  EXPECT_EQ(Input(Reply(5)), DHCP_EVENT_BOUND);
}

TEST_F(Dhcp, NullArgumentsAreRefused) {
  uint8_t out[DHCP_MESSAGE_MAX];
  uint32_t dst;
  int event;
  EXPECT_EQ(dhcp_poll(nullptr, now, out, &dst, &event), 0u);
  EXPECT_EQ(dhcp_poll(&client, now, nullptr, &dst, &event), 0u);
  EXPECT_EQ(dhcp_input(nullptr, now, out, sizeof(out)), DHCP_EVENT_IGNORED);
  EXPECT_EQ(dhcp_deadline(nullptr), UINT64_MAX);
  dhcp_init(nullptr, kMac, 1, now);  // no effect, no crash
  EXPECT_EQ(client.state, DHCP_INIT);
}

TEST_F(Dhcp, RequestingGivesUpAndDiscoversAgain) {
  ASSERT_EQ(Poll().type(), 1);
  ASSERT_EQ(Input(Reply(2)), DHCP_EVENT_NONE);
  int requests = 0;
  for (int i = 0; i < 10 && client.state == DHCP_REQUESTING; i++) {
    Sent s = Poll();
    requests += s.type() == 3;
    now = dhcp_deadline(&client);
  }
  EXPECT_EQ(requests, 4);
  EXPECT_EQ(client.state, DHCP_SELECTING);
}

}  // namespace
