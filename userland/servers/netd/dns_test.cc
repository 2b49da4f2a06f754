// DNS messages: the query's exact bytes, answers with compression and
// CNAMEs, and every way a hostile response could lie or loop.
#include "userland/servers/netd/dns.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<uint8_t>;

Bytes Query(uint16_t id, const char* name) {
  Bytes out(512);
  int n = dns_build_query(id, name, out.data(), out.size());
  EXPECT_GT(n, 0);
  out.resize(size_t(n > 0 ? n : 0));
  return out;
}

// A response to Query(id, name): the question echoed, then `answers`
// (already encoded records), with flags and rcode.
Bytes Response(uint16_t id, const char* name, const std::vector<Bytes>& answers,
               uint8_t flags2 = 0x80, uint8_t rcode = 0) {
  Bytes m = Query(id, name);
  m[2] = uint8_t(0x80 | (m[2] & 0x7f) | (flags2 & 0x7f));
  m[3] = uint8_t(0x80 | rcode);
  m[6] = 0;
  m[7] = uint8_t(answers.size());
  for (const Bytes& a : answers) m.insert(m.end(), a.begin(), a.end());
  return m;
}

// A record owned by a compression pointer to offset 12 (the question name).
Bytes ARecord(uint32_t addr, uint32_t ttl = 300, Bytes owner = {0xc0, 12}) {
  Bytes r = owner;
  Bytes fixed = {0,
                 1,
                 0,
                 1,
                 uint8_t(ttl >> 24),
                 uint8_t(ttl >> 16),
                 uint8_t(ttl >> 8),
                 uint8_t(ttl),
                 0,
                 4,
                 uint8_t(addr >> 24),
                 uint8_t(addr >> 16),
                 uint8_t(addr >> 8),
                 uint8_t(addr)};
  r.insert(r.end(), fixed.begin(), fixed.end());
  return r;
}

TEST(DnsQuery, EncodesTheNameAsLabels) {
  Bytes q = Query(0xbeef, "www.Example.org.");
  const Bytes expected = {0xbe, 0xef, 0x01, 0x00, 0,   1,   0,   0,   0,   0,   0,
                          0,    3,    'w',  'w',  'w', 7,   'E', 'x', 'a', 'm', 'p',
                          'l',  'e',  3,    'o',  'r', 'g', 0,   0,   1,   0,   1};
  EXPECT_EQ(q, expected);
}

TEST(DnsQuery, RefusesBadNamesAndSmallBuffers) {
  uint8_t out[512];
  EXPECT_EQ(dns_build_query(1, "", out, sizeof(out)), DNS_ERR_BAD_NAME);
  EXPECT_EQ(dns_build_query(1, ".", out, sizeof(out)), DNS_ERR_BAD_NAME);
  EXPECT_EQ(dns_build_query(1, "a..b", out, sizeof(out)), DNS_ERR_BAD_NAME);
  EXPECT_EQ(dns_build_query(1, nullptr, out, sizeof(out)), DNS_ERR_BAD_NAME);
  std::string long_label(64, 'a');
  EXPECT_EQ(dns_build_query(1, long_label.c_str(), out, sizeof(out)), DNS_ERR_BAD_NAME);
  std::string long_name;
  for (int i = 0; i < 60; i++) long_name += "abcd.";
  EXPECT_EQ(dns_build_query(1, long_name.c_str(), out, sizeof(out)), DNS_ERR_BAD_NAME);
  EXPECT_EQ(dns_build_query(1, "example.org", out, 10), DNS_ERR_NO_SPACE);
}

TEST(DnsTcp, FramesWithATwoByteLength) {
  Bytes q = Query(7, "a.b");
  Bytes out(q.size() + 2);
  ASSERT_EQ(dns_tcp_frame(q.data(), q.size(), out.data(), out.size()), int(q.size() + 2));
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], q.size());
  EXPECT_EQ(0, memcmp(out.data() + 2, q.data(), q.size()));
  EXPECT_EQ(dns_tcp_frame(q.data(), q.size(), out.data(), q.size() + 1), DNS_ERR_NO_SPACE);
}

TEST(DnsResponse, AnswersAreParsedWithCompressionPointers) {
  Bytes m = Response(9, "example.org", {ARecord(0x5db8d822, 600), ARecord(0x01020304, 60)});
  dns_answer answer;
  ASSERT_EQ(dns_parse_response(m.data(), m.size(), 9, "EXAMPLE.org", &answer), DNS_OK);
  ASSERT_EQ(answer.count, 2);
  EXPECT_EQ(answer.addrs[0], 0x5db8d822u);
  EXPECT_EQ(answer.addrs[1], 0x01020304u);
  EXPECT_EQ(answer.ttl, 60u);
}

TEST(DnsResponse, CnameChainsAreFollowed) {
  // example.org CNAME b.example.org (pointer to "example.org" at 12),
  // then an A record for b.example.org and one for an unrelated name.
  Bytes cname = {0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 100, 0, 4, 1, 'b', 0xc0, 12};
  Bytes m = Response(3, "example.org", {cname});
  size_t b_name = m.size() - 4;  // offset of "b" + pointer inside the CNAME's data
  Bytes a_for_b = ARecord(0x0a0a0a0a, 50, {0xc0, uint8_t(b_name)});
  Bytes unrelated = ARecord(0x0b0b0b0b, 50, {1, 'z', 0});
  m.insert(m.end(), unrelated.begin(), unrelated.end());
  m.insert(m.end(), a_for_b.begin(), a_for_b.end());
  m[7] = 3;
  dns_answer answer;
  ASSERT_EQ(dns_parse_response(m.data(), m.size(), 3, "example.org", &answer), DNS_OK);
  ASSERT_EQ(answer.count, 1);
  EXPECT_EQ(answer.addrs[0], 0x0a0a0a0au);
  EXPECT_EQ(answer.ttl, 50u);
}

