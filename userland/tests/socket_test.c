/* BSD sockets through netd, as programs use them: TCP and UDP over the
 * loopback between two processes (fork), blocking and non-blocking,
 * poll and select over a socket and a pipe, refused connects, timeouts,
 * names, the <viperdos/net.h> calls, and one bad input per entry point.
 * Runs as init on a machine without a NIC: the test starts its own netd
 * (`bin/netd --loopback`) and makes that its connection to it, as init's
 * `net` directive would; the first test checks the world before that. */
#define _GNU_SOURCE /* memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <viperdos/net.h>
#include <viperdos/viper.h>

#include "userland/testing/utest.h"

#define LOOPBACK 0x7f000001u
#define MS 1000000ull

static int have_netd;

static void start_netd(void) {
  if (have_netd) return;
  viper_handle_t pair[2];
  if (viper_channel_create(pair) < 0) return;
  /* The resolver is the test's own (dns_*), on the loopback. */
  const char* argv[] = {"bin/netd", "--loopback", "--dns=127.0.0.1"};
  const struct viper_spawn_args args = {
      .path = "bin/netd", .argv = argv, .argc = 3, .envp = 0, .envc = 0, .bootstrap = pair[1]};
  if (viper_process_spawn(&args) < 0) return;
  have_netd = viper_net_set_connection(pair[0]) == 0;
}

static struct sockaddr_in at(uint32_t addr, uint16_t port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(addr);
  return a;
}

/* A listener on 127.0.0.1 at a port netd chose; the port in *port. */
static int listener(int type_flags, uint16_t* port) {
  const int fd = socket(AF_INET, SOCK_STREAM | type_flags, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a = at(LOOPBACK, 0);
  socklen_t length = sizeof(a);
  if (bind(fd, (struct sockaddr*)&a, sizeof(a)) != 0 || listen(fd, 8) != 0 ||
      getsockname(fd, (struct sockaddr*)&a, &length) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(a.sin_port);
  return fd;
}

static int connect_to(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = at(LOOPBACK, port);
  if (fd < 0 || connect(fd, (struct sockaddr*)&a, sizeof(a)) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  return fd;
}

/* A TCP connection over the loopback, both ends, and the listener that
 * accepted it: 0, or -1 with whatever was made closed. */
struct tcp_pair {
  int listener, client, server;
  uint16_t port; /* the listener's */
};

static int connected_pair(struct tcp_pair* p) {
  start_netd();
  p->port = 0;
  p->listener = listener(0, &p->port);
  p->client = p->listener >= 0 ? connect_to(p->port) : -1;
  p->server = p->client >= 0 ? accept(p->listener, 0, 0) : -1;
  if (p->server >= 0) return 0;
  if (p->client >= 0) close(p->client);
  if (p->listener >= 0) close(p->listener);
  return -1;
}

static int exit_code_of(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1000 - errno;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -2000;
}

UTEST(sockets, without_netd_socket_is_enetdown) {
  errno = 0;
  UEXPECT_EQ(socket(AF_INET, SOCK_STREAM, 0), -1);
  UEXPECT_EQ(errno, ENETDOWN);
  struct viper_net_interface info;
  UEXPECT_EQ(viper_net_interface(&info), -1);
  UEXPECT_EQ(errno, ENETDOWN);
  start_netd();
  UASSERT(have_netd);
}

UTEST(tcp, loopback_between_two_processes) {
  start_netd();
  uint16_t port = 0;
  const int l = listener(0, &port);
  UASSERT(l >= 0);
  UEXPECT(port != 0);
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    close(l);
    const int c = connect_to(port);
    if (c < 0) _exit(1);
    if (send(c, "hello", 5, 0) != 5) _exit(2);
    char reply[8] = {0};
    if (recv(c, reply, sizeof(reply), MSG_WAITALL) != 5 || strcmp(reply, "world") != 0) _exit(3);
    if (recv(c, reply, sizeof(reply), 0) != 0) _exit(4); /* the parent closed: EOF */
    close(c);
    _exit(0);
  }
  struct sockaddr_in peer;
  socklen_t length = sizeof(peer);
  const int s = accept(l, (struct sockaddr*)&peer, &length);
  UASSERT(s >= 0);
  UEXPECT_EQ(ntohl(peer.sin_addr.s_addr), LOOPBACK);
  UEXPECT_EQ(length, sizeof(peer));
  char buffer[8] = {0};
  UEXPECT_EQ(recv(s, buffer, 5, MSG_WAITALL), 5);
  UEXPECT(strcmp(buffer, "hello") == 0);
  UEXPECT_EQ(write(s, "world", 5), 5);
  close(s);
  UEXPECT_EQ(exit_code_of(pid), 0);
  close(l);
}

UTEST(tcp, a_megabyte_each_way_arrives_intact) {
  start_netd();
  uint16_t port = 0;
  const int l = listener(0, &port);
  UASSERT(l >= 0);
  enum { kBytes = 1 << 20 };
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    const int c = connect_to(port);
    static unsigned char block[65536];
    for (int i = 0; i < (int)sizeof(block); ++i) block[i] = (unsigned char)(i * 7);
    for (int sent = 0; sent < kBytes; sent += (int)sizeof(block)) {
      if (c < 0 || send(c, block, sizeof(block), 0) != (ssize_t)sizeof(block)) _exit(1);
    }
    shutdown(c, SHUT_WR);
    char b;
    _exit(recv(c, &b, 1, 0) == 0 ? 0 : 2);
  }
  const int s = accept(l, 0, 0);
  UASSERT(s >= 0);
  static unsigned char got[65536];
  long total = 0, wrong = 0;
  const uint64_t start = viper_clock_monotonic();
  for (;;) {
    const ssize_t n = recv(s, got, sizeof(got), 0);
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) wrong += got[i] != (unsigned char)((total + i) % 65536 * 7);
    total += n;
  }
  const uint64_t took = viper_clock_monotonic() - start;
  UEXPECT_EQ(total, kBytes);
  UEXPECT_EQ(wrong, 0);
  utest_log("loopback: 1 MiB in %llu us (%llu MiB/s)", (unsigned long long)(took / 1000),
            (unsigned long long)(took ? 1000000000ull / took : 0));
  close(s);
  UEXPECT_EQ(exit_code_of(pid), 0);
  close(l);
}

