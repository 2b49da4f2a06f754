/* netd_server's tables, shared by its two files: netd_server.c (sockets'
 * data channels, the pump) and netd_requests.c (service and control
 * requests). */
#ifndef NETD_NETD_SERVER_INTERNAL_H_
#define NETD_NETD_SERVER_INTERNAL_H_

#include <stdbool.h>
#include <viperdos/net_protocol.h>

#include "userland/servers/netd/netd_server.h"

#define NETD_SERVICES 64
#define NETD_CONTROLS 512
/* Bytes one DATA message to a client carries at most: big enough that a
 * read moves a window's worth in few calls, small enough that 256 parked
 * messages stay bounded (8 MiB). */
#define NETD_CHUNK 32768u
#define NETD_MESSAGE_MAX 65536u

/* Pollset keys: the kind in the high half, the table index in the low. */
enum netd_key_kind { NETD_KEY_SERVICE = 1, NETD_KEY_CONTROL = 2, NETD_KEY_DATA = 3 };
static inline uint64_t netd_key(enum netd_key_kind kind, int index) {
  return ((uint64_t)kind << 32) | (uint32_t)index;
}

struct netd_socket {
  bool used;
  uint32_t generation; /* control channels name a socket by slot and this */
  int handle;          /* the stack's */
  int type;            /* NET_SOCK_* */
  uint64_t data;       /* netd's end of the data channel */
  uint32_t watched;
  bool listener, connecting, shutdown_write_pending, client_gone, eof_sent, error_sent;
  bool abort_on_close; /* a holder closed with bytes unread (DISCARDED) */
  /* Client bytes the stack has not taken yet (a partial net_send). */
  uint8_t* in;
  size_t in_next, in_end;
  /* A message to the client its full queue refused: sent again on
   * WRITABLE, and nothing else is sent before it (order). */
  uint8_t* out;
  size_t out_size;
  uint64_t out_handles[2];
  size_t out_handle_count;
};

struct netd_control {
  bool used;
  uint64_t channel;
  int socket;
  uint32_t generation;
};

struct netd_service {
  bool used;
  uint64_t channel;
  bool ping_pending;
  uint32_t ping_addr;
  uint16_t ping_sequence;
  uint64_t ping_start, ping_deadline;
};

struct netd_server {
  struct netstack* stack;
  struct netd_io io;
  struct netd_socket sockets[NET_MAX_SOCKETS];
  struct netd_control controls[NETD_CONTROLS];
  struct netd_service services[NETD_SERVICES];
  struct netd_server_stats stats;
  uint64_t now_hint; /* the time of the event being served */
  uint8_t scratch[NETD_MESSAGE_MAX];
};

/* netd_server.c */
/* A new socket slot for stack handle `handle` with new channels; the
 * client's ends in client[0] (control) and client[1] (data). -errno. */
int netd_socket_open(struct netd_server* s, int handle, int type, uint64_t client[2]);
/* A new control channel for socket `index`: the client's end in *client. */
int netd_control_open(struct netd_server* s, int index, uint64_t* client);
void netd_socket_free(struct netd_server* s, int index);

/* netd_requests.c */
void netd_service_event(struct netd_server* s, int index, uint32_t signals);
void netd_control_event(struct netd_server* s, int index, uint32_t signals);
void netd_ping_pump(struct netd_server* s, uint64_t now);
/* Sends a reply (and its handles) on `channel`; a full queue loses it. */
void netd_reply(struct netd_server* s, uint64_t channel, const struct viper_net_reply* reply,
                const void* payload, size_t payload_size, const uint64_t* handles,
                size_t handle_count);
/* Reads one request message: its size, or a VIPER_ERR_*. Stray handles are
 * closed and flagged in *had_handles. */
int64_t netd_read_request(struct netd_server* s, uint64_t channel, bool* had_handles);

#endif /* NETD_NETD_SERVER_INTERNAL_H_ */
