/* httpd: serves a directory over HTTP/1.1 (GET, HEAD; PUT uploads, as
 * `curl -T`), directory listings, any number of clients at once in one
 * poll loop over non-blocking sockets. A client never blocks the others:
 * a slow reader only stops its own transfer, a malformed request gets 400
 * and its connection closes, an idle one is closed after -t seconds.
 * Paths come through http_target_path: nothing outside DIR is served. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "userland/net_utils/lib/http.h"
#include "userland/net_utils/lib/sock.h"
#include "userland/utils/lib/util.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

static const struct util_program kProgram = {
    .name = "httpd",
    .usage = "[-q] [-p PORT] [-r DIR] [-a ADDR] [-m BYTES] [-t SECONDS]",
    .help =
        "Serves DIR over HTTP/1.1: GET and HEAD of files and directory listings,\n"
        "PUT to create or replace a file (curl -T). Says the port it listens on.\n"
        "  -p PORT     the port (default 80; 0: any free one)\n"
        "  -r DIR      the directory served (default .)\n"
        "  -a ADDR     the address to listen on (default every one)\n"
        "  -m BYTES    the largest upload (default 1073741824); larger gets 413\n"
        "  -t SECONDS  close a connection idle this long between requests\n"
        "              (default 30), ten times as long before its first\n"
        "              request and within one\n"
        "  -q          no line per request on stderr\n"};

#define MAX_CLIENTS 64
#define IO_BUFFER (64 * 1024)
#define TRANSFER_IDLE_FACTOR 10 /* -t times this, within a body or a response */
#define LINGER_SECONDS 2        /* reading after a refusal, so the answer is not lost to a RST */

enum state { READ_HEAD, READ_BODY, SEND, LINGER };

struct client {
  int fd; /* -1: a free slot */
  enum state state;
  char in[IO_BUFFER];
  size_t in_len;
  char* out; /* IO_BUFFER bytes, or a listing's size */
  size_t out_cap, out_len, out_off;
  int file;           /* sent (GET) or written (PUT); -1: none */
  uint64_t file_left; /* bytes of the file still to send */
  int64_t body_left;  /* PUT without chunking */
  int chunked;
  struct http_chunked decoder;
  uint64_t received;
  int keep_alive;
  int put_created;
  int eof;         /* the client sent its FIN: answer what it asked, then close */
  uint64_t served; /* responses sent on the connection */
  time_t last_active;
  char peer[24];
};

static struct {
  const char* root;
  uint64_t max_upload;
  int idle_seconds;
  int quiet;
  struct client clients[MAX_CLIENTS];
} g;

static void out_reserve(struct client* c, size_t extra) {
  if (c->out_len + extra <= c->out_cap) return;
  size_t cap = c->out_cap;
  while (cap < c->out_len + extra) cap *= 2;
  char* grown = realloc(c->out, cap);
  if (grown == NULL) return; /* out_append truncates; the client sees a short page */
  c->out = grown;
  c->out_cap = cap;
}

static void out_append(struct client* c, const char* text, size_t len) {
  out_reserve(c, len);
  if (c->out_len + len > c->out_cap) len = c->out_cap - c->out_len;
  memcpy(c->out + c->out_len, text, len);
  c->out_len += len;
}

static void out_printf(struct client* c, const char* format, ...)
    __attribute__((format(printf, 2, 3)));
