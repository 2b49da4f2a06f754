/* The stack's internal state, shared by its layers (not part of the API).
 * Every bound is a named constant here; docs/network.md lists them. */
#ifndef NETD_NET_INTERNAL_H_
#define NETD_NET_INTERNAL_H_

#include "netstack.h"
#include "wire.h"

#define ETH_HEADER 14
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806
#define IP_HEADER 20
#define IP_PROTO_ICMP 1
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17
#define IP_DEFAULT_TTL 64
#define UDP_HEADER 8
#define TCP_HEADER 20
#define FRAME_MAX 1518

#define NS_PER_MS 1000000ull
#define NS_PER_S 1000000000ull

/* ARP (RFC 826): entries live ARP_ENTRY_TTL; a request is retried every
 * ARP_RETRY_INTERVAL up to ARP_RETRIES times, then the queued packets are
 * dropped (ARP_UNRESOLVED) and the entry freed. */
#define ARP_ENTRIES 32
#define ARP_PENDING_PER_ENTRY 4
#define ARP_ENTRY_TTL (60 * NS_PER_S)
#define ARP_RETRY_INTERVAL (1 * NS_PER_S)
#define ARP_RETRIES 3
#define ARP_REFRESH_BEFORE (5 * NS_PER_S) /* re-asked when used this close to expiry */

/* IPv4 reassembly: at most FRAG_SLOTS datagrams at once, each at most
 * FRAG_MAX_RANGES pieces, gone after FRAG_TIMEOUT (RFC 791 suggests 15 s;
 * Linux uses 30 s). Memory: FRAG_SLOTS * 64 KiB at worst. */
#define FRAG_SLOTS 8
#define FRAG_MAX_RANGES 64
#define FRAG_TIMEOUT (30 * NS_PER_S)
#define IP_MAX_DATAGRAM 65535

#define UDP_QUEUE_MAX 64 /* datagrams per socket, besides the byte budget */

/* TCP timers (RFC 6298). The minimum RTO is 20 ms, not the RFC's 1 s
 * nor Linux's 200 ms: netd's peers are a few milliseconds away (QEMU's
 * slirp, the loopback) and, without SACK (slirp offers none), netd
 * recovers much of a heavy loss by timeouts; at 200 ms each cost some
 * 200 RTTs (docs/network.md, "Loss recovery, measured"). A lone segment
 * in flight waits at least TCP_RTO_LONE_SEGMENT, the peer's delayed ACK
 * (RFC 5681 allows up to 500 ms; Linux 40 ms, 4.4BSD 200 ms). A spurious
 * timeout costs resends, never data. */
#define TCP_RTO_INITIAL (1 * NS_PER_S)
#define TCP_RTO_MIN (20 * NS_PER_MS)
#define TCP_RTO_LONE_SEGMENT (200 * NS_PER_MS)
#define TCP_RTO_MAX (60 * NS_PER_S)
#define TCP_MAX_RETRIES 15 /* data: give up (ETIMEDOUT) after this many */
#define TCP_SYN_RETRIES 6  /* connect: ~2 minutes with backoff */
#define TCP_DELACK (40 * NS_PER_MS)
#define TCP_QUICK_ACKS 16 /* segments ACKed at once after out-of-order data */
#define TCP_MSL (30 * NS_PER_S)
#define TCP_DEFAULT_MSS 536 /* RFC 9293 3.7.1: without an MSS option */
#define TCP_OOO_RANGES 16   /* out-of-order pieces kept per connection */
#define TCP_EPHEMERAL_FIRST 49152
#define TCP_FIN_WAIT_2_TIMEOUT (60 * NS_PER_S) /* an orphan whose peer never closes */

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

struct netstack;

