// The HTTP parsers as a specification: what fetch and httpd accept from a
// peer, and what they refuse.
#include "userland/net_utils/lib/http.h"

#include <gtest/gtest.h>

#include <string>

namespace {

int ParseRequest(const std::string& head, http_request* out) {
  return http_parse_request(head.data(), head.size(), out);
}

int ParseResponse(const std::string& head, http_response* out) {
  return http_parse_response(head.data(), head.size(), out);
}

// Feeds `body` in pieces of `step` bytes; returns the data, or "ERROR".
std::string Dechunk(const std::string& body, size_t step, std::string* rest = nullptr) {
  http_chunked c;
  http_chunked_init(&c);
  std::string data;
  for (size_t at = 0; at < body.size(); at += step) {
    std::string piece = body.substr(at, step);
    size_t data_len = 0, consumed = 0;
    const int status = http_chunked_decode(&c, piece.data(), piece.size(), &data_len, &consumed);
    if (status < 0) return "ERROR";
    data.append(piece.data(), data_len);
    if (status == 1) {
      if (rest != nullptr) *rest = body.substr(at + consumed);
      return data;
    }
  }
  return data + "<unfinished>";
}

std::string TargetPath(const char* target, int* is_directory = nullptr) {
  char out[64];
  int dir = 0;
  if (http_target_path(target, out, sizeof(out), &dir) != 0) return "REFUSED";
  if (is_directory != nullptr) *is_directory = dir;
  return out;
}

TEST(HttpHead, EndsAtTheBlankLine) {
  EXPECT_EQ(http_head_length("GET / HTTP/1.1\r\nHost: a\r\n\r\nBODY", 31), 27);
  EXPECT_EQ(http_head_length("GET / HTTP/1.1\n\nX", 17), 16);  // bare LF ends lines too
  EXPECT_EQ(http_head_length("GET / HTTP/1.1\r\nHost: a\r\n", 25), 0);
}

TEST(HttpHead, LargerThanTheLimitIsRefused) {
  const std::string big(HTTP_HEAD_MAX + 10, 'a');
  EXPECT_EQ(http_head_length(big.data(), big.size()), -1);
}

TEST(HttpRequest, GetWithHostKeepsTheConnectionByDefault) {
  http_request r;
  ASSERT_EQ(ParseRequest("GET /a%20b?x=1 HTTP/1.1\r\nHost: h\r\n\r\n", &r), 0);
  EXPECT_EQ(r.method, HTTP_GET);
  EXPECT_STREQ(r.target, "/a%20b?x=1");
  EXPECT_EQ(r.minor_version, 1);
  EXPECT_EQ(r.content_length, -1);
  EXPECT_TRUE(r.keep_alive);
}

TEST(HttpRequest, ConnectionCloseAndHttp10) {
  http_request r;
  ASSERT_EQ(ParseRequest("HEAD / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n", &r), 0);
  EXPECT_EQ(r.method, HTTP_HEAD);
  EXPECT_FALSE(r.keep_alive);
  ASSERT_EQ(ParseRequest("GET / HTTP/1.0\r\n\r\n", &r), 0);  // 1.0 needs no Host
  EXPECT_FALSE(r.keep_alive);
  ASSERT_EQ(ParseRequest("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &r), 0);
  EXPECT_TRUE(r.keep_alive);
}

TEST(HttpRequest, PutWithLengthAndExpect) {
  http_request r;
  ASSERT_EQ(ParseRequest("PUT /up HTTP/1.1\r\nHost: h\r\nContent-Length:  42 \r\n"
                         "Expect: 100-continue\r\n\r\n",
                         &r),
            0);
  EXPECT_EQ(r.method, HTTP_PUT);
  EXPECT_EQ(r.content_length, 42);
  EXPECT_TRUE(r.expect_continue);
  ASSERT_EQ(ParseRequest("PUT /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", &r),
            0);
  EXPECT_TRUE(r.chunked);
}

TEST(HttpRequest, OtherMethodsParseAsOther) {
  http_request r;
  ASSERT_EQ(ParseRequest("DELETE / HTTP/1.1\r\nHost: h\r\n\r\n", &r), 0);
  EXPECT_EQ(r.method, HTTP_OTHER);
  ASSERT_EQ(ParseRequest("get / HTTP/1.1\r\nHost: h\r\n\r\n", &r), 0);  // case-sensitive
  EXPECT_EQ(r.method, HTTP_OTHER);
}

TEST(HttpRequest, MalformedRequestsAre400) {
  http_request r;
  for (const char* bad : {
           "GARBAGE\r\n\r\n",
           "GET /\r\n\r\n",
           "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
           "GET / HTTP/1.1 extra\r\nHost: h\r\n\r\n",
           "GET / HTTP/1.1\r\n\r\n",                        // no Host
           "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",  // two
           "GET / HTTP/1.1\r\nHost : h\r\n\r\n",            // space before colon
           "GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",  // obs-fold
           "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n",
           "G(T / HTTP/1.1\r\nHost: h\r\n\r\n",
           "GET /\x01 HTTP/1.1\r\nHost: h\r\n\r\n",
           "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
           "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 2\r\n\r\n",
           "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
           "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n",
           "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
           "Transfer-Encoding: chunked\r\n\r\n",  // smuggling
           "GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n",
           "",
       }) {
    EXPECT_EQ(ParseRequest(bad, &r), 400) << bad;
  }
}

TEST(HttpRequest, TheOtherRefusals) {
  http_request r;
  EXPECT_EQ(ParseRequest("GET / HTTP/2.0\r\nHost: h\r\n\r\n", &r), 505);
  EXPECT_EQ(ParseRequest("PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", &r), 501);
  const std::string long_target = "GET /" + std::string(HTTP_TARGET_MAX, 'a') + " HTTP/1.1\r\n\r\n";
  EXPECT_EQ(ParseRequest(long_target, &r), 414);
}

TEST(HttpResponse, StatusLengthAndLocation) {
  http_response r;
  ASSERT_EQ(ParseResponse("HTTP/1.1 301 Moved Permanently\r\nLocation: /b\r\n"
                          "Content-Length: 0\r\n\r\n",
                          &r),
            0);
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.content_length, 0);
  EXPECT_STREQ(r.location, "/b");
  ASSERT_EQ(ParseResponse("HTTP/1.1 200\r\nTransfer-Encoding: chunked\r\n\r\n", &r), 0);
  EXPECT_TRUE(r.chunked);
  EXPECT_TRUE(r.keep_alive);
}

TEST(HttpResponse, MalformedResponsesAreRefused) {
  http_response r;
  for (const char* bad : {
           "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 099 X\r\n\r\n",
           "ICY 200 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
           "HTTP/1.1 200 OK\r\n"  // no blank line
       }) {
    EXPECT_EQ(ParseResponse(bad, &r), -1) << bad;
  }
}

TEST(HttpResponse, WhichHaveABody) {
  EXPECT_TRUE(http_response_has_body(HTTP_GET, 200));
  EXPECT_FALSE(http_response_has_body(HTTP_HEAD, 200));
  EXPECT_FALSE(http_response_has_body(HTTP_GET, 204));
  EXPECT_FALSE(http_response_has_body(HTTP_GET, 304));
  EXPECT_FALSE(http_response_has_body(HTTP_GET, 100));
}

TEST(HttpUrl, HostPortAndPath) {
  http_url u;
  ASSERT_EQ(http_parse_url("http://example.org", &u), 0);
  EXPECT_STREQ(u.host, "example.org");
  EXPECT_EQ(u.port, 80);
  EXPECT_STREQ(u.path, "/");
  ASSERT_EQ(http_parse_url("HTTP://10.0.2.2:8080/a/b?q=1#frag", &u), 0);
  EXPECT_STREQ(u.host, "10.0.2.2");
  EXPECT_EQ(u.port, 8080);
  EXPECT_STREQ(u.path, "/a/b?q=1");
  ASSERT_EQ(http_parse_url("http://h?x", &u), 0);
  EXPECT_STREQ(u.path, "/?x");
  ASSERT_EQ(http_parse_url("http://[::1]:81/", &u), 0);
  EXPECT_STREQ(u.host, "::1");
  EXPECT_EQ(u.port, 81);
}

TEST(HttpUrl, BadUrlsAreRefused) {
  http_url u;
  for (const char* bad :
       {"https://h/", "ftp://h", "http://", "http:///x", "http://h:0/", "http://h:65536/",
        "http://h:x/", "http://u@h/", "http://h/a b", "http://[::1/", "h/x", ""}) {
    EXPECT_EQ(http_parse_url(bad, &u), -1) << bad;
  }
}

TEST(HttpUrl, LocationsResolveAgainstTheBase) {
  http_url base, out;
  ASSERT_EQ(http_parse_url("http://h:81/dir/file?q", &base), 0);
  ASSERT_EQ(http_resolve_location(&base, "/other", &out), 0);
  EXPECT_STREQ(out.host, "h");
  EXPECT_EQ(out.port, 81);
  EXPECT_STREQ(out.path, "/other");
  ASSERT_EQ(http_resolve_location(&base, "next", &out), 0);
  EXPECT_STREQ(out.path, "/dir/next");
  ASSERT_EQ(http_resolve_location(&base, "http://g/x", &out), 0);
  EXPECT_STREQ(out.host, "g");
  EXPECT_EQ(out.port, 80);
  ASSERT_EQ(http_resolve_location(&base, "//g:9/y", &out), 0);
  EXPECT_EQ(out.port, 9);
  EXPECT_EQ(http_resolve_location(&base, "https://g/", &out), -1);
  EXPECT_EQ(http_resolve_location(&base, "", &out), -1);
  EXPECT_EQ(http_resolve_location(&base, "/a b", &out), -1);
}

TEST(HttpChunked, DecodesWholeAndBytewise) {
  const std::string body =
      "4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\nNEXT";
  for (size_t step : {body.size(), size_t{1}, size_t{3}, size_t{7}}) {
    std::string rest;
    EXPECT_EQ(Dechunk(body, step, &rest), "Wikipedia in\r\n\r\nchunks.") << step;
    EXPECT_EQ(rest, "NEXT") << step;
  }
}

TEST(HttpChunked, TrailersAreSkipped) {
  EXPECT_EQ(Dechunk("3\r\nabc\r\n0\r\nX-Sum: 1\r\nY: 2\r\n\r\n", 2), "abc");
  EXPECT_EQ(Dechunk("3\nabc\n0\n\n", 1), "abc");  // bare LF
}

TEST(HttpChunked, MalformedBodiesAreRefused) {
  EXPECT_EQ(Dechunk("x\r\n", 1), "ERROR");
  EXPECT_EQ(Dechunk("\r\n", 1), "ERROR");
  EXPECT_EQ(Dechunk("3\r\nabcX\r\n", 1), "ERROR");  // no CRLF after the data
  EXPECT_EQ(Dechunk("3\rX", 1), "ERROR");
  EXPECT_EQ(Dechunk("10000000000000000\r\n", 4), "ERROR");  // overflows 64 bits
  EXPECT_EQ(Dechunk("1;" + std::string(5000, 'e') + "\r\n", 100), "ERROR");
}

TEST(HttpChunked, AnUnfinishedBodyAsksForMore) {
  EXPECT_EQ(Dechunk("5\r\nab", 2), "ab<unfinished>");
}

TEST(HttpTargetPath, MapsBelowTheDirectory) {
  int dir = -1;
  EXPECT_EQ(TargetPath("/", &dir), "");
  EXPECT_EQ(dir, 1);
  EXPECT_EQ(TargetPath("/a/b.txt?x=..", &dir), "a/b.txt");
  EXPECT_EQ(dir, 0);
  EXPECT_EQ(TargetPath("//a/./b//", &dir), "a/b");
  EXPECT_EQ(dir, 1);
  EXPECT_EQ(TargetPath("/a%20b"), "a b");
  EXPECT_EQ(TargetPath("/a..b/...c"), "a..b/...c");
}

TEST(HttpTargetPath, NeverLeavesTheDirectory) {
  for (const char* bad : {"/..", "/../etc/passwd", "/a/../../x", "/%2e%2e/x", "/a/%2E%2e",
                          "/a%2f..%2fb", "relative", "/%00", "/%4", "/%zz", "*"}) {
    EXPECT_EQ(TargetPath(bad), "REFUSED") << bad;
  }
  EXPECT_EQ(TargetPath(("/" + std::string(100, 'a')).c_str()), "REFUSED");  // too long
}

TEST(HttpReason, NamesTheStatusesWeSend) {
  EXPECT_STREQ(http_reason(404), "Not Found");
  EXPECT_STREQ(http_reason(413), "Content Too Large");
  EXPECT_STREQ(http_reason(299), "Unknown");
}

}  // namespace
