/* The stack's counters: traffic per layer and drops per reason. X-macro
 * lists so each name is written once and netstat prints them all. */
#ifndef NETD_NET_COUNTERS_H_
#define NETD_NET_COUNTERS_H_

#ifdef __cplusplus
extern "C" {
#endif

#define NET_COUNTER_LIST(X) \
  X(FRAMES_IN)              \
  X(FRAMES_OUT)             \
  X(ARP_REQUESTS_OUT)       \
  X(ARP_REPLIES_OUT)        \
  X(ARP_RESOLVED)           \
  X(ARP_TIMEOUTS)           \
  X(IP_PACKETS_IN)          \
  X(IP_PACKETS_OUT)         \
  X(IP_FRAGMENTS_IN)        \
  X(IP_REASSEMBLED)         \
  X(IP_REASSEMBLY_TIMEOUTS) \
  X(ICMP_ECHO_REQUESTS_IN)  \
  X(ICMP_ECHO_REPLIES_IN)   \
  X(ICMP_UNREACHABLE_OUT)   \
  X(UDP_DATAGRAMS_IN)       \
  X(UDP_DATAGRAMS_OUT)      \
  X(TCP_SEGMENTS_IN)        \
  X(TCP_SEGMENTS_OUT)       \
  X(TCP_RETRANSMITS)        \
  X(TCP_TIMEOUTS)           \
  X(TCP_FAST_RETRANSMITS)   \
  X(TCP_ZERO_WINDOW_PROBES) \
  X(TCP_RESETS_OUT)         \
  X(TCP_RESETS_IN)          \
  X(TCP_CHALLENGE_ACKS)     \
  X(TCP_OUT_OF_ORDER)       \
  X(TCP_CONNECTS)           \
  X(TCP_ACCEPTS)            \
  X(LOOPBACK_PACKETS)

#define NET_DROP_LIST(X)   \
  X(ETH_TRUNCATED)         \
  X(ETH_NOT_FOR_US)        \
  X(ETH_UNKNOWN_TYPE)      \
  X(ARP_MALFORMED)         \
  X(ARP_NOT_FOR_US)        \
  X(ARP_QUEUE_FULL)        \
  X(ARP_UNRESOLVED)        \
  X(IP_TRUNCATED)          \
  X(IP_BAD_VERSION)        \
  X(IP_BAD_HEADER_LENGTH)  \
  X(IP_BAD_TOTAL_LENGTH)   \
  X(IP_BAD_CHECKSUM)       \
  X(IP_BAD_SOURCE)         \
  X(IP_NOT_FOR_US)         \
  X(IP_OPTIONS)            \
  X(IP_UNKNOWN_PROTOCOL)   \
  X(IP_NO_ROUTE)           \
  X(FRAG_BAD_OFFSET)       \
  X(FRAG_OVERLAP)          \
  X(FRAG_TOO_BIG)          \
  X(FRAG_NO_SLOT)          \
  X(FRAG_TOO_MANY)         \
  X(ICMP_TRUNCATED)        \
  X(ICMP_BAD_CHECKSUM)     \
  X(ICMP_UNHANDLED_TYPE)   \
  X(UDP_TRUNCATED)         \
  X(UDP_BAD_LENGTH)        \
  X(UDP_BAD_CHECKSUM)      \
  X(UDP_NO_SOCKET)         \
  X(UDP_QUEUE_FULL)        \
  X(TCP_TRUNCATED)         \
  X(TCP_BAD_OFFSET)        \
  X(TCP_BAD_CHECKSUM)      \
  X(TCP_BAD_OPTIONS)       \
  X(TCP_BAD_FLAGS)         \
  X(TCP_NO_SOCKET)         \
  X(TCP_BACKLOG_FULL)      \
  X(TCP_OUT_OF_WINDOW)     \
  X(TCP_BAD_ACK)           \
  X(TCP_RST_OUT_OF_WINDOW) \
  X(TCP_OUT_OF_ORDER_FULL) \
  X(LOOP_QUEUE_FULL)

#define NET_ENUM_COUNTER(name) NET_##name,
enum net_counter { NET_COUNTER_LIST(NET_ENUM_COUNTER) NET_COUNTER_COUNT };
#undef NET_ENUM_COUNTER

#define NET_ENUM_DROP(name) NET_DROP_##name,
enum net_drop { NET_DROP_LIST(NET_ENUM_DROP) NET_DROP_COUNT };
#undef NET_ENUM_DROP

/* Names as listed ("TCP_BAD_CHECKSUM"); NULL for an unknown value. */
const char* net_counter_name(enum net_counter counter);
const char* net_drop_name(enum net_drop reason);

#ifdef __cplusplus
}
#endif

#endif /* NETD_NET_COUNTERS_H_ */