static void out_printf(struct client* c, const char* format, ...) {
  char line[HTTP_TARGET_MAX * 3 + 256];
  va_list args;
  va_start(args, format);
  const int n = vsnprintf(line, sizeof(line), format, args);
  va_end(args);
  if (n > 0) out_append(c, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void log_request(const struct client* c, const char* method, const char* target,
                        int status) {
  if (!g.quiet) fprintf(stderr, "httpd: %s %s %s %d\n", c->peer, method, target, status);
}

/* A response's head; the body (length bytes) follows from the caller. */
static void response_head(struct client* c, int status, const char* type, uint64_t length,
                          const char* extra) {
  out_printf(c,
             "HTTP/1.1 %d %s\r\nServer: ViperDOS-httpd\r\nContent-Length: %llu\r\n"
             "%s%s%s%s%s\r\n",
             status, http_reason(status), (unsigned long long)length,
             type != NULL ? "Content-Type: " : "", type != NULL ? type : "",
             type != NULL ? "\r\n" : "", extra != NULL ? extra : "",
             c->keep_alive ? "" : "Connection: close\r\n");
  c->state = SEND;
}

/* A whole response with a short text body. A refusal closes the
 * connection: after one, what follows on it cannot be trusted. */
static void respond(struct client* c, int status, const char* extra, int with_body) {
  char body[64];
  const int n = snprintf(body, sizeof(body), "%d %s\n", status, http_reason(status));
  if (status >= 400) c->keep_alive = 0;
  const int empty = status == 201 || status == 204;
  response_head(c, status, empty ? NULL : "text/plain", empty ? 0 : (uint64_t)n, extra);
  if (with_body && !empty) out_append(c, body, (size_t)n);
}

static const char* content_type(const char* path) {
  const char* dot = strrchr(path, '.');
  if (dot == NULL || strchr(dot, '/') != NULL) return "application/octet-stream";
  if (strcmp(dot, ".html") == 0 || strcmp(dot, ".htm") == 0) return "text/html";
  if (strcmp(dot, ".txt") == 0 || strcmp(dot, ".c") == 0 || strcmp(dot, ".md") == 0) {
    return "text/plain";
  }
  return "application/octet-stream";
}

/* Text for HTML: the five characters that could close a tag or an attribute. */
static void out_html(struct client* c, const char* text) {
  for (const char* p = text; *p != '\0'; ++p) {
    switch (*p) {
      case '&':
        out_append(c, "&amp;", 5);
        break;
      case '<':
        out_append(c, "&lt;", 4);
        break;
      case '>':
        out_append(c, "&gt;", 4);
        break;
      case '"':
        out_append(c, "&quot;", 6);
        break;
      case '\'':
        out_append(c, "&#39;", 5);
        break;
      default:
        out_append(c, p, 1);
    }
  }
}

/* A name in a link: every byte but the unreserved ones percent-encoded. */
static void out_href(struct client* c, const char* name) {
  for (const unsigned char* p = (const unsigned char*)name; *p != '\0'; ++p) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
        strchr("-._~", *p) != NULL) {
      out_append(c, (const char*)p, 1);
    } else {
      out_printf(c, "%%%02X", *p);
    }
  }
}

static int compare_names(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

/* The listing of a directory, sorted, directories with a '/'. */
static void list_directory(struct client* c, const char* dir, const char* target, int head_only) {
  DIR* d = opendir(dir);
  if (d == NULL) {
    respond(c, errno == EACCES ? 403 : 404, NULL, !head_only);
    return;
  }
  char** names = NULL;
  size_t count = 0, cap = 0;
  for (struct dirent* e; (e = readdir(d)) != NULL;) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (count == cap) {
      cap = cap == 0 ? 64 : cap * 2;
      char** grown = realloc(names, cap * sizeof(*names));
      if (grown == NULL) break;
      names = grown;
    }
    char path[PATH_MAX];
    struct stat st;
    util_join_path(path, sizeof(path), dir, e->d_name);
    const int is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    const size_t len = strlen(e->d_name);
    names[count] = malloc(len + 2);
    if (names[count] == NULL) break;
    memcpy(names[count], e->d_name, len);
    memcpy(names[count] + len, is_dir ? "/" : "", is_dir ? 2 : 1);
    ++count;
  }
  closedir(d);
  qsort(names, count, sizeof(*names), compare_names);
  /* The body goes first, after room for the head; then the head is
   * written in front of it, now that its length is known. */
  static struct client body; /* one loop, one listing at a time */
  body.out = malloc(IO_BUFFER);
  body.out_cap = IO_BUFFER;
  body.out_len = 0;
  if (body.out == NULL) {
    respond(c, 500, NULL, !head_only);
  } else {
    out_append(&body, "<!DOCTYPE html>\n<title>", 23);
    out_html(&body, target);
    out_append(&body, "</title>\n<h1>", 13);
    out_html(&body, target);
    out_append(&body, "</h1>\n<ul>\n", 11);
    for (size_t i = 0; i < count; ++i) {
      out_append(&body, "<li><a href=\"", 13);
      const size_t len = strlen(names[i]);
      const int slash = names[i][len - 1] == '/';
      if (slash) names[i][len - 1] = '\0';
      out_href(&body, names[i]);
      if (slash) out_append(&body, "/", 1);
      out_append(&body, "\">", 2);
      out_html(&body, names[i]);
      if (slash) out_append(&body, "/", 1);
      out_append(&body, "</a>\n", 5);
    }
    out_append(&body, "</ul>\n", 6);
    response_head(c, 200, "text/html", body.out_len, NULL);
    if (!head_only) out_append(c, body.out, body.out_len);
    free(body.out);
  }
  for (size_t i = 0; i < count; ++i) free(names[i]);
  free(names);
}