UTEST(tcp, non_blocking_connect_accept_and_recv) {
  start_netd();
  uint16_t port = 0;
  const int l = listener(SOCK_NONBLOCK, &port);
  UASSERT(l >= 0);
  errno = 0;
  UEXPECT_EQ(accept(l, 0, 0), -1);
  UEXPECT_EQ(errno, EAGAIN);
  const int c = socket(AF_INET, SOCK_STREAM, 0);
  UASSERT(c >= 0);
  UEXPECT_EQ(fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK), 0);
  UEXPECT((fcntl(c, F_GETFL) & O_NONBLOCK) != 0);
  struct sockaddr_in a = at(LOOPBACK, port);
  errno = 0;
  UEXPECT_EQ(connect(c, (struct sockaddr*)&a, sizeof(a)), -1);
  UEXPECT_EQ(errno, EINPROGRESS);
  struct pollfd p = {.fd = c, .events = POLLOUT};
  UEXPECT_EQ(poll(&p, 1, 5000), 1);
  UEXPECT(p.revents & POLLOUT);
  int error = -1;
  socklen_t length = sizeof(error);
  UEXPECT_EQ(getsockopt(c, SOL_SOCKET, SO_ERROR, &error, &length), 0);
  UEXPECT_EQ(error, 0);
  struct pollfd pl = {.fd = l, .events = POLLIN};
  UEXPECT_EQ(poll(&pl, 1, 5000), 1);
  const int s = accept(l, 0, 0);
  UASSERT(s >= 0);
  char b;
  errno = 0;
  UEXPECT_EQ(recv(c, &b, 1, 0), -1);
  UEXPECT_EQ(errno, EAGAIN);
  UEXPECT_EQ(recv(s, &b, 1, MSG_DONTWAIT), -1);
  UEXPECT_EQ(send(s, "x", 1, 0), 1);
  UEXPECT_EQ(poll(&p, 1, 5000), 1);
  p.events = POLLIN;
  UEXPECT_EQ(poll(&p, 1, 5000), 1);
  UEXPECT_EQ(recv(c, &b, 1, 0), 1);
  close(s);
  close(c);
  close(l);
}

