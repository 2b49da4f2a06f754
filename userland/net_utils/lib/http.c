/* HTTP/1.1 heads, URLs and chunked bodies: see http.h. */
#include "userland/net_utils/lib/http.h"

#include <string.h>

#define CHUNK_LINE_MAX 4096  /* a chunk-size line with extensions, a trailer line */
#define LENGTH_DIGITS_MAX 18 /* below INT64_MAX */

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int is_tchar(int c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int hex_value(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* Case-insensitive comparison of [p, p+n) with a lower-case literal. */
static int equals_ci(const char* p, size_t n, const char* literal) {
  if (strlen(literal) != n) return 0;
  for (size_t i = 0; i < n; ++i) {
    if (lower((unsigned char)p[i]) != literal[i]) return 0;
  }
  return 1;
}

long http_head_length(const char* buf, size_t len) {
  const size_t limit = len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX;
  for (size_t i = 0; i < limit; ++i) {
    if (buf[i] != '\n') continue;
    /* RFC 9112 2.2: a bare LF may end a line, so "\n\n" and "\n\r\n" end a head. */
    if (i + 1 < limit && buf[i + 1] == '\n') return (long)(i + 2);
    if (i + 2 < limit && buf[i + 1] == '\r' && buf[i + 2] == '\n') return (long)(i + 3);
  }
  return len >= HTTP_HEAD_MAX ? -1 : 0;
}

/* The next line of [*p, end): its bytes without CR LF in [start, start +
 * *n); advances *p. Returns 0 at the end. */
static int next_line(const char** p, const char* end, const char** start, size_t* n) {
  if (*p >= end) return 0;
  const char* nl = memchr(*p, '\n', (size_t)(end - *p));
  const char* stop = nl != NULL ? nl : end;
  *start = *p;
  *n = (size_t)(stop - *p);
  if (*n > 0 && (*start)[*n - 1] == '\r') --*n;
  *p = nl != NULL ? nl + 1 : end;
  return 1;
}

/* The headers both directions care about. */
struct headers {
  int64_t content_length;
  int chunked;
  int other_coding;
  int has_close, has_keep_alive, expect_continue, has_host;
  char location[HTTP_TARGET_MAX];
  int location_too_long;
};

static int parse_length(const char* v, size_t n, int64_t* out) {
  if (n == 0 || n > LENGTH_DIGITS_MAX) return -1;
  int64_t value = 0;
  for (size_t i = 0; i < n; ++i) {
    if (v[i] < '0' || v[i] > '9') return -1;
    value = value * 10 + (v[i] - '0');
  }
  *out = value;
  return 0;
}

/* Each comma-separated token of a Connection value. */
static void parse_connection(const char* v, size_t n, struct headers* h) {
  size_t i = 0;
  while (i < n) {
    while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ',')) ++i;
    const size_t start = i;
    while (i < n && v[i] != ',' && v[i] != ' ' && v[i] != '\t') ++i;
    if (equals_ci(v + start, i - start, "close")) h->has_close = 1;
    if (equals_ci(v + start, i - start, "keep-alive")) h->has_keep_alive = 1;
  }
}

/* One "Name: value" line. Returns 0 or -1 (malformed). */
static int parse_header(const char* line, size_t n, struct headers* h) {
  /* obs-fold (a line starting with whitespace) is refused (RFC 9112 5.2). */
  size_t colon = 0;
  while (colon < n && is_tchar((unsigned char)line[colon])) ++colon;
  if (colon == 0 || colon == n || line[colon] != ':') return -1; /* also "Name :" (5.1) */
  const char* v = line + colon + 1;
  size_t vn = n - colon - 1;
  while (vn > 0 && (*v == ' ' || *v == '\t')) ++v, --vn;
  while (vn > 0 && (v[vn - 1] == ' ' || v[vn - 1] == '\t')) --vn;
  for (size_t i = 0; i < vn; ++i) {
    const unsigned char c = (unsigned char)v[i];
    if ((c < 0x20 && c != '\t') || c == 0x7f) return -1;
  }
  if (equals_ci(line, colon, "content-length")) {
    int64_t length = 0;
    if (parse_length(v, vn, &length) != 0) return -1;
    /* Two different lengths are a smuggling attempt (RFC 9112 6.3 item 5). */
    if (h->content_length >= 0 && h->content_length != length) return -1;
    h->content_length = length;
  } else if (equals_ci(line, colon, "transfer-encoding")) {
    if (h->chunked) return -1; /* chunked twice */
    if (equals_ci(v, vn, "chunked")) {
      h->chunked = 1;
    } else {
      h->other_coding = 1;
    }
  } else if (equals_ci(line, colon, "connection")) {
    parse_connection(v, vn, h);
  } else if (equals_ci(line, colon, "expect")) {
    if (equals_ci(v, vn, "100-continue")) h->expect_continue = 1;
  } else if (equals_ci(line, colon, "host")) {
    if (h->has_host) return -1; /* RFC 9112 3.2: exactly one */
    h->has_host = 1;
  } else if (equals_ci(line, colon, "location")) {
    if (vn >= sizeof(h->location)) {
      h->location_too_long = 1;
    } else {
      memcpy(h->location, v, vn);
      h->location[vn] = '\0';
    }
  }
  return 0;
}