static void serve_get(struct client* c, const struct http_request* r, const char* rel,
                      int is_directory) {
  const int head_only = r->method == HTTP_HEAD;
  char path[PATH_MAX];
  util_join_path(path, sizeof(path), g.root, rel);
  struct stat st;
  if (stat(path, &st) != 0) {
    respond(c, errno == EACCES ? 403 : 404, NULL, !head_only);
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    if (!is_directory) { /* "/dir" -> "/dir/", so relative links resolve below it */
      char location[HTTP_TARGET_MAX + 32];
      snprintf(location, sizeof(location), "Location: /%s/\r\n", rel);
      respond(c, 301, location, !head_only);
      return;
    }
    list_directory(c, path, r->target, head_only);
    return;
  }
  if (!S_ISREG(st.st_mode) || is_directory) {
    respond(c, 404, NULL, !head_only);
    return;
  }
  const int file = head_only ? -1 : open(path, O_RDONLY);
  if (!head_only && file < 0) {
    respond(c, errno == EACCES ? 403 : 404, NULL, 1);
    return;
  }
  response_head(c, 200, content_type(rel), (uint64_t)st.st_size, NULL);
  c->file = file;
  c->file_left = head_only ? 0 : (uint64_t)st.st_size;
}

static void start_put(struct client* c, const struct http_request* r, const char* rel,
                      int is_directory) {
  if (is_directory || rel[0] == '\0') {
    respond(c, 405, "Allow: GET, HEAD\r\n", 1);
    return;
  }
  if (r->content_length < 0 && !r->chunked) {
    respond(c, 411, NULL, 1);
    return;
  }
  if (r->content_length >= 0 && (uint64_t)r->content_length > g.max_upload) {
    respond(c, 413, NULL, 1);
    return;
  }
  char path[PATH_MAX];
  util_join_path(path, sizeof(path), g.root, rel);
  struct stat st;
  const int exists = stat(path, &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    respond(c, 405, "Allow: GET, HEAD\r\n", 1);
    return;
  }
  c->file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (c->file < 0) {
    respond(c, errno == ENOENT || errno == ENOTDIR ? 404 : errno == EACCES ? 403 : 500, NULL, 1);
    return;
  }
  c->put_created = !exists;
  c->body_left = r->content_length;
  c->chunked = r->chunked;
  http_chunked_init(&c->decoder);
  c->received = 0;
  c->state = READ_BODY;
  /* curl waits a second for this before sending a large body. */
  if (r->expect_continue) out_append(c, "HTTP/1.1 100 Continue\r\n\r\n", 25);
}