UTEST(tcp, connection_refused) {
  start_netd();
  uint16_t port = 0;
  const int l = listener(0, &port);
  UASSERT(l >= 0);
  close(l); /* the port is free again: nobody listens */
  const int c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = at(LOOPBACK, port);
  errno = 0;
  UEXPECT_EQ(connect(c, (struct sockaddr*)&a, sizeof(a)), -1);
  UEXPECT_EQ(errno, ECONNREFUSED);
  close(c);
}

UTEST(tcp, receive_timeout_and_nodelay) {
  struct tcp_pair pair;
  UASSERT(connected_pair(&pair) == 0);
  const int l = pair.listener, c = pair.client, s = pair.server;
  const struct timeval limit = {.tv_sec = 0, .tv_usec = 100000};
  UEXPECT_EQ(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit)), 0);
  const uint64_t start = viper_clock_monotonic();
  char b;
  errno = 0;
  UEXPECT_EQ(recv(c, &b, 1, 0), -1);
  UEXPECT_EQ(errno, EAGAIN);
  UEXPECT(viper_clock_monotonic() - start >= 100 * MS);
  const int on = 1;
  int value = 0;
  socklen_t length = sizeof(value);
  UEXPECT_EQ(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)), 0);
  UEXPECT_EQ(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &value, &length), 0);
  UEXPECT_EQ(value, 1);
  UEXPECT_EQ(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)), 0);
  close(s);
  close(c);
  close(l);
}

UTEST(tcp, a_reset_reaches_the_reader) {
  struct tcp_pair pair;
  UASSERT(connected_pair(&pair) == 0);
  const int l = pair.listener, c = pair.client, s = pair.server;
  UEXPECT_EQ(send(c, "unread", 6, 0), 6);
  viper_thread_sleep(viper_deadline_after(50 * MS));
  close(s); /* unread data: a RST (RFC 2525 2.17) */
  char b[8];
  errno = 0;
  UEXPECT_EQ(recv(c, b, sizeof(b), 0), -1);
  UEXPECT_EQ(errno, ECONNRESET);
  signal(SIGPIPE, SIG_IGN);
  errno = 0;
  UEXPECT_EQ(send(c, "x", 1, MSG_NOSIGNAL), -1);
  UEXPECT_EQ(errno, EPIPE);
  close(c);
  close(l);
}

UTEST(tcp, closing_after_the_peers_fin_is_graceful) {
  struct tcp_pair pair;
  UASSERT(connected_pair(&pair) == 0);
  const int l = pair.listener, c = pair.client, s = pair.server;
  UEXPECT_EQ(send(c, "req", 3, 0), 3);
  UEXPECT_EQ(shutdown(c, SHUT_WR), 0);
  char b[8] = {0};
  UEXPECT_EQ(recv(s, b, 3, MSG_WAITALL), 3);
  viper_thread_sleep(viper_deadline_after(50 * MS)); /* the EOF is queued, unread */
  UEXPECT_EQ(send(s, "resp", 4, 0), 4);
  close(s); /* only the EOF was unread: a FIN, no reset */
  UEXPECT_EQ(recv(c, b, 4, MSG_WAITALL), 4);
  UEXPECT(memcmp(b, "resp", 4) == 0);
  UEXPECT_EQ(recv(c, b, 1, 0), 0);
  close(c);
  close(l);
}

UTEST(poll, a_socket_and_a_pipe_together) {
  struct tcp_pair pair;
  int pipe_fds[2];
  UASSERT(connected_pair(&pair) == 0 && pipe(pipe_fds) == 0);
  const int l = pair.listener, c = pair.client, s = pair.server;
  struct pollfd p[2] = {{.fd = c, .events = POLLIN}, {.fd = pipe_fds[0], .events = POLLIN}};
  UEXPECT_EQ(poll(p, 2, 0), 0);
  UEXPECT_EQ(write(pipe_fds[1], "p", 1), 1);
  UEXPECT_EQ(poll(p, 2, 5000), 1);
  UEXPECT(!(p[0].revents & POLLIN) && (p[1].revents & POLLIN));
  char b;
  UEXPECT_EQ(read(pipe_fds[0], &b, 1), 1);
  UEXPECT_EQ(send(s, "s", 1, 0), 1);
  UEXPECT_EQ(poll(p, 2, 5000), 1);
  UEXPECT((p[0].revents & POLLIN) && !(p[1].revents & POLLIN));
  /* select sees the same. */
  fd_set readable;
  FD_ZERO(&readable);
  FD_SET(c, &readable);
  FD_SET(pipe_fds[0], &readable);
  struct timeval none = {0, 0};
  UEXPECT_EQ(select(pipe_fds[0] > c ? pipe_fds[0] + 1 : c + 1, &readable, 0, 0, &none), 1);
  UEXPECT(FD_ISSET(c, &readable) && !FD_ISSET(pipe_fds[0], &readable));
  UEXPECT_EQ(recv(c, &b, 1, 0), 1);
  /* Blocking for a bounded time: nothing comes. */
  const uint64_t start = viper_clock_monotonic();
  UEXPECT_EQ(poll(p, 2, 50), 0);
  UEXPECT(viper_clock_monotonic() - start >= 50 * MS);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  close(s);
  close(c);
  close(l);
}

