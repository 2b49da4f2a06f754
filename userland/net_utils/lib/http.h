/* HTTP/1.1 messages without I/O (RFC 9112): the request and response
 * heads, URLs, chunked bodies and the mapping of a request target to a
 * file below a served directory. fetch and httpd parse with it; it runs
 * unchanged on the host, so unit tests and a libFuzzer target
 * (testing/fuzz/http_fuzzer.cc) cover every byte a peer can send.
 *
 * Every function takes a length: nothing here needs a NUL the peer did
 * not send, nothing reads past `len`, and every limit is a named constant
 * below. A malformed message is refused, never guessed at (request
 * smuggling lives in lenient parsers: RFC 9112 6.3, 11.2). */
#ifndef VIPERDOS_NET_UTILS_HTTP_H_
#define VIPERDOS_NET_UTILS_HTTP_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HTTP_HEAD_MAX 8192   /* request or response line and headers */
#define HTTP_TARGET_MAX 1024 /* a request target, a redirect's Location */
#define HTTP_HOST_MAX 256

/* The end of a head: the length through the blank line that ends it, 0
 * if `len` bytes do not hold it yet, -1 if HTTP_HEAD_MAX bytes do not. */
long http_head_length(const char* buf, size_t len);

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_PUT, HTTP_OTHER };

struct http_request {
  enum http_method method;
  char target[HTTP_TARGET_MAX]; /* as sent: "/a%20b?x=1" */
  int minor_version;            /* HTTP/1.0 or HTTP/1.1 */
  int64_t content_length;       /* -1: none */
  int chunked;                  /* Transfer-Encoding: chunked */
  int keep_alive;               /* 1.1 unless "close"; 1.0 only with "keep-alive" */
  int expect_continue;          /* Expect: 100-continue */
};

/* Parses a head of http_head_length bytes. Returns 0, or the status the
 * server should answer with: 400 (malformed, or an ambiguous body
 * length), 414 (target too long), 501 (a transfer coding other than
 * chunked), 505 (not HTTP/1.x). */
int http_parse_request(const char* head, size_t len, struct http_request* out);

struct http_response {
  int status;
  int minor_version;
  int64_t content_length; /* -1: none */
  int chunked;
  int keep_alive;
  char location[HTTP_TARGET_MAX]; /* "" when absent */
};

/* Parses a response head. Returns 0 or -1 (malformed). */
int http_parse_response(const char* head, size_t len, struct http_response* out);

/* Whether a response to `method` with this status has a body at all
 * (RFC 9112 6.3: HEAD, 1xx, 204, 304 never do). */
int http_response_has_body(enum http_method method, int status);

struct http_url {
  char host[HTTP_HOST_MAX];   /* name or dotted address, no brackets */
  uint16_t port;              /* 80 unless given */
  char path[HTTP_TARGET_MAX]; /* "/..." with the query; "/" at least */
};

/* "http://HOST[:PORT][/PATH]". Returns 0 or -1 (another scheme, an
 * empty host, a bad port, too long). */
int http_parse_url(const char* url, struct http_url* out);

/* A redirect's Location against the URL it answered: absolute
 * ("http://..."), absolute path ("/x") or relative ("x", "../x" as
 * given: the server resolves dot segments). Returns 0 or -1. */
int http_resolve_location(const struct http_url* base, const char* location, struct http_url* out);

/* A chunked body (RFC 9112 7.1), decoded in place as it arrives. */
struct http_chunked {
  int state;
  uint64_t left; /* data bytes left in this chunk */
  unsigned line; /* bytes of the current size or trailer line */
  int saw_digit;
};
void http_chunked_init(struct http_chunked* c);
/* Decodes `len` bytes of `buf`; the body's data is moved to the front
 * of `buf` and its length stored in *data_len. Returns 0 (more to come),
 * 1 (the body ended: *consumed bytes of `buf` were the body's, the rest
 * belongs to the next message) or -1 (malformed). */
int http_chunked_decode(struct http_chunked* c, char* buf, size_t len, size_t* data_len,
                        size_t* consumed);

/* The file a request target names below the served directory: the path
 * without its query, percent-decoded, as a relative path without "."
 * segments or repeated slashes ("" for the directory itself). Refused
 * (-1): a target not starting with '/', a ".." segment (never a path
 * outside the directory), a NUL or a bad escape, longer than `capacity`.
 * *is_directory says the target ended in '/'. */
int http_target_path(const char* target, char* out, size_t capacity, int* is_directory);

/* The reason phrase of a status code ("Not Found"). */
const char* http_reason(int status);

#ifdef __cplusplus
}
#endif

#endif /* VIPERDOS_NET_UTILS_HTTP_H_ */