TEST(DnsResponse, ErrorsFromTheServerAreReported) {
  dns_answer answer;
  Bytes nx = Response(1, "nope.org", {}, 0x80, 3);
  EXPECT_EQ(dns_parse_response(nx.data(), nx.size(), 1, "nope.org", &answer), DNS_ERR_NO_NAME);
  Bytes fail = Response(1, "nope.org", {}, 0x80, 2);
  EXPECT_EQ(dns_parse_response(fail.data(), fail.size(), 1, "nope.org", &answer), DNS_ERR_SERVER);
  Bytes empty = Response(1, "nope.org", {});
  EXPECT_EQ(dns_parse_response(empty.data(), empty.size(), 1, "nope.org", &answer),
            DNS_ERR_NO_DATA);
  Bytes truncated = Response(1, "big.org", {}, 0x82);
  EXPECT_EQ(dns_parse_response(truncated.data(), truncated.size(), 1, "big.org", &answer),
            DNS_ERR_TRUNCATED);
}

TEST(DnsResponse, AnswersToAnotherQueryAreRefused) {
  Bytes m = Response(5, "example.org", {ARecord(1)});
  dns_answer answer;
  EXPECT_EQ(dns_parse_response(m.data(), m.size(), 6, "example.org", &answer), DNS_ERR_MISMATCH);
  EXPECT_EQ(dns_parse_response(m.data(), m.size(), 5, "example.com", &answer), DNS_ERR_MISMATCH);
  Bytes query = Query(5, "example.org");  // QR clear: not a response
  EXPECT_EQ(dns_parse_response(query.data(), query.size(), 5, "example.org", &answer),
            DNS_ERR_MISMATCH);
}

TEST(DnsResponse, HostileMessagesAreMalformedNeverTrusted) {
  dns_answer answer;
  Bytes good = Response(5, "example.org", {ARecord(1)});
  // Every truncation of a good message is refused.
  for (size_t n = 0; n < good.size(); n++) {
    EXPECT_LT(dns_parse_response(good.data(), n, 5, "example.org", &answer), 0) << n;
  }
  // A pointer to itself, and a forward pointer.
  Bytes loop = Response(5, "example.org", {{0xc0, 0}});
  size_t at = loop.size() - 2;
  loop[at + 1] = uint8_t(at);
  EXPECT_EQ(dns_parse_response(loop.data(), loop.size(), 5, "example.org", &answer),
            DNS_ERR_MALFORMED);
  Bytes forward = Response(5, "example.org", {{0xc0, 0xff}});
  EXPECT_EQ(dns_parse_response(forward.data(), forward.size(), 5, "example.org", &answer),
            DNS_ERR_MALFORMED);
  // Record data running past the end, an A record of the wrong size.
  Bytes overrun = Response(5, "example.org", {ARecord(1)});
  overrun[overrun.size() - 5] = 200;
  EXPECT_EQ(dns_parse_response(overrun.data(), overrun.size(), 5, "example.org", &answer),
            DNS_ERR_MALFORMED);
  Bytes wrong_size =
      Response(5, "example.org", {{0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 3, 1, 2, 3}});
  EXPECT_EQ(dns_parse_response(wrong_size.data(), wrong_size.size(), 5, "example.org", &answer),
            DNS_ERR_MALFORMED);
  // More answers claimed than present.
  Bytes claims = good;
  claims[7] = 9;
  EXPECT_EQ(dns_parse_response(claims.data(), claims.size(), 5, "example.org", &answer),
            DNS_ERR_MALFORMED);
  // Reserved label bits.
  Bytes reserved = Response(5, "example.org", {{0x80, 12}});
  EXPECT_EQ(dns_parse_response(reserved.data(), reserved.size(), 5, "example.org", &answer),
            DNS_ERR_MALFORMED);
  EXPECT_EQ(dns_parse_response(nullptr, 0, 5, "example.org", &answer), DNS_ERR_MALFORMED);
}

// A response whose A record's owner name is reached through a chain of
// `length` pointers, each to the one before (all backwards), the first to
// the question's name. The chain sits in an unrelated TXT record's data.
Bytes PointerChain(int length) {
  Bytes m = Response(5, "example.org", {});
  Bytes txt_owner = {1, 'z', 0};
  m.insert(m.end(), txt_owner.begin(), txt_owner.end());
  Bytes txt_fixed = {0, 16, 0, 1, 0, 0, 0, 1, 0, uint8_t(2 * length)};
  m.insert(m.end(), txt_fixed.begin(), txt_fixed.end());
  size_t previous = 12;
  for (int i = 0; i < length; i++) {
    size_t here = m.size();
    m.push_back(uint8_t(0xc0 | (previous >> 8)));
    m.push_back(uint8_t(previous));
    previous = here;
  }
  Bytes a = ARecord(0x01020304, 1, {uint8_t(0xc0 | (previous >> 8)), uint8_t(previous)});
  m.insert(m.end(), a.begin(), a.end());
  m[7] = 2;
  return m;
}

TEST(DnsResponse, PointerChainsAreBounded) {
  dns_answer answer;
  Bytes short_chain = PointerChain(3);
  ASSERT_EQ(dns_parse_response(short_chain.data(), short_chain.size(), 5, "example.org", &answer),
            DNS_OK);
  EXPECT_EQ(answer.addrs[0], 0x01020304u);
  Bytes long_chain = PointerChain(DNS_MAX_POINTERS + 4);
  EXPECT_EQ(dns_parse_response(long_chain.data(), long_chain.size(), 5, "example.org", &answer),
            DNS_ERR_MALFORMED);
}

}  // namespace