/* A whole head in c->in: answers it, or starts the body's upload. */
static void handle_head(struct client* c, size_t head_len) {
  struct http_request r;
  const int status = http_parse_request(c->in, head_len, &r);
  const char* method = status != 0             ? "?"
                       : r.method == HTTP_GET  ? "GET"
                       : r.method == HTTP_HEAD ? "HEAD"
                       : r.method == HTTP_PUT  ? "PUT"
                                               : "OTHER";
  memmove(c->in, c->in + head_len, c->in_len - head_len);
  c->in_len -= head_len;
  c->keep_alive = status == 0 && r.keep_alive;
  if (status != 0) {
    log_request(c, method, "-", status);
    respond(c, status, NULL, 1);
    return;
  }
  char rel[HTTP_TARGET_MAX];
  int is_directory = 0;
  if (http_target_path(r.target, rel, sizeof(rel), &is_directory) != 0) {
    log_request(c, method, r.target, 400);
    respond(c, 400, NULL, r.method != HTTP_HEAD);
    return;
  }
  /* A body on GET or HEAD is not read: the connection ends after the answer. */
  if (r.method != HTTP_PUT && (r.content_length > 0 || r.chunked)) c->keep_alive = 0;
  switch (r.method) {
    case HTTP_GET:
    case HTTP_HEAD:
      serve_get(c, &r, rel, is_directory);
      break;
    case HTTP_PUT:
      start_put(c, &r, rel, is_directory);
      break;
    default:
      respond(c, 405, "Allow: GET, HEAD, PUT\r\n", 1);
      break;
  }
  if (c->state != READ_BODY) log_request(c, method, r.target, atoi(c->out + 9));
}

static void close_file(struct client* c) {
  if (c->file >= 0) close(c->file);
  c->file = -1;
}

/* The upload ended (ok) or failed: the answer, and the file closed. A
 * 201 or 204 promises the bytes are on the disk: synced first (which
 * also empties fsd's cache of them, before the next upload fills it). */
static void finish_put(struct client* c, int status) {
  if (status < 300 && fsync(c->file) != 0) {
    util_errno("PUT: cannot sync");
    status = 500;
  }
  close_file(c);
  if (!g.quiet)
    fprintf(stderr, "httpd: %s PUT %llu bytes %d\n", c->peer, (unsigned long long)c->received,
            status);
  respond(c, status, NULL, 1);
}

/* A write may be short (a file server answers what it took): all of it. */
static int write_all(int fd, const char* data, size_t len) {
  while (len > 0) {
    const ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Writes the body bytes waiting in c->in to the file. */
static void pump_body(struct client* c) {
  size_t data = c->in_len, consumed = c->in_len;
  int done = 0;
  if (c->chunked) {
    const int status = http_chunked_decode(&c->decoder, c->in, c->in_len, &data, &consumed);
    if (status < 0) {
      finish_put(c, 400);
      return;
    }
    done = status == 1;
  } else {
    if ((int64_t)data > c->body_left) data = consumed = (size_t)c->body_left;
    c->body_left -= (int64_t)data;
    done = c->body_left == 0;
  }
  c->received += data;
  if (c->received > g.max_upload) {
    finish_put(c, 413);
    return;
  }
  if (write_all(c->file, c->in, data) != 0) {
    util_errno("PUT: cannot write"); /* the disk is full, or failed */
    finish_put(c, 500);
    return;
  }
  memmove(c->in, c->in + consumed, c->in_len - consumed);
  c->in_len -= consumed;
  if (done) finish_put(c, c->put_created ? 201 : 204);
}

/* Ends a connection before its time, saying why (unless -q). */
static void lose(struct client* c, const char* why) {
  if (!g.quiet) fprintf(stderr, "httpd: %s: connection lost: %s\n", c->peer, why);
}

static void drop(struct client* c) {
  close_file(c);
  close(c->fd);
  c->fd = -1;
}

/* After a response: the next request on the connection, or its end. */
static void response_sent(struct client* c) {
  c->out_len = c->out_off = 0;
  close_file(c);
  if (!c->keep_alive) {
    /* Half-close and read what the client still sends: closing with
     * unread bytes would reset the connection and lose our answer. */
    shutdown(c->fd, SHUT_WR);
    c->state = LINGER;
    c->last_active = time(NULL);
    return;
  }
  c->served++;
  c->state = READ_HEAD;
}

/* Fills the rest of the output buffer from the file being sent: a small
 * file leaves in the same segment as its head (head and body in two
 * sends would wait out the client's delayed ACK, Nagle's algorithm
 * holding the second). Returns 0, or -1 if the file shrank under us (the
 * length already sent cannot be kept). */
static int fill_from_file(struct client* c) {
  while (c->file_left > 0 && c->out_len < c->out_cap) {
    const size_t room = c->out_cap - c->out_len;
    const size_t want = c->file_left < room ? (size_t)c->file_left : room;
    const ssize_t n = read(c->file, c->out + c->out_len, want);
    if (n <= 0) return -1;
    c->out_len += (size_t)n;
    c->file_left -= (uint64_t)n;
  }
  return 0;
}

/* Sends what it can of the head, then of the file. */
static void pump_send(struct client* c) {
  for (;;) {
    if (c->out_off == c->out_len) {
      c->out_len = c->out_off = 0;
      if (c->state != SEND) return; /* the 100 Continue of an upload went */
      if (c->file_left == 0) {
        response_sent(c);
        return;
      }
    }
    if (c->state == SEND && c->file_left > 0 && fill_from_file(c) != 0) {
      lose(c, "the file shrank while it was sent");
      drop(c);
      return;
    }
    const ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        lose(c, strerror(errno));
        drop(c);
      }
      return;
    }
    c->out_off += (size_t)n;
    c->last_active = time(NULL);
  }
}