UTEST(udp, datagrams_between_two_processes) {
  start_netd();
  const int u = socket(AF_INET, SOCK_DGRAM, 0);
  UASSERT(u >= 0);
  struct sockaddr_in a = at(LOOPBACK, 0);
  socklen_t length = sizeof(a);
  UASSERT(bind(u, (struct sockaddr*)&a, sizeof(a)) == 0);
  UASSERT(getsockname(u, (struct sockaddr*)&a, &length) == 0);
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    const int v = socket(AF_INET, SOCK_DGRAM, 0);
    if (sendto(v, "one", 3, 0, (struct sockaddr*)&a, sizeof(a)) != 3) _exit(1);
    char reply[8] = {0};
    if (recv(v, reply, sizeof(reply), 0) != 3 || strcmp(reply, "two") != 0) _exit(2);
    _exit(0);
  }
  char buffer[8] = {0};
  struct sockaddr_in from;
  length = sizeof(from);
  UEXPECT_EQ(recvfrom(u, buffer, sizeof(buffer), 0, (struct sockaddr*)&from, &length), 3);
  UEXPECT(strcmp(buffer, "one") == 0);
  UEXPECT_EQ(ntohl(from.sin_addr.s_addr), LOOPBACK);
  UEXPECT_EQ(sendto(u, "two", 3, 0, (struct sockaddr*)&from, length), 3);
  UEXPECT_EQ(exit_code_of(pid), 0);
  /* Truncation: one datagram per call, the rest discarded. */
  UEXPECT_EQ(sendto(u, "abcdef", 6, 0, (struct sockaddr*)&a, sizeof(a)), 6);
  UEXPECT_EQ(recv(u, buffer, 2, MSG_TRUNC), 6);
  UEXPECT(memcmp(buffer, "ab", 2) == 0);
  close(u);
}

UTEST(net, interface_counters_sockets_and_ping) {
  start_netd();
  struct viper_net_interface info;
  UASSERT(viper_net_interface(&info) == 0);
  UEXPECT(strcmp(info.name, "eth0") == 0);
  struct viper_net_counter counters[256];
  const int n = viper_net_counters(counters, 256);
  UEXPECT(n > 10 && n <= 256);
  int looped = 0;
  for (int i = 0; i < n && i < 256; ++i) {
    if (strcmp(counters[i].name, "loopback_packets") == 0) looped = counters[i].value > 0;
  }
  UEXPECT(looped);
  uint16_t port = 0;
  const int l = listener(0, &port);
  struct viper_net_socket sockets[64];
  const int count = viper_net_sockets(sockets, 64);
  int found = 0;
  for (int i = 0; i < count && i < 64; ++i) {
    found |= sockets[i].local_port == port && strcmp(sockets[i].state_name, "LISTEN") == 0;
  }
  UEXPECT(found);
  close(l);
  uint64_t rtt = 0;
  UEXPECT_EQ(viper_net_ping(LOOPBACK, 1, 56, 1000 * MS, &rtt), 0);
  UEXPECT(rtt > 0);
}