struct arp_entry {
  int state; /* ARP_FREE, ARP_PENDING, ARP_RESOLVED */
  uint32_t addr;
  uint8_t mac[6];
  uint64_t expires;    /* RESOLVED: when it must be refreshed */
  uint64_t next_retry; /* PENDING: when to ask again */
  int retries;
  bool refreshing; /* RESOLVED: a request went out for it before expiry */
  int pending_count;
  uint16_t pending_size[ARP_PENDING_PER_ENTRY];
  uint8_t* pending[ARP_PENDING_PER_ENTRY]; /* IP packets waiting */
};
enum { ARP_FREE, ARP_PENDING, ARP_RESOLVED };

struct frag_range {
  uint16_t start, end; /* payload bytes [start, end) */
};
struct frag_slot {
  bool used;
  uint32_t src, dst;
  uint16_t id;
  uint8_t protocol;
  uint64_t deadline;
  int total; /* payload length once the last fragment came, else -1 */
  int range_count;
  struct frag_range ranges[FRAG_MAX_RANGES];
  uint8_t header[IP_HEADER];
  uint8_t* data; /* IP_MAX_DATAGRAM bytes */
};

/* A byte ring: TCP send and receive buffers. */
struct ring {
  uint8_t* data;
  uint32_t capacity, head, size;
};

struct udp_datagram {
  struct udp_datagram* next;
  struct net_endpoint from;
  uint32_t size;
  uint8_t data[];
};

struct tcb {
  int state;
  /* Send sequence space (RFC 9293 3.3.1). snd_max is the highest sent:
   * after a timeout snd_nxt goes back to snd_una and climbs again. */
  uint32_t iss, snd_una, snd_nxt, snd_max, snd_wl1, snd_wl2;
  uint32_t snd_wnd, max_snd_wnd;
  uint8_t snd_wscale, rcv_wscale;
  bool wscale_ok, fin_queued, fin_sent, nodelay;
  uint32_t fin_seq; /* our FIN's sequence number, once sent */
  /* Receive sequence space. */
  uint32_t irs, rcv_nxt, rcv_adv; /* rcv_adv: right edge advertised */
  bool fin_received, read_shutdown;
  uint16_t mss; /* effective send MSS */
  /* Congestion control (RFC 5681, NewReno RFC 6582). */
  uint32_t cwnd, ssthresh, recover, bytes_acked;
  int dupacks;
  bool in_recovery;
  /* RTT (RFC 6298) with Karn's rule: one segment timed at a time. */
  uint64_t srtt, rttvar, rto;
  bool rtt_timing;
  uint32_t rtt_seq;
  uint64_t rtt_start;
  int retries;                                           /* consecutive timeouts */
  uint64_t rexmt_at, persist_at, delack_at, timewait_at; /* 0: off */
  bool rexmt_lone;           /* rexmt_at was armed for a lone segment (tcp_arm_rexmt) */
  uint64_t persist_interval; /* zero-window probes back off like the RTO */
  int unacked_segments;      /* received since our last ACK (delayed ACK) */
  int quick_acks;            /* in-order segments still to ACK at once (after a loss) */
  struct ring sndbuf, rcvbuf;
  /* Out-of-order data already in rcvbuf past rcv_nxt: [start, end) as
   * sequence numbers, sorted, disjoint. */
  uint32_t ooo_start[TCP_OOO_RANGES], ooo_end[TCP_OOO_RANGES];
  int ooo_count;
  /* Listener: established connections waiting for accept, and the
   * backlog that bounds them together with half-open ones. */
  int listener; /* index of the listening socket for a child, else -1 */
  int backlog, queued, half_open;
  int accept_queue[NET_BACKLOG_MAX];
};

struct net_socket {
  bool used;
  bool user_owned; /* a handle refers to it (false: embryonic or orphaned) */
  uint32_t generation;
  int type;
  bool bound, connected, reuseaddr, keepalive;
  struct net_endpoint local, remote;
  int error; /* pending, for NET_SO_ERROR */
  uint32_t rcvbuf_size, sndbuf_size;
  /* UDP */
  struct udp_datagram *rx_head, *rx_tail;
  uint32_t rx_bytes, rx_count;
  struct tcb tcb;
};