/* Reads what the client sent; acts on a whole head or body bytes. */
static void pump_receive(struct client* c) {
  const ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n < 0 || (n == 0 && c->state == LINGER)) {
    if (n < 0) lose(c, strerror(errno));
    drop(c);
    return;
  }
  if (n == 0) {
    c->eof = 1;
    c->keep_alive = 0;
    if (c->state == READ_BODY) finish_put(c, 400); /* the body was cut short */
    return;
  }
  c->last_active = time(NULL);
  if (c->state == LINGER) {
    c->in_len = 0; /* discarded */
    return;
  }
  c->in_len += (size_t)n;
}

/* Whatever c->in allows now: a request's head, an upload's bytes. */
static void advance(struct client* c) {
  if (c->state == READ_BODY) pump_body(c);
  if (c->state != READ_HEAD || c->in_len == 0) return;
  const long head = http_head_length(c->in, c->in_len);
  if (head < 0) {
    log_request(c, "?", "-", 431);
    c->in_len = 0;
    respond(c, 431, NULL, 1);
  } else if (head > 0) {
    handle_head(c, (size_t)head);
    if (c->eof) c->keep_alive = 0;
    if (c->state == READ_BODY) pump_body(c);
  } else if (c->eof) {
    drop(c); /* half a request, and nothing more will come */
  }
}

/* Everything the client's bytes and socket allow, until nothing changes. */
static void step(struct client* c) {
  for (;;) {
    const enum state before = c->state;
    const size_t in_before = c->in_len, out_before = c->out_off;
    advance(c);
    if (c->fd >= 0 && (c->state == SEND || c->out_len > c->out_off)) pump_send(c);
    if (c->fd < 0) return;
    if (c->state == READ_HEAD && c->eof && c->in_len == 0) {
      drop(c); /* the client closed between requests: a normal end */
      return;
    }
    if (c->state == before && c->in_len == in_before && c->out_off == out_before) return;
  }
}

static void accept_client(int listener) {
  struct client* c = NULL;
  for (int i = 0; i < MAX_CLIENTS && c == NULL; ++i) {
    if (g.clients[i].fd < 0) c = &g.clients[i];
  }
  if (c == NULL) return;
  struct sockaddr_in peer;
  socklen_t size = sizeof(peer);
  const int fd = accept(listener, (struct sockaddr*)&peer, &size);
  if (fd < 0) return;
  if (sock_set_nonblocking(fd, 1) != 0) {
    close(fd);
    return;
  }
  char* out = c->out;
  memset(c, 0, sizeof(*c));
  c->fd = fd;
  c->file = -1;
  c->out = out;
  c->out_cap = IO_BUFFER;
  c->state = READ_HEAD;
  c->last_active = time(NULL);
  snprintf(c->peer, sizeof(c->peer), "%s", inet_ntoa(peer.sin_addr));
}