UTEST(names, numeric_hosts_localhost_and_text) {
  start_netd();
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
  struct addrinfo* list = 0;
  UASSERT(getaddrinfo("10.0.2.2", "80", &hints, &list) == 0);
  const struct sockaddr_in* in = (const struct sockaddr_in*)list->ai_addr;
  UEXPECT_EQ(ntohl(in->sin_addr.s_addr), 0x0a000202u);
  UEXPECT_EQ(ntohs(in->sin_port), 80);
  UEXPECT(list->ai_next == 0);
  freeaddrinfo(list);
  UASSERT(getaddrinfo("localhost", "http", 0, &list) == 0);
  UEXPECT_EQ(ntohl(((const struct sockaddr_in*)list->ai_addr)->sin_addr.s_addr), LOOPBACK);
  UEXPECT(list->ai_next != 0); /* a stream and a datagram entry */
  freeaddrinfo(list);
  char host[NI_MAXHOST], service[NI_MAXSERV];
  const struct sockaddr_in a = at(0x0a00020fu, 8080);
  UEXPECT_EQ(getnameinfo((const struct sockaddr*)&a, sizeof(a), host, sizeof(host), service,
                         sizeof(service), NI_NUMERICHOST | NI_NUMERICSERV),
             0);
  UEXPECT(strcmp(host, "10.0.2.15") == 0 && strcmp(service, "8080") == 0);
  struct in_addr parsed;
  UEXPECT_EQ(inet_pton(AF_INET, "192.168.1.20", &parsed), 1);
  UEXPECT_EQ(ntohl(parsed.s_addr), 0xc0a80114u);
  char text[INET_ADDRSTRLEN];
  UEXPECT(strcmp(inet_ntop(AF_INET, &parsed, text, sizeof(text)), "192.168.1.20") == 0);
  UEXPECT_EQ(inet_addr("127.1"), htonl(LOOPBACK));
}

UTEST(sockets, a_forked_child_keeps_the_socket) {
  struct tcp_pair pair;
  UASSERT(connected_pair(&pair) == 0);
  const int l = pair.listener, c = pair.client, s = pair.server;
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) {
    /* The child's own control channel: its calls do not cross ours. */
    struct sockaddr_in name;
    socklen_t length = sizeof(name);
    if (getsockname(s, (struct sockaddr*)&name, &length) != 0) _exit(1);
    if (ntohs(name.sin_port) != pair.port) _exit(2);
    _exit(send(s, "child", 5, 0) == 5 ? 0 : 3);
  }
  close(s); /* the child still holds it: the connection stays */
  char buffer[8] = {0};
  UEXPECT_EQ(recv(c, buffer, 5, MSG_WAITALL), 5);
  UEXPECT(strcmp(buffer, "child") == 0);
  UEXPECT_EQ(exit_code_of(pid), 0);
  UEXPECT_EQ(recv(c, buffer, 1, 0), 0); /* its exit closed the last descriptor */
  close(c);
  close(l);
}

UTEST(sockets, a_spawned_program_writes_to_an_inherited_socket) {
  struct tcp_pair pair;
  UASSERT(connected_pair(&pair) == 0);
  const int l = pair.listener, c = pair.client, s = pair.server;
  /* echo's stdout is the socket: the startup message carries it. */
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, s, 1);
  char* const argv[] = {"echo", "through", "a", "socket", 0};
  char* const envp[] = {0};
  pid_t pid = 0;
  UASSERT(posix_spawn(&pid, "/bin/echo", &actions, 0, argv, envp) == 0);
  posix_spawn_file_actions_destroy(&actions);
  close(s);
  UEXPECT_EQ(exit_code_of(pid), 0);
  char buffer[32] = {0};
  UEXPECT_EQ(recv(c, buffer, 17, MSG_WAITALL), 17);
  UEXPECT(strcmp(buffer, "through a socket\n") == 0);
  UEXPECT_EQ(recv(c, buffer, 1, 0), 0); /* echo's exit closed the last descriptor */
  close(c);
  close(l);
}

/* ---- A DNS server of the test's own on 127.0.0.1:53 ---- */

/* The answer to `query` (n bytes): A 10.1.2.3 for "host.test", the same
 * truncated over UDP for "big.test" (and whole over TCP), NXDOMAIN for
 * anything else. The size, or 0. */