/* Every header line after the start line. Returns 0 or -1. */
static int parse_headers(const char** p, const char* end, struct headers* h) {
  memset(h, 0, sizeof(*h));
  h->content_length = -1;
  const char* line;
  size_t n;
  while (next_line(p, end, &line, &n)) {
    if (n == 0) return 0; /* the blank line */
    if (parse_header(line, n, h) != 0) return -1;
  }
  return -1; /* no blank line: not a whole head */
}

/* "HTTP/1.x": 0 with the minor version, 1 for another HTTP version, -1 otherwise. */
static int parse_version(const char* v, size_t n, int* minor) {
  if (n != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' || v[5] < '0' || v[5] > '9' ||
      v[7] < '0' || v[7] > '9') {
    return -1;
  }
  if (v[5] != '1' || (v[7] != '0' && v[7] != '1')) return 1;
  *minor = v[7] - '0';
  return 0;
}

int http_parse_request(const char* head, size_t len, struct http_request* out) {
  memset(out, 0, sizeof(*out));
  out->content_length = -1;
  const char* p = head;
  const char* end = head + len;
  const char* line;
  size_t n;
  /* RFC 9112 2.2: empty lines before the request line are ignored. */
  do {
    if (!next_line(&p, end, &line, &n)) return 400;
  } while (n == 0);
  const char* sp1 = memchr(line, ' ', n);
  if (sp1 == NULL) return 400;
  const size_t method_len = (size_t)(sp1 - line);
  if (method_len == 0 || method_len > 16) return 400;
  for (size_t i = 0; i < method_len; ++i) {
    if (!is_tchar((unsigned char)line[i])) return 400;
  }
  const char* target = sp1 + 1;
  const char* sp2 = memchr(target, ' ', (size_t)(line + n - target));
  if (sp2 == NULL || sp2 == target) return 400;
  const size_t target_len = (size_t)(sp2 - target);
  for (size_t i = 0; i < target_len; ++i) {
    const unsigned char c = (unsigned char)target[i];
    if (c <= 0x20 || c >= 0x7f) return 400;
  }
  const int version = parse_version(sp2 + 1, (size_t)(line + n - sp2 - 1), &out->minor_version);
  if (version < 0) return 400;
  if (version > 0) return 505;
  if (target_len >= sizeof(out->target)) return 414;
  memcpy(out->target, target, target_len);
  out->target[target_len] = '\0';
  /* Methods are case-sensitive (RFC 9110 9.1). */
  out->method = method_len == 3 && memcmp(line, "GET", 3) == 0    ? HTTP_GET
                : method_len == 4 && memcmp(line, "HEAD", 4) == 0 ? HTTP_HEAD
                : method_len == 3 && memcmp(line, "PUT", 3) == 0  ? HTTP_PUT
                                                                  : HTTP_OTHER;
  struct headers h;
  if (parse_headers(&p, end, &h) != 0) return 400;
  if (h.chunked && h.content_length >= 0) return 400; /* RFC 9112 6.3 item 3: smuggling */
  if (h.other_coding) return 501;
  if (out->minor_version == 1 && !h.has_host) return 400;
  out->content_length = h.content_length;
  out->chunked = h.chunked;
  out->expect_continue = h.expect_continue;
  out->keep_alive = out->minor_version == 1 ? !h.has_close : (h.has_keep_alive && !h.has_close);
  return 0;
}

int http_parse_response(const char* head, size_t len, struct http_response* out) {
  memset(out, 0, sizeof(*out));
  out->content_length = -1;
  const char* p = head;
  const char* end = head + len;
  const char* line;
  size_t n;
  if (!next_line(&p, end, &line, &n) || n < 12) return -1;
  if (parse_version(line, 8, &out->minor_version) != 0 || line[8] != ' ') return -1;
  int status = 0;
  for (int i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') return -1;
    status = status * 10 + (line[i] - '0');
  }
  if (status < 100 || status > 599 || (n > 12 && line[12] != ' ')) return -1;
  out->status = status;
  struct headers h;
  if (parse_headers(&p, end, &h) != 0) return -1;
  if (h.other_coding || (h.chunked && h.content_length >= 0) || h.location_too_long) return -1;
  out->content_length = h.content_length;
  out->chunked = h.chunked;
  out->keep_alive = out->minor_version == 1 ? !h.has_close : (h.has_keep_alive && !h.has_close);
  memcpy(out->location, h.location, sizeof(out->location));
  return 0;
}

