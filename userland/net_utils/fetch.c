/* fetch: downloads URL over HTTP/1.1 to FILE (or stdout): a body sized
 * by Content-Length, chunked, or up to the connection's end; redirects
 * followed up to a limit; every connect and read bounded by a timeout.
 * Anything but a whole 2xx body is a failure (status 1), and a partial
 * FILE is removed, so a script can trust a FILE that exists. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "userland/net_utils/lib/http.h"
#include "userland/net_utils/lib/sock.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "fetch",
    .usage = "[-v] [-t SECONDS] [-r COUNT] URL [FILE]",
    .help =
        "Downloads URL (http://HOST[:PORT]/PATH) to FILE; to stdout without FILE\n"
        "or with '-'. Follows redirects. Fails (status 1) on an error status,\n"
        "a timeout or a body cut short, and then leaves no FILE behind.\n"
        "  -t SECONDS  the limit for connecting and for each read (default 30)\n"
        "  -r COUNT    redirects followed at most (default 5)\n"
        "  -v          a progress line on stderr\n"};

#define BUFFER (64 * 1024)

static struct {
  int timeout_ms;
  int verbose;
  const char* file; /* NULL: stdout */
  int out;          /* -1 until the body starts */
  uint64_t written, expected;
  time_t started;
} g;

static char buffer[BUFFER];

