/* Name resolution (<netdb.h>), IPv4. Numeric hosts and "localhost" need
 * no network. Any other name is asked of the interface's DNS server
 * (viper_net_interface().dns): an A query over UDP, answered within
 * RETRY_MS or asked again (RETRIES times in all), and over TCP when the
 * answer is truncated or UDP brought none. The messages are netd's DNS code (dns.h, parsing
 * every field as hostile: pointer loops, lengths, mismatched answers). */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <viperdos/net.h>
#include <viperdos/viper.h>

#include "userland/servers/netd/dns.h"

#define RETRY_MS 2000
#define RETRIES 3
#define LOOPBACK 0x7f000001u

static const struct {
  const char* name;
  uint16_t port;
} kServices[] = {{"echo", 7},  {"ftp", 21},    {"ssh", 22},   {"telnet", 23},
                 {"smtp", 25}, {"domain", 53}, {"http", 80},  {"pop3", 110},
                 {"ntp", 123}, {"imap", 143},  {"https", 443}};

static int service_port(const char* service, int numeric_only, uint16_t* port) {
  if (!service) {
    *port = 0;
    return 0;
  }
  char* end;
  const long value = strtol(service, &end, 10);
  if (*service && !*end) {
    if (value < 0 || value > 65535) return EAI_SERVICE;
    *port = (uint16_t)value;
    return 0;
  }
  if (numeric_only) return EAI_NONAME;
  for (size_t i = 0; i < sizeof(kServices) / sizeof(kServices[0]); ++i) {
    if (strcmp(service, kServices[i].name) == 0) {
      *port = kServices[i].port;
      return 0;
    }
  }
  return EAI_SERVICE;
}

/* One exchange with the server over UDP: the answer's size, or -1. */
static int ask_udp(uint32_t server, const uint8_t* query, int size, uint8_t* answer,
                   size_t capacity) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(DNS_PORT)};
  to.sin_addr.s_addr = htonl(server);
  int got = -1;
  if (connect(fd, (struct sockaddr*)&to, sizeof(to)) == 0) {
    for (int attempt = 0; attempt < RETRIES && got < 0; ++attempt) {
      if (send(fd, query, (size_t)size, 0) != size) break;
      struct pollfd p = {.fd = fd, .events = POLLIN};
      if (poll(&p, 1, RETRY_MS) == 1) got = (int)recv(fd, answer, capacity, 0);
    }
  }
  close(fd);
  return got;
}

/* The same over TCP (RFC 1035 4.2.2: a 2-byte length first). */
static int ask_tcp(uint32_t server, const uint8_t* query, int size, uint8_t* answer,
                   size_t capacity) {
  uint8_t framed[DNS_UDP_MAX + 2];
  const int framed_size = dns_tcp_frame(query, (size_t)size, framed, sizeof(framed));
  if (framed_size < 0) return -1;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct timeval limit = {.tv_sec = RETRY_MS / 1000 * RETRIES};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(DNS_PORT)};
  to.sin_addr.s_addr = htonl(server);
  int got = -1;
  uint8_t length[2];
  if (connect(fd, (struct sockaddr*)&to, sizeof(to)) == 0 &&
      send(fd, framed, (size_t)framed_size, 0) == framed_size &&
      recv(fd, length, 2, MSG_WAITALL) == 2) {
    const size_t want = (size_t)length[0] << 8 | length[1];
    if (want <= capacity && recv(fd, answer, want, MSG_WAITALL) == (ssize_t)want) got = (int)want;
  }
  close(fd);
  return got;
}

static int resolve(const char* name, struct dns_answer* answer) {
  struct viper_net_interface interface;
  if (viper_net_interface(&interface) != 0) return EAI_AGAIN;
  if (!interface.dns) return EAI_FAIL;
  uint8_t id_bytes[2] = {0, 0};
  getentropy(id_bytes, sizeof(id_bytes));
  const uint16_t id = (uint16_t)(id_bytes[0] << 8 | id_bytes[1]);
  uint8_t query[DNS_UDP_MAX];
  const int size = dns_build_query(id, name, query, sizeof(query));
  if (size < 0) return EAI_NONAME;
  static __thread uint8_t message[65535];
  int got = ask_udp(interface.dns, query, size, message, DNS_UDP_MAX);
  /* No answer over UDP: TCP is a full alternative (RFC 7766), and some
   * servers are reachable only over it (QEMU's guestfwd forwards TCP). */
  int parsed =
      got < 0 ? DNS_ERR_TRUNCATED : dns_parse_response(message, (size_t)got, id, name, answer);
  if (parsed == DNS_ERR_TRUNCATED) {
    got = ask_tcp(interface.dns, query, size, message, sizeof(message));
    if (got < 0) return EAI_AGAIN;
    parsed = dns_parse_response(message, (size_t)got, id, name, answer);
  }
  switch (parsed) {
    case DNS_OK:
      return 0;
    case DNS_ERR_NO_NAME:
    case DNS_ERR_NO_DATA:
      return EAI_NONAME;
    case DNS_ERR_SERVER:
      return EAI_AGAIN;
    default:
      return EAI_FAIL;
  }
}