static size_t dns_answer(const unsigned char* query, size_t n, int over_tcp, unsigned char* out) {
  if (n < 17 || n > 400) return 0;
  memcpy(out, query, n); /* the header and question, echoed */
  const int big = memmem(query, n,
                         "\x03"
                         "big",
                         4) != 0;
  const int known = big || memmem(query, n,
                                  "\x04"
                                  "host",
                                  5) != 0;
  out[2] = 0x81 | (big && !over_tcp ? 0x02 : 0); /* QR, RD (and TC) */
  out[3] = known ? 0x80 : 0x83;                  /* RA, NOERROR or NXDOMAIN */
  out[6] = 0;
  out[7] = known ? 1 : 0; /* ANCOUNT */
  out[8] = out[9] = out[10] = out[11] = 0;
  if (!known) return n;
  static const unsigned char answer[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3};
  memcpy(out + n, answer, sizeof(answer));
  return n + sizeof(answer);
}

/* Serves `queries` UDP queries and, for "big.test", one TCP exchange. */
static int dns_server(int udp, int tcp, int queries) {
  unsigned char query[512], reply[600];
  for (int i = 0; i < queries; ++i) {
    struct sockaddr_in from;
    socklen_t length = sizeof(from);
    const ssize_t n = recvfrom(udp, query, sizeof(query), 0, (struct sockaddr*)&from, &length);
    if (n < 0) return 1;
    const size_t size = dns_answer(query, (size_t)n, 0, reply);
    if (sendto(udp, reply, size, 0, (struct sockaddr*)&from, length) != (ssize_t)size) return 2;
    if (!(reply[2] & 0x02)) continue;
    /* Truncated: the client asks again over TCP, a length first. */
    const int c = accept(tcp, 0, 0);
    unsigned char length_bytes[2];
    if (c < 0 || recv(c, length_bytes, 2, MSG_WAITALL) != 2) return 3;
    const size_t want = (size_t)length_bytes[0] << 8 | length_bytes[1];
    if (want > sizeof(query) || recv(c, query, want, MSG_WAITALL) != (ssize_t)want) return 4;
    const size_t whole = dns_answer(query, want, 1, reply + 2);
    reply[0] = (unsigned char)(whole >> 8);
    reply[1] = (unsigned char)whole;
    if (send(c, reply, whole + 2, 0) != (ssize_t)(whole + 2)) return 5;
    close(c);
  }
  return 0;
}

UTEST(names, getaddrinfo_asks_dns_over_udp_then_tcp_when_truncated) {
  start_netd();
  const int udp = socket(AF_INET, SOCK_DGRAM, 0);
  const int tcp = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = at(LOOPBACK, 53);
  UASSERT(bind(udp, (struct sockaddr*)&a, sizeof(a)) == 0);
  UASSERT(bind(tcp, (struct sockaddr*)&a, sizeof(a)) == 0 && listen(tcp, 2) == 0);
  const pid_t pid = fork();
  UASSERT(pid >= 0);
  if (pid == 0) _exit(dns_server(udp, tcp, 3));
  close(udp);
  close(tcp);
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
  struct addrinfo* list = 0;
  UEXPECT_EQ(getaddrinfo("host.test", "80", &hints, &list), 0);
  if (list) {
    UEXPECT_EQ(ntohl(((struct sockaddr_in*)list->ai_addr)->sin_addr.s_addr), 0x0a010203u);
    freeaddrinfo(list);
    list = 0;
  }
  UEXPECT_EQ(getaddrinfo("big.test", "80", &hints, &list), 0);
  if (list) {
    UEXPECT_EQ(ntohl(((struct sockaddr_in*)list->ai_addr)->sin_addr.s_addr), 0x0a010203u);
    freeaddrinfo(list);
    list = 0;
  }
  UEXPECT_EQ(getaddrinfo("missing.test", "80", &hints, &list), EAI_NONAME);
  UEXPECT_EQ(exit_code_of(pid), 0);
  /* Nobody answers now: three tries, then EAI_AGAIN. */
  const uint64_t start = viper_clock_monotonic();
  UEXPECT_EQ(getaddrinfo("host.test", "80", &hints, &list), EAI_AGAIN);
  UEXPECT(viper_clock_monotonic() - start >= 5000 * MS);
}