int http_response_has_body(enum http_method method, int status) {
  return method != HTTP_HEAD && status >= 200 && status != 204 && status != 304;
}

static int copy_checked(char* out, size_t capacity, const char* a, size_t an, const char* b,
                        size_t bn) {
  if (an + bn >= capacity) return -1;
  memcpy(out, a, an);
  memcpy(out + an, b, bn);
  out[an + bn] = '\0';
  return 0;
}

int http_parse_url(const char* url, struct http_url* out) {
  memset(out, 0, sizeof(*out));
  if (strlen(url) < 7 || !equals_ci(url, 7, "http://")) return -1;
  for (const char* c = url; *c != '\0'; ++c) {
    if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f) return -1;
  }
  const char* p = url + 7;
  const char* host = p;
  size_t host_len;
  if (*p == '[') { /* an IPv6 literal */
    const char* close = strchr(p, ']');
    if (close == NULL) return -1;
    host = p + 1;
    host_len = (size_t)(close - host);
    p = close + 1;
  } else {
    host_len = strcspn(p, ":/?#");
    p += host_len;
  }
  if (host_len == 0 || host_len >= sizeof(out->host) || memchr(host, '@', host_len) != NULL) {
    return -1; /* credentials in a URL are refused, not sent in clear */
  }
  memcpy(out->host, host, host_len);
  out->port = 80;
  if (*p == ':') {
    ++p;
    unsigned long port = 0;
    const char* digits = p;
    while (*p >= '0' && *p <= '9' && port <= 65535) port = port * 10 + (unsigned long)(*p++ - '0');
    if (p == digits || port == 0 || port > 65535) return -1;
    out->port = (uint16_t)port;
  }
  if (*p != '\0' && *p != '/' && *p != '?' && *p != '#') return -1;
  const size_t path_len = strcspn(p, "#"); /* a fragment is never sent */
  if (path_len == 0 || *p == '#') return copy_checked(out->path, sizeof(out->path), "/", 1, "", 0);
  if (*p == '?') return copy_checked(out->path, sizeof(out->path), "/", 1, p, path_len);
  return copy_checked(out->path, sizeof(out->path), p, path_len, "", 0);
}

int http_resolve_location(const struct http_url* base, const char* location, struct http_url* out) {
  const size_t n = strlen(location);
  if (n == 0) return -1;
  if (n >= 7 && equals_ci(location, 7, "http://")) return http_parse_url(location, out);
  if (location[0] == '/' && location[1] == '/') { /* scheme-relative */
    char url[HTTP_TARGET_MAX + 8];
    if (copy_checked(url, sizeof(url), "http:", 5, location, n) != 0) return -1;
    return http_parse_url(url, out);
  }
  if (strchr(location, ':') != NULL && strcspn(location, ":") < strcspn(location, "/?#")) {
    return -1; /* another scheme: https:, ftp: */
  }
  for (size_t i = 0; i < n; ++i) {
    if ((unsigned char)location[i] <= 0x20 || (unsigned char)location[i] >= 0x7f) return -1;
  }
  *out = *base;
  if (location[0] == '/') return copy_checked(out->path, sizeof(out->path), location, n, "", 0);
  /* Relative: replaces the last segment of the base's path (RFC 3986 5.2.3). */
  const size_t query = strcspn(base->path, "?");
  size_t dir = query;
  while (dir > 0 && base->path[dir - 1] != '/') --dir;
  return copy_checked(out->path, sizeof(out->path), base->path, dir, location, n);
}

enum {
  CHUNK_SIZE,      /* hex digits */
  CHUNK_EXTENSION, /* after the size: ";name=value" or whitespace, to the line's end */
  CHUNK_SIZE_LF,   /* CR seen, LF next */
  CHUNK_DATA,
  CHUNK_DATA_CR, /* the CR LF after the data */
  CHUNK_DATA_LF,
  CHUNK_TRAILER_START, /* the start of a trailer line, or the final blank line */
  CHUNK_TRAILER_LINE,
  CHUNK_FINAL_LF,
  CHUNK_DONE,
};

void http_chunked_init(struct http_chunked* c) { memset(c, 0, sizeof(*c)); }

/* The size line ended: data next, or the trailers after the last chunk. */
static void size_line_ended(struct http_chunked* c) {
  c->state = c->left > 0 ? CHUNK_DATA : CHUNK_TRAILER_START;
  c->line = 0;
}