static struct addrinfo* entry(uint32_t addr, uint16_t port, int socktype) {
  struct {
    struct addrinfo info;
    struct sockaddr_in address;
  }* e = calloc(1, sizeof(*e));
  if (!e) return 0;
  e->address.sin_family = AF_INET;
  e->address.sin_port = htons(port);
  e->address.sin_addr.s_addr = htonl(addr);
  e->info.ai_family = AF_INET;
  e->info.ai_socktype = socktype;
  e->info.ai_protocol = socktype == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
  e->info.ai_addrlen = sizeof(e->address);
  e->info.ai_addr = (struct sockaddr*)&e->address;
  return &e->info;
}

int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints,
                struct addrinfo** result) {
  const int flags = hints ? hints->ai_flags : 0;
  const int family = hints ? hints->ai_family : AF_UNSPEC;
  const int socktype = hints ? hints->ai_socktype : 0;
  if (!result) return EAI_SYSTEM;
  *result = 0;
  if (flags & ~(AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_NUMERICSERV | AI_ADDRCONFIG)) {
    return EAI_BADFLAGS;
  }
  if (family != AF_UNSPEC && family != AF_INET) return EAI_FAMILY;
  if (socktype != 0 && socktype != SOCK_STREAM && socktype != SOCK_DGRAM) return EAI_SOCKTYPE;
  if (!node && !service) return EAI_NONAME;
  uint16_t port;
  int error = service_port(service, flags & AI_NUMERICSERV, &port);
  if (error) return error;
  struct dns_answer answer = {.count = 1};
  struct in_addr numeric;
  if (!node) {
    answer.addrs[0] = flags & AI_PASSIVE ? 0 : LOOPBACK;
  } else if (inet_aton(node, &numeric)) {
    answer.addrs[0] = ntohl(numeric.s_addr);
  } else if (flags & AI_NUMERICHOST) {
    return EAI_NONAME;
  } else if (strcasecmp(node, "localhost") == 0 || strcasecmp(node, "localhost.") == 0) {
    answer.addrs[0] = LOOPBACK;
  } else if ((error = resolve(node, &answer)) != 0) {
    return error;
  }
  struct addrinfo** tail = result;
  for (int i = 0; i < answer.count; ++i) {
    for (int type = SOCK_STREAM; type <= SOCK_DGRAM; ++type) {
      if (socktype && type != socktype) continue;
      struct addrinfo* e = entry(answer.addrs[i], port, type);
      if (!e) {
        freeaddrinfo(*result);
        *result = 0;
        return EAI_MEMORY;
      }
      if (i == 0 && tail == result && (flags & AI_CANONNAME) && node) {
        e->ai_canonname = strdup(node);
      }
      *tail = e;
      tail = &e->ai_next;
    }
  }
  return 0;
}

void freeaddrinfo(struct addrinfo* list) {
  while (list) {
    struct addrinfo* next = list->ai_next;
    free(list->ai_canonname);
    free(list); /* its sockaddr lives in the same block */
    list = next;
  }
}

const char* gai_strerror(int error) {
  switch (error) {
    case 0:
      return "Success";
    case EAI_BADFLAGS:
      return "Bad value for ai_flags";
    case EAI_NONAME:
      return "Name or service not known";
    case EAI_AGAIN:
      return "Temporary failure in name resolution";
    case EAI_FAIL:
      return "Non-recoverable failure in name resolution";
    case EAI_FAMILY:
      return "ai_family not supported";
    case EAI_SOCKTYPE:
      return "ai_socktype not supported";
    case EAI_SERVICE:
      return "Service not supported for ai_socktype";
    case EAI_MEMORY:
      return "Memory allocation failure";
    case EAI_SYSTEM:
      return "System error";
    case EAI_OVERFLOW:
      return "Argument buffer overflow";
    default:
      return "Unknown error";
  }
}

int getnameinfo(const struct sockaddr* address, socklen_t length, char* host, socklen_t host_size,
                char* service, socklen_t service_size, int flags) {
  if (!address || length < sizeof(struct sockaddr_in)) return EAI_FAMILY;
  const struct sockaddr_in* in = (const struct sockaddr_in*)address;
  if (in->sin_family != AF_INET) return EAI_FAMILY;
  if (flags & ~(NI_NUMERICHOST | NI_NUMERICSERV | NI_NAMEREQD | NI_DGRAM)) return EAI_BADFLAGS;
  if (host && host_size) {
    const uint32_t addr = ntohl(in->sin_addr.s_addr);
    const char* text;
    char numeric[INET_ADDRSTRLEN];
    /* No reverse lookups (PTR): a name only for the loopback. */
    if (addr == LOOPBACK && !(flags & NI_NUMERICHOST)) {
      text = "localhost";
    } else if (flags & NI_NAMEREQD) {
      return EAI_NONAME;
    } else {
      text = inet_ntop(AF_INET, &in->sin_addr, numeric, sizeof(numeric));
    }
    if (strlen(text) + 1 > host_size) return EAI_OVERFLOW;
    strcpy(host, text);
  }
  if (service && service_size) {
    char text[8];
    snprintf(text, sizeof(text), "%u", ntohs(in->sin_port));
    if (strlen(text) + 1 > service_size) return EAI_OVERFLOW;
    strcpy(service, text);
  }
  return 0;
}
