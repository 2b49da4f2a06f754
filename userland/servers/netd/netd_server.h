/* netd's socket server: <viperdos/net_protocol.h> over the stack
 * (netstack.h). Portable C11 behind a small channel interface (struct
 * netd_io), so the host tests the protocol's parsing and dispatch against
 * real stacks over sim_link with in-memory channels, and netd's main
 * (netd_main.c) plugs in the system calls.
 *
 * The caller's loop: wait on a pollset of the NIC, a timer and every
 * channel the server watches (io->watch: the key and the signals it wants
 * now; level-triggered, so the server asks only for what it can act on),
 * hand each reported channel to netd_server_event, feed frames to the
 * stack, and call netd_server_pump after anything happened: it moves
 * bytes between the stack and the clients, finishes connects, accepts,
 * pings, closes, and updates the watches. netd_server_next_deadline joins
 * netstack_next_deadline for the timer.
 *
 * Every message from a client is hostile: wrong sizes, unknown ops and
 * tags, stray handles are answered -EINVAL (or dropped, on a data channel)
 * and counted; nothing a client sends can stall another client. */
#ifndef NETD_NETD_SERVER_H_
#define NETD_NETD_SERVER_H_

#include <stddef.h>
#include <stdint.h>
#include <viperdos/net.h>

#include "userland/servers/netd/netstack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Channels as the system calls see them: handles, VIPER_ERR_* results. */
struct netd_io {
  void* context;
  /* 0, or VIPER_ERR_WOULD_BLOCK (the peer's queue is full), _PEER_CLOSED.
   * The handles move only on success. */
  int64_t (*write)(void* context, uint64_t channel, const void* bytes, size_t size,
                   const uint64_t* handles, size_t handle_count);
  /* The bytes of the oldest message (its handles in `handles`, their count
   * in *handle_count), or VIPER_ERR_WOULD_BLOCK, _PEER_CLOSED (and empty),
   * _OUT_OF_RANGE (too big: the message is discarded). */
  int64_t (*read)(void* context, uint64_t channel, void* bytes, size_t capacity, uint64_t* handles,
                  size_t handle_capacity, size_t* handle_count);
  /* 0 and two connected ends, or an error. */
  int64_t (*create)(void* context, uint64_t ends[2]);
  void (*close)(void* context, uint64_t handle);
  /* Watch `channel` for `signals` (VIPER_SIGNAL_*; 0: not at all) under
   * `key`. Called only when what the server wants changes. */
  void (*watch)(void* context, uint64_t channel, uint32_t signals, uint64_t key);
  /* The interface as main knows it (DHCP state, NIC counters). */
  void (*interface)(void* context, struct viper_net_interface* out);
};

struct netd_server;

struct netd_server* netd_server_create(struct netstack* stack, const struct netd_io* io);
/* Closes every channel it holds. */
void netd_server_destroy(struct netd_server* server);

/* Serves `channel` as a service connection (init's: netd's bootstrap).
 * 0, or -1 when the table is full (the channel is closed). */
int netd_server_add_service(struct netd_server* server, uint64_t channel);

/* A pollset report for `key` (a key the server gave io->watch). */
void netd_server_event(struct netd_server* server, uint64_t key, uint32_t signals, uint64_t now);
/* After any event, frame or tick: see the header comment. */
void netd_server_pump(struct netd_server* server, uint64_t now);
/* The next ping timeout, UINT64_MAX if none. */
uint64_t netd_server_next_deadline(const struct netd_server* server);

/* For tests and netstat. */
struct netd_server_stats {
  uint64_t bad_requests; /* malformed or unknown requests answered -EINVAL */
  uint64_t bad_messages; /* malformed data-channel messages dropped */
  uint64_t lost_replies; /* replies a client's full queue refused */
  int sockets, services, controls;
};
void netd_server_stats(const struct netd_server* server, struct netd_server_stats* out);

/* A stack error (NET_E*) as a negative errno of this build's <errno.h>. */
int netd_errno(int net_error);

#ifdef __cplusplus
}
#endif

#endif /* NETD_NETD_SERVER_H_ */