int http_chunked_decode(struct http_chunked* c, char* buf, size_t len, size_t* data_len,
                        size_t* consumed) {
  size_t in = 0;
  size_t out = 0;
  *data_len = 0;
  *consumed = 0;
  while (in < len && c->state != CHUNK_DONE) {
    if (c->state == CHUNK_DATA) {
      size_t n = len - in;
      if (n > c->left) n = (size_t)c->left;
      memmove(buf + out, buf + in, n);
      out += n;
      in += n;
      c->left -= n;
      if (c->left == 0) c->state = CHUNK_DATA_CR;
      continue;
    }
    const char ch = buf[in++];
    if (++c->line > CHUNK_LINE_MAX) return -1;
    switch (c->state) {
      case CHUNK_SIZE: {
        const int digit = hex_value((unsigned char)ch);
        if (digit >= 0) {
          if (c->left >> 56) return -1; /* 15 hex digits at most: no overflow */
          c->left = c->left * 16 + (uint64_t)digit;
          c->saw_digit = 1;
        } else if (!c->saw_digit) {
          return -1;
        } else if (ch == ';' || ch == ' ' || ch == '\t') {
          c->state = CHUNK_EXTENSION;
        } else if (ch == '\r') {
          c->state = CHUNK_SIZE_LF;
        } else if (ch == '\n') {
          size_line_ended(c);
        } else {
          return -1;
        }
        break;
      }
      case CHUNK_EXTENSION:
        if (ch == '\r') c->state = CHUNK_SIZE_LF;
        if (ch == '\n') size_line_ended(c);
        break;
      case CHUNK_SIZE_LF:
        if (ch != '\n') return -1;
        size_line_ended(c);
        break;
      case CHUNK_DATA_CR:
        if (ch == '\n') {
          c->state = CHUNK_SIZE;
          c->saw_digit = 0;
          c->line = 0;
        } else if (ch == '\r') {
          c->state = CHUNK_DATA_LF;
        } else {
          return -1;
        }
        break;
      case CHUNK_DATA_LF:
        if (ch != '\n') return -1;
        c->state = CHUNK_SIZE;
        c->saw_digit = 0;
        c->line = 0;
        break;
      case CHUNK_TRAILER_START:
        c->line = 1;
        if (ch == '\r') {
          c->state = CHUNK_FINAL_LF;
        } else if (ch == '\n') {
          c->state = CHUNK_DONE;
        } else {
          c->state = CHUNK_TRAILER_LINE; /* trailers are read and ignored */
        }
        break;
      case CHUNK_TRAILER_LINE:
        if (ch == '\n') c->state = CHUNK_TRAILER_START;
        break;
      case CHUNK_FINAL_LF:
        if (ch != '\n') return -1;
        c->state = CHUNK_DONE;
        break;
      default:
        return -1;
    }
  }
  *data_len = out;
  *consumed = in;
  return c->state == CHUNK_DONE ? 1 : 0;
}

int http_target_path(const char* target, char* out, size_t capacity, int* is_directory) {
  if (target[0] != '/' || capacity == 0) return -1;
  const size_t raw_len = strcspn(target, "?#");
  *is_directory = target[raw_len - 1] == '/';
  size_t n = 0;
  size_t segment = 0; /* where the current segment starts in out */
  for (size_t i = 1; i <= raw_len; ++i) {
    char ch = '/'; /* past the end: a separator that ends the last segment */
    if (i < raw_len && target[i] == '%') {
      if (i + 2 >= raw_len) return -1;
      const int hi = hex_value((unsigned char)target[i + 1]);
      const int lo = hex_value((unsigned char)target[i + 2]);
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return -1;
      ch = (char)(hi * 16 + lo);
      i += 2;
    } else if (i < raw_len) {
      ch = target[i];
    }
    if (ch != '/') {
      if (n + 1 >= capacity) return -1;
      out[n++] = ch;
      continue;
    }
    /* A segment ended: drop an empty one or ".", refuse "..". */
    const size_t seg_len = n - segment;
    if (seg_len == 2 && out[segment] == '.' && out[segment + 1] == '.') return -1;
    if (seg_len == 0 || (seg_len == 1 && out[segment] == '.')) {
      n = segment;
    } else if (i < raw_len) {
      if (n + 1 >= capacity) return -1;
      out[n++] = '/';
      segment = n;
      continue;
    }
    segment = n;
  }
  /* A trailing separator may be left by the last kept segment. */
  if (n > 0 && out[n - 1] == '/') --n;
  out[n] = '\0';
  return 0;
}

const char* http_reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}