static int write_out(const char* data, size_t len) {
  if (g.out < 0) {
    g.out = g.file == NULL ? STDOUT_FILENO : open(g.file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (g.out < 0) {
      util_errno("%s", g.file);
      return -1;
    }
  }
  while (len > 0) {
    const ssize_t n = write(g.out, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      util_errno("%s", g.file != NULL ? g.file : "stdout");
      return -1;
    }
    data += n;
    len -= (size_t)n;
    g.written += (uint64_t)n;
  }
  if (g.verbose) { /* once a write, which is once per received buffer at most */
    const double seconds = difftime(time(NULL), g.started);
    const double rate = seconds > 0 ? (double)g.written / 1024.0 / seconds : 0.0;
    if (g.expected > 0) {
      fprintf(stderr, "\rfetch: %llu of %llu bytes, %.0f KiB/s", (unsigned long long)g.written,
              (unsigned long long)g.expected, rate);
    } else {
      fprintf(stderr, "\rfetch: %llu bytes, %.0f KiB/s", (unsigned long long)g.written, rate);
    }
  }
  return 0;
}

/* Reads more of the response; a timeout or an error is said. */
static ssize_t receive(int fd, char* into, size_t len) {
  const ssize_t n = sock_read(fd, into, len, g.timeout_ms);
  if (n < 0) util_errno(errno == ETIMEDOUT ? "no answer" : "receive");
  return n;
}

/* The body after the head: `have` bytes of it are already in buffer. */
static int read_body(int fd, const struct http_response* r, size_t have) {
  struct http_chunked decoder;
  http_chunked_init(&decoder);
  uint64_t left = r->content_length >= 0 ? (uint64_t)r->content_length : UINT64_MAX;
  g.expected = r->content_length > 0 ? (uint64_t)r->content_length : 0;
  for (;;) {
    if (r->chunked) {
      size_t data = 0, consumed = 0;
      const int status = http_chunked_decode(&decoder, buffer, have, &data, &consumed);
      if (status < 0) {
        util_error("malformed chunked body");
        return -1;
      }
      if (write_out(buffer, data) != 0) return -1;
      if (status == 1) return 0;
    } else {
      const size_t take = have < left ? have : (size_t)left;
      if (write_out(buffer, take) != 0) return -1;
      if (left != UINT64_MAX) left -= take;
      if (left == 0) return 0;
    }
    const ssize_t n = receive(fd, buffer, sizeof(buffer));
    if (n < 0) return -1;
    if (n == 0) {
      if (!r->chunked && r->content_length < 0) return 0; /* the end is the end */
      util_error("connection closed after %llu bytes of %s", (unsigned long long)g.written,
                 r->chunked ? "a chunked body" : "the body");
      return -1;
    }
    have = (size_t)n;
  }
}

/* One request. Returns 0 (the body is out), 1 (a redirect: *next set) or -1. */
static int fetch_once(const struct http_url* url, struct http_url* next) {
  const char* why = NULL;
  const int fd = sock_connect(url->host, url->port, SOCK_STREAM, g.timeout_ms, &why);
  if (fd < 0) {
    util_error("%s port %u: %s", url->host, (unsigned)url->port,
               errno == ETIMEDOUT ? "connection timed out" : why);
    return -1;
  }
  char request[HTTP_TARGET_MAX + HTTP_HOST_MAX + 128];
  const int v6 = strchr(url->host, ':') != NULL;
  char port[8] = "";
  if (url->port != 80) snprintf(port, sizeof(port), ":%u", (unsigned)url->port);
  const int len = snprintf(request, sizeof(request),
                           "GET %s HTTP/1.1\r\nHost: %s%s%s%s\r\nUser-Agent: ViperDOS-fetch\r\n"
                           "Accept: */*\r\nConnection: close\r\n\r\n",
                           url->path, v6 ? "[" : "", url->host, v6 ? "]" : "", port);
  int result = -1;
  size_t have = 0;
  long head = 0;
  if (sock_write_all(fd, request, (size_t)len, g.timeout_ms) != 0) {
    util_errno("send");
    goto done;
  }
  while ((head = http_head_length(buffer, have)) == 0) {
    const ssize_t n = receive(fd, buffer + have, sizeof(buffer) - have);
    if (n < 0) goto done;
    if (n == 0) {
      util_error("%s: connection closed before a response", url->host);
      goto done;
    }
    have += (size_t)n;
  }
  struct http_response r;
  if (head < 0 || http_parse_response(buffer, (size_t)head, &r) != 0) {
    util_error("%s: malformed response", url->host);
    goto done;
  }
  if (r.status >= 100 && r.status < 200) { /* an interim answer we did not ask for */
    util_error("%s: unexpected %d", url->host, r.status);
    goto done;
  }
  const int redirect =
      r.status == 301 || r.status == 302 || r.status == 303 || r.status == 307 || r.status == 308;
  if (redirect && r.location[0] != '\0') {
    if (http_resolve_location(url, r.location, next) != 0) {
      util_error("cannot follow the redirect to '%s'", r.location);
      goto done;
    }
    result = 1;
    goto done;
  }
  if (r.status < 200 || r.status > 299) {
    util_error("http://%s%s%s: %d %s", url->host, port, url->path, r.status, http_reason(r.status));
    goto done;
  }
  memmove(buffer, buffer + head, have - (size_t)head);
  if (!http_response_has_body(HTTP_GET, r.status)) {
    result = write_out(buffer, 0);
  } else {
    result = read_body(fd, &r, have - (size_t)head);
  }
done:
  close(fd);
  return result;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  g.timeout_ms = 30000;
  g.out = -1;
  int redirects = 5;
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int opt; (opt = util_next_option(&o, "t:r:v")) != -1;) {
    switch (opt) {
      case 't':
        g.timeout_ms = (int)util_parse_number(o.arg, "timeout", 86400) * 1000;
        break;
      case 'r':
        redirects = (int)util_parse_number(o.arg, "redirect count", 100);
        break;
      case 'v':
        g.verbose = 1;
        break;
    }
  }
  if (o.index == argc) util_usage_error("missing URL");
  if (argc - o.index > 2) util_usage_error("extra operand '%s'", argv[o.index + 2]);
  struct http_url url;
  if (http_parse_url(argv[o.index], &url) != 0) {
    util_usage_error("invalid URL '%s' (http://HOST[:PORT]/PATH)", argv[o.index]);
  }
  if (o.index + 1 < argc && strcmp(argv[o.index + 1], "-") != 0) g.file = argv[o.index + 1];
  signal(SIGPIPE, SIG_IGN);
  g.started = time(NULL);
  int result;
  for (int followed = 0;; ++followed) {
    struct http_url next;
    result = fetch_once(&url, &next);
    if (result != 1) break;
    if (followed == redirects) {
      util_error("more than %d redirects", redirects);
      result = -1;
      break;
    }
    url = next;
  }
  if (g.verbose && g.written > 0) fprintf(stderr, "\n");
  /* A FILE that exists is whole, and on the disk. */
  if (g.out >= 0 && g.file != NULL && result == 0 && fsync(g.out) != 0) {
    util_errno("%s", g.file);
    result = -1;
  }
  if (g.out >= 0 && g.file != NULL && close(g.out) != 0 && result == 0) {
    util_errno("%s", g.file);
    result = -1;
  }
  if (result != 0 && g.file != NULL && g.out >= 0) unlink(g.file);
  return result == 0 ? UTIL_OK : UTIL_FAILURE;
}