static void serve(int listener) {
  struct pollfd polls[MAX_CLIENTS + 1];
  int which[MAX_CLIENTS + 1];
  for (;;) {
    int n = 0, free_slots = 0;
    for (int i = 0; i < MAX_CLIENTS; ++i) {
      struct client* c = &g.clients[i];
      if (c->fd < 0) {
        ++free_slots;
        continue;
      }
      short events = 0;
      if (c->state != SEND && !c->eof && c->in_len < sizeof(c->in)) events |= POLLIN;
      if (c->out_len > c->out_off || (c->state == SEND)) events |= POLLOUT;
      polls[n] = (struct pollfd){.fd = c->fd, .events = events};
      which[n++] = i;
    }
    if (free_slots > 0) {
      polls[n] = (struct pollfd){.fd = listener, .events = POLLIN};
      which[n++] = -1;
    }
    if (poll(polls, (nfds_t)n, 1000) < 0 && errno != EINTR) {
      util_errno("poll");
      return;
    }
    const time_t now = time(NULL);
    for (int k = 0; k < n; ++k) {
      if (which[k] < 0) {
        if (polls[k].revents & POLLIN) accept_client(listener);
        continue;
      }
      struct client* c = &g.clients[which[k]];
      if (polls[k].revents & (POLLIN | POLLHUP | POLLERR)) pump_receive(c);
      if (c->fd >= 0 && (polls[k].revents & POLLOUT)) pump_send(c);
      if (c->fd >= 0) step(c);
      /* -t is for a kept-alive client between requests. Before a
       * connection's first request and within a head, a body or a
       * response, silence is more often TCP backing off after losses
       * (RTOs of 16 s, 32 s, ...: a 32 KiB upload took up to 92 s at 20 %
       * loss through QEMU's slirp, whose backoff a lost first head also
       * waits out), not an idle client: a longer limit. */
      const int between_requests = c->state == READ_HEAD && c->served > 0 && c->in_len == 0;
      const int limit = c->state == LINGER ? LINGER_SECONDS
                        : between_requests ? g.idle_seconds
                                           : g.idle_seconds * TRANSFER_IDLE_FACTOR;
      if (c->fd >= 0 && now - c->last_active > limit) {
        if (c->state != LINGER) lose(c, "idle too long");
        drop(c);
      }
    }
  }
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  g.root = ".";
  g.max_upload = 1ull << 30;
  g.idle_seconds = 30;
  const char* addr = NULL;
  int port = 80;
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int opt; (opt = util_next_option(&o, "p:r:a:m:t:q")) != -1;) {
    switch (opt) {
      case 'p':
        port = sock_parse_port(o.arg, 1);
        if (port < 0) util_usage_error("invalid port '%s'", o.arg);
        break;
      case 'r':
        g.root = o.arg;
        break;
      case 'a':
        addr = o.arg;
        break;
      case 'm':
        g.max_upload = util_parse_number(o.arg, "upload limit", UINT64_MAX / 2);
        break;
      case 't':
        g.idle_seconds = (int)util_parse_number(o.arg, "timeout", 86400);
        break;
      case 'q':
        g.quiet = 1;
        break;
    }
  }
  if (o.index != argc) util_usage_error("extra operand '%s'", argv[o.index]);
  struct stat st;
  if (stat(g.root, &st) != 0 || !S_ISDIR(st.st_mode)) {
    util_error("%s: not a directory", g.root);
    return UTIL_FAILURE;
  }
  signal(SIGPIPE, SIG_IGN);
  uint16_t bound = 0;
  const int listener = sock_listen(addr, (uint16_t)port, SOCK_STREAM, &bound);
  if (listener < 0) {
    util_errno("cannot listen on port %d", port);
    return UTIL_FAILURE;
  }
  sock_set_nonblocking(listener, 1);
  for (int i = 0; i < MAX_CLIENTS; ++i) {
    g.clients[i].fd = -1;
    g.clients[i].out = malloc(IO_BUFFER);
    if (g.clients[i].out == NULL) {
      util_error("out of memory");
      return UTIL_FAILURE;
    }
  }
  fprintf(stderr, "httpd: serving %s on port %u\n", g.root, (unsigned)bound);
  serve(listener);
  return UTIL_FAILURE;
}
