/* nc: stdin to a socket and the socket to stdout, both at once (poll),
 * over TCP or UDP, connecting or listening for one peer. At the end of
 * stdin a TCP connection is half-closed (the peer sees our FIN and may
 * still answer); nc ends when the peer closes (once the rest of a piped
 * stdin went: a FIN only ends one direction), or after -w seconds
 * without traffic (status 0), or when a connection cannot be made
 * (status 1). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "userland/net_utils/lib/sock.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "nc",
    .usage = "[-u] [-v] [-w SECONDS] HOST PORT | -l [-u] [-v] [-w SECONDS] [-s ADDR] -p PORT",
    .help =
        "Copies stdin to a TCP (or UDP) socket and the socket to stdout.\n"
        "  HOST PORT   connect to HOST (a name or an address) at PORT\n"
        "  -l          listen instead, for one peer (`-l PORT` works too)\n"
        "  -p PORT     the port to listen on (0: any free one; -v says which)\n"
        "  -s ADDR     the address to listen on (default every one)\n"
        "  -u          UDP: each read of stdin is one datagram; a listener\n"
        "              answers whoever sent it the first\n"
        "  -w SECONDS  give up connecting, or end when idle, after SECONDS\n"
        "  -v          say what happens on stderr\n"};

#define BUFFER (64 * 1024)

static char buffer[BUFFER];

static int write_stdout(const char* data, size_t len) {
  while (len > 0) {
    const ssize_t n = write(STDOUT_FILENO, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

/* One TCP peer accepted, or a UDP socket connected to the first sender
 * (whose datagram goes to stdout). */
static int wait_for_peer(int listener, int udp, int timeout_ms, int verbose) {
  if (sock_wait(listener, POLLIN, timeout_ms) <= 0) {
    util_errno("no peer");
    return -1;
  }
  struct sockaddr_in peer;
  socklen_t size = sizeof(peer);
  if (!udp) {
    const int fd = accept(listener, (struct sockaddr*)&peer, &size);
    if (fd < 0) util_errno("accept");
    close(listener);
    if (fd >= 0 && verbose) {
      fprintf(stderr, "nc: connection from %s port %u\n", inet_ntoa(peer.sin_addr),
              (unsigned)ntohs(peer.sin_port));
    }
    return fd;
  }
  const ssize_t n = recvfrom(listener, buffer, sizeof(buffer), 0, (struct sockaddr*)&peer, &size);
  if (n < 0 || connect(listener, (struct sockaddr*)&peer, size) != 0) {
    util_errno("receive");
    close(listener);
    return -1;
  }
  if (verbose) {
    fprintf(stderr, "nc: datagram from %s port %u\n", inet_ntoa(peer.sin_addr),
            (unsigned)ntohs(peer.sin_port));
  }
  if (write_stdout(buffer, (size_t)n) != 0) {
    util_errno("stdout");
    close(listener);
    return -1;
  }
  return listener;
}

/* After the peer's FIN: the rest of stdin to it, then our FIN. */
static int send_rest(int fd) {
  for (;;) {
    const ssize_t got = read(STDIN_FILENO, buffer, sizeof(buffer));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      util_errno("stdin");
      return UTIL_FAILURE;
    }
    if (got == 0) return UTIL_OK;
    if (sock_write_all(fd, buffer, (size_t)got, -1) != 0) {
      util_errno("send");
      return UTIL_FAILURE;
    }
  }
}

/* The copy both ways. Returns main's status. */
static int relay(int fd, int udp, int timeout_ms) {
  int stdin_open = 1;
  for (;;) {
    struct pollfd p[2];
    int n = 0;
    if (stdin_open) p[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
    const int sock = n;
    p[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
    const int ready = poll(p, (nfds_t)n, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      util_errno("poll");
      return UTIL_FAILURE;
    }
    if (ready == 0) return UTIL_OK; /* -w: idle long enough */
    if (stdin_open && p[0].revents != 0) {
      const ssize_t got = read(STDIN_FILENO, buffer, sizeof(buffer));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        stdin_open = 0;
        if (!udp) shutdown(fd, SHUT_WR); /* our FIN; the answer may still come */
      } else if (sock_write_all(fd, buffer, (size_t)got, -1) != 0) {
        util_errno("send");
        return UTIL_FAILURE;
      }
    }
    if (p[sock].revents != 0) {
      const ssize_t got = recv(fd, buffer, sizeof(buffer), 0);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got < 0) {
        util_errno("receive");
        return UTIL_FAILURE;
      }
      if (got == 0 && !udp) {
        /* The peer's FIN. A half-close only ends its direction: the rest
         * of a piped stdin still goes (a terminal's user is done). */
        if (!stdin_open || isatty(STDIN_FILENO)) return UTIL_OK;
        return send_rest(fd);
      }
      if (write_stdout(buffer, (size_t)got) != 0) {
        util_errno("stdout");
        return UTIL_FAILURE;
      }
    }
  }
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  int listen_mode = 0, udp = 0, verbose = 0, port = -1;
  int timeout_ms = -1;
  const char* bind_addr = NULL;
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int opt; (opt = util_next_option(&o, "lup:s:w:v")) != -1;) {
    switch (opt) {
      case 'l':
        listen_mode = 1;
        break;
      case 'u':
        udp = 1;
        break;
      case 'v':
        verbose = 1;
        break;
      case 's':
        bind_addr = o.arg;
        break;
      case 'w':
        timeout_ms = (int)util_parse_number(o.arg, "timeout", 86400) * 1000;
        break;
      case 'p':
        port = sock_parse_port(o.arg, 1);
        if (port < 0) util_usage_error("invalid port '%s'", o.arg);
        break;
    }
  }
  const int operands = argc - o.index;
  signal(SIGPIPE, SIG_IGN);
  int fd;
  if (listen_mode) {
    if (operands == 1 && port < 0) {
      port = sock_parse_port(argv[o.index], 1);
      if (port < 0) util_usage_error("invalid port '%s'", argv[o.index]);
    } else if (operands != 0) {
      util_usage_error("-l takes a port, not a host");
    }
    if (port < 0) util_usage_error("-l needs a port (-p PORT)");
    uint16_t bound = 0;
    const int listener =
        sock_listen(bind_addr, (uint16_t)port, udp ? SOCK_DGRAM : SOCK_STREAM, &bound);
    if (listener < 0) {
      util_errno("cannot listen on port %d", port);
      return UTIL_FAILURE;
    }
    if (verbose) fprintf(stderr, "nc: listening on port %u\n", (unsigned)bound);
    fd = wait_for_peer(listener, udp, timeout_ms, verbose);
  } else {
    if (operands != 2) util_usage_error(operands < 2 ? "missing HOST or PORT" : "extra operand");
    if (port >= 0 || bind_addr != NULL) util_usage_error("-p and -s are for -l");
    const int remote = sock_parse_port(argv[o.index + 1], 0);
    if (remote < 0) util_usage_error("invalid port '%s'", argv[o.index + 1]);
    const char* why = NULL;
    fd = sock_connect(argv[o.index], (uint16_t)remote, udp ? SOCK_DGRAM : SOCK_STREAM, timeout_ms,
                      &why);
    if (fd < 0) {
      util_error("%s port %d: %s", argv[o.index], remote,
                 errno == ETIMEDOUT ? "connection timed out" : why);
    } else if (verbose) {
      fprintf(stderr, "nc: connected to %s port %d\n", argv[o.index], remote);
    }
  }
  if (fd < 0) return UTIL_FAILURE;
  const int status = relay(fd, udp, timeout_ms);
  close(fd);
  return status;
}