UTEST(sockets, every_entry_point_refuses_bad_input) {
  start_netd();
  int pipe_fds[2];
  UASSERT(pipe(pipe_fds) == 0);
  const int u = socket(AF_INET, SOCK_DGRAM, 0);
  const int t = socket(AF_INET, SOCK_STREAM, 0);
  UASSERT(u >= 0 && t >= 0);
  struct sockaddr_in a = at(LOOPBACK, 9);
  socklen_t length = sizeof(a);
  char b[4];
  int value = 0;
#define REFUSED(call, error)  \
  do {                        \
    errno = 0;                \
    UEXPECT_EQ((call), -1);   \
    UEXPECT_EQ(errno, error); \
  } while (0)
  REFUSED(socket(1 /* AF_UNIX */, SOCK_STREAM, 0), EAFNOSUPPORT);
  REFUSED(socket(AF_INET, 99, 0), EPROTOTYPE);
  REFUSED(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
  REFUSED(bind(-1, (struct sockaddr*)&a, sizeof(a)), EBADF);
  REFUSED(bind(pipe_fds[0], (struct sockaddr*)&a, sizeof(a)), ENOTSOCK);
  REFUSED(bind(t, (struct sockaddr*)&a, 3), EINVAL);
  REFUSED(listen(u, 1), EOPNOTSUPP);
  REFUSED(accept(t, 0, 0), EINVAL);
  REFUSED(accept4(t, 0, 0, 0x7777), EINVAL);
  REFUSED(connect(t, 0, sizeof(a)), EFAULT);
  REFUSED(send(t, "x", 1, 0), ENOTCONN);
  REFUSED(recv(t, b, 1, 0), ENOTCONN);
  REFUSED(sendto(u, "x", 1, 0, 0, 0), EDESTADDRREQ);
  REFUSED(recvfrom(-5, b, 1, 0, 0, 0), EBADF);
  REFUSED(shutdown(t, 42), EINVAL);
  REFUSED(getsockname(t, 0, &length), EFAULT);
  REFUSED(getpeername(t, (struct sockaddr*)&a, &length), ENOTCONN);
  REFUSED(setsockopt(t, 1234, 1, &value, sizeof(value)), ENOPROTOOPT);
  REFUSED(setsockopt(t, SOL_SOCKET, SO_RCVBUF, &value, 1), EINVAL);
  REFUSED(getsockopt(t, SOL_SOCKET, 999, &value, &length), ENOPROTOOPT);
  REFUSED(poll(0, 1, 0), EFAULT);
  REFUSED(select(-1, 0, 0, 0, 0), EINVAL);
  REFUSED(fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK), EINVAL);
  REFUSED(viper_net_ping(0, 1, 8, MS, 0), EINVAL);
  REFUSED(viper_net_counters(0, 5), EINVAL);
  REFUSED(viper_net_sockets(0, -1), EINVAL);
  REFUSED(viper_net_interface(0), EFAULT);
  UEXPECT_EQ(viper_net_set_connection(0), VIPER_ERR_INVALID_ARGUMENT);
  const int64_t event = viper_event_create();
  UEXPECT_EQ(viper_net_set_connection((viper_handle_t)event), VIPER_ERR_INVALID_ARGUMENT);
  viper_handle_close((viper_handle_t)event);
  struct pollfd closed = {.fd = 200, .events = POLLIN};
  UEXPECT_EQ(poll(&closed, 1, 0), 1);
  UEXPECT(closed.revents & POLLNVAL);
  UEXPECT_EQ(inet_pton(AF_INET, "1.2.3", b), 0);
  UEXPECT_EQ(inet_pton(AF_INET, "1.2.3.256", b), 0);
  struct addrinfo* list = 0;
  struct addrinfo hints = {.ai_family = 99};
  UEXPECT_EQ(getaddrinfo("1.2.3.4", 0, &hints, &list), EAI_FAMILY);
  UEXPECT_EQ(getaddrinfo(0, 0, 0, &list), EAI_NONAME);
  UEXPECT_EQ(getaddrinfo("1.2.3.4", "no-such-service", 0, &list), EAI_SERVICE);
  hints = (struct addrinfo){.ai_flags = AI_NUMERICHOST};
  UEXPECT_EQ(getaddrinfo("example.invalid", 0, &hints, &list), EAI_NONAME);
  UEXPECT_EQ(getnameinfo((struct sockaddr*)&a, 2, 0, 0, 0, 0, 0), EAI_FAMILY);
  UEXPECT(strlen(gai_strerror(EAI_AGAIN)) > 0);
  close(u);
  close(t);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}