struct netstack {
  struct netstack_config config;
  uint64_t now;
  uint16_t ip_id;
  uint16_t next_port;
  uint64_t counters[NET_COUNTER_COUNT];
  uint64_t drops[NET_DROP_COUNT];
  struct arp_entry arp[ARP_ENTRIES];
  struct frag_slot frags[FRAG_SLOTS];
  bool echo_reply_seen;
  uint32_t echo_from;
  uint16_t echo_id, echo_sequence;
  struct net_socket sockets[NET_MAX_SOCKETS];
  uint8_t reassembled[IP_MAX_DATAGRAM];      /* the last datagram frag_input completed */
  struct loop_packet *loop_head, *loop_tail; /* loopback.c */
  int loop_count;
};

#define NET_COUNT(stack, name) ((stack)->counters[NET_##name]++)
#define NET_DROP(stack, name) ((stack)->drops[NET_DROP_##name]++)

/* Sequence-number comparisons modulo 2^32 (RFC 9293 3.4). */
static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_ge(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

/* Layers, lowest first. */
void eth_send(struct netstack* stack, const uint8_t mac[6], uint16_t type, const uint8_t* payload,
              size_t size);
void arp_input(struct netstack* stack, const uint8_t* packet, size_t size);
/* Sends an IP packet to `next_hop`, resolving it first (queued meanwhile). */
void arp_output(struct netstack* stack, uint32_t next_hop, const uint8_t* packet, size_t size);
void arp_tick(struct netstack* stack);
void arp_clear(struct netstack* stack);
uint64_t arp_deadline(const struct netstack* stack);

void ip_input(struct netstack* stack, const uint8_t* packet, size_t size);
/* Builds the IPv4 header in front of `payload` (which must have IP_HEADER
 * bytes of room before it) and routes it. Returns NET_OK or an error. */
int ip_output(struct netstack* stack, uint32_t dst, uint8_t protocol, uint8_t* payload,
              size_t size);
/* Reassembly: returns the whole datagram's payload (into *out, valid until
 * the next call) once complete, else 0. */
size_t frag_input(struct netstack* stack, const uint8_t* header, const uint8_t* payload,
                  size_t size, const uint8_t** out);
void frag_tick(struct netstack* stack);
void frag_clear(struct netstack* stack);
uint64_t frag_deadline(const struct netstack* stack);
bool ip_is_local(const struct netstack* stack, uint32_t addr);
/* 127.0.0.0/8. */
bool ip_is_loopback(uint32_t addr);
/* The source address of a packet to `dst` from a socket bound to `bound`
 * (0: any): the loopback address for loopback destinations. */
uint32_t ip_source(const struct netstack* stack, uint32_t bound, uint32_t dst);
/* ip_output with an explicit source (TCP: the connection's own). */
int ip_output_from(struct netstack* stack, uint32_t src, uint32_t dst, uint8_t protocol,
                   uint8_t* payload, size_t size);
/* A packet that looped back: ip_input without the checks that only make
 * sense for the wire (martian sources, whom it is for). */
void ip_input_local(struct netstack* stack, const uint8_t* packet, size_t size);

/* Loopback (loopback.c): a bounded queue of packets to ourselves. */
#define LOOP_QUEUE_MAX 256
void loop_output(struct netstack* stack, const uint8_t* packet, size_t size);
void loop_tick(struct netstack* stack);
void loop_clear(struct netstack* stack);
bool ip_is_broadcast(const struct netstack* stack, uint32_t addr);

void icmp_input(struct netstack* stack, uint32_t src, uint32_t dst, const uint8_t* data,
                size_t size);
/* Port unreachable for a datagram, quoting its header and 8 bytes. */
void icmp_port_unreachable(struct netstack* stack, const uint8_t* ip_header, const uint8_t* payload,
                           size_t size);

void udp_input(struct netstack* stack, const uint8_t* ip_header, const uint8_t* data, size_t size);
void udp_socket_free(struct net_socket* socket);
long udp_sendto(struct netstack* stack, struct net_socket* socket, const void* data, size_t size,
                const struct net_endpoint* remote);
long udp_recvfrom(struct net_socket* socket, void* data, size_t size, struct net_endpoint* remote);

void tcp_input(struct netstack* stack, uint32_t src, uint32_t dst, const uint8_t* data,
               size_t size);
void tcp_tick(struct netstack* stack, struct net_socket* socket);
uint64_t tcp_deadline(const struct net_socket* socket);
void tcp_output(struct netstack* stack, struct net_socket* socket);
void tcp_send_reset_reply(struct netstack* stack, uint32_t src, uint32_t dst, uint16_t sport,
                          uint16_t dport, uint32_t seq, uint32_t ack, uint32_t seg_len,
                          bool had_ack);
void tcp_set_state(struct netstack* stack, struct net_socket* socket, int state);
/* Ends a connection with `error` (0: normal close): wakes the user or frees
 * an orphan. */
void tcp_drop(struct netstack* stack, struct net_socket* socket, int error);
int tcp_connect(struct netstack* stack, struct net_socket* socket);
void tcp_close(struct netstack* stack, struct net_socket* socket);
/* Like tcp_close, but a synchronized connection is reset at once. */
void tcp_abort(struct netstack* stack, struct net_socket* socket);
void tcp_shutdown_write(struct netstack* stack, struct net_socket* socket);
void tcp_after_read(struct netstack* stack, struct net_socket* socket);
/* Sends one segment: `size` bytes of the send buffer at `seq` (relative
 * to snd_una), with `flags`; SYN segments carry our options. */
void tcp_emit(struct netstack* stack, struct net_socket* socket, uint32_t seq, uint8_t flags,
              uint32_t size);
void tcp_retransmit_first(struct netstack* stack, struct net_socket* socket);
void tcp_send_ack(struct netstack* stack, struct net_socket* socket);
void tcp_update_rtt(struct net_socket* socket, uint64_t sample);
/* SRTT + max(G, 4 RTTVAR), clamped to [TCP_RTO_MIN, TCP_RTO_MAX]: the RTO
 * without backoff. */
uint64_t tcp_rto_estimate(const struct tcb* t);
/* Starts the retransmission timer for what is in flight now: the RTO,
 * and at least TCP_RTO_LONE_SEGMENT for a single segment. */
void tcp_arm_rexmt(struct netstack* stack, struct tcb* t);
uint32_t tcp_receive_window(const struct net_socket* socket);

/* Sockets. */
struct net_socket* socket_alloc(struct netstack* stack);
void socket_free(struct netstack* stack, struct net_socket* socket);
int socket_index(const struct netstack* stack, const struct net_socket* socket);
int socket_handle(const struct netstack* stack, const struct net_socket* socket);
bool port_in_use(const struct netstack* stack, int type, uint32_t addr, uint16_t port, bool reuse);
uint16_t ephemeral_port(struct netstack* stack, int type);

int ring_init(struct ring* ring, uint32_t capacity);
void ring_free(struct ring* ring);
uint32_t ring_write(struct ring* ring, const uint8_t* data, uint32_t size);
/* Copies `size` bytes at `offset` past the head without consuming. */
void ring_peek(const struct ring* ring, uint32_t offset, uint8_t* out, uint32_t size);
/* Writes at `offset` past the end of the data (out-of-order arrival),
 * without changing the size. The caller checks it fits. */
void ring_write_at(struct ring* ring, uint32_t offset, const uint8_t* data, uint32_t size);
void ring_consume(struct ring* ring, uint32_t size);
static inline uint32_t ring_free_space(const struct ring* ring) {
  return ring->capacity - ring->size;
}

#endif /* NETD_NET_INTERNAL_H_ */
