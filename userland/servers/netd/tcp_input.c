/* TCP input (RFC 9293 3.10.7 "SEGMENT ARRIVES"): header and option checks,
 * demultiplexing, LISTEN and SYN-SENT, then the synchronized states:
 * acceptability, RST and SYN per RFC 5961, ACK processing (with
 * tcp_ack.c), data and FIN. */
#include <string.h>

#include "net_internal.h"
#include "tcp_segment.h"

static bool parse_options(const uint8_t* o, size_t size, struct tcp_segment* seg) {
  size_t i = 0;
  while (i < size) {
    uint8_t kind = o[i];
    if (kind == 0) break; /* end of options */
    if (kind == 1) {      /* NOP */
      i++;
      continue;
    }
    if (i + 1 >= size) return false;
    uint8_t length = o[i + 1];
    if (length < 2 || i + length > size) return false;
    if (kind == 2) {
      if (length != 4) return false;
      seg->mss = wire_get16(o + i + 2);
      if (seg->mss == 0) return false;
      seg->has_mss = true;
    } else if (kind == 3) {
      if (length != 3) return false;
      seg->wscale = o[i + 2] > 14 ? 14 : o[i + 2]; /* RFC 7323 2.3: clamp, log */
      seg->has_wscale = true;
    }
    i += length; /* others (SACK-permitted, timestamps) are skipped */
  }
  return true;
}

bool tcp_parse(struct netstack* stack, uint32_t src, uint32_t dst, const uint8_t* p, size_t size,
               struct tcp_segment* seg) {
  memset(seg, 0, sizeof(*seg));
  if (size < TCP_HEADER) {
    NET_DROP(stack, TCP_TRUNCATED);
    return false;
  }
  size_t header = (size_t)(p[12] >> 4) * 4;
  if (header < TCP_HEADER || header > size) {
    NET_DROP(stack, TCP_BAD_OFFSET);
    return false;
  }
  if (size > 0xffff ||
      wire_checksum_finish(
          wire_sum(wire_pseudo_sum(src, dst, IP_PROTO_TCP, (uint16_t)size), p, size)) != 0) {
    NET_DROP(stack, TCP_BAD_CHECKSUM);
    return false;
  }
  seg->src = src;
  seg->dst = dst;
  seg->sport = wire_get16(p);
  seg->dport = wire_get16(p + 2);
  seg->seq = wire_get32(p + 4);
  seg->ack = wire_get32(p + 8);
  seg->flags = p[13];
  seg->window = wire_get16(p + 14);
  seg->data = p + header;
  seg->size = (uint32_t)(size - header);
  uint8_t f = seg->flags;
  if (seg->sport == 0 || seg->dport == 0 || ((f & TCP_SYN) && (f & (TCP_FIN | TCP_RST))) ||
      (f & (TCP_SYN | TCP_FIN | TCP_RST | TCP_ACK)) == 0) {
    NET_DROP(stack, TCP_BAD_FLAGS);
    return false;
  }
  if (!parse_options(p + TCP_HEADER, header - TCP_HEADER, seg)) {
    NET_DROP(stack, TCP_BAD_OPTIONS);
    return false;
  }
  return true;
}

static struct net_socket* tcp_lookup(struct netstack* stack, const struct tcp_segment* seg) {
  struct net_socket* listener = NULL;
  for (int i = 0; i < NET_MAX_SOCKETS; i++) {
    struct net_socket* s = &stack->sockets[i];
    if (!s->used || s->type != NET_SOCK_STREAM || !s->bound || s->local.port != seg->dport)
      continue;
    if (s->local.addr != 0 && s->local.addr != seg->dst) continue;
    if (s->tcb.state == TCP_LISTEN) {
      if (listener == NULL || s->local.addr != 0) listener = s;
    } else if (s->tcb.state != TCP_CLOSED && s->remote.addr == seg->src &&
               s->remote.port == seg->sport) {
      return s;
    }
  }
  return listener;
}

void tcp_init_connection(struct netstack* stack, struct net_socket* s) {
  struct tcb* t = &s->tcb;
  t->iss = stack->config.random(stack->config.context);
  t->snd_una = t->iss;
  t->snd_nxt = t->iss;
  t->snd_max = t->iss;
  t->recover = t->iss;
  t->rto = TCP_RTO_INITIAL;
  t->mss = TCP_DEFAULT_MSS;
  t->ssthresh = 1u << 30;
  t->rcv_wscale = 0;
  while (t->rcv_wscale < 14 && (s->rcvbuf_size >> t->rcv_wscale) > 65535) t->rcv_wscale++;
  t->wscale_ok = true; /* offered; cleared if the peer does not agree */
}

/* The peer's SYN: its sequence space and options. */
void tcp_take_syn(struct netstack* stack, struct net_socket* s, const struct tcp_segment* seg) {
  struct tcb* t = &s->tcb;
  t->irs = seg->seq;
  t->rcv_nxt = seg->seq + 1;
  t->rcv_adv = t->rcv_nxt;
  uint16_t ours = (uint16_t)(stack->config.mtu - IP_HEADER - TCP_HEADER);
  uint16_t theirs = seg->has_mss ? seg->mss : TCP_DEFAULT_MSS;
  t->mss = theirs < ours ? theirs : ours;
  if (t->mss < 64) t->mss = 64; /* a tiny MSS is a resource attack */
  if (t->wscale_ok && seg->has_wscale) {
    t->snd_wscale = seg->wscale;
  } else {
    t->wscale_ok = false;
    t->snd_wscale = 0;
    t->rcv_wscale = 0;
  }
  t->snd_wnd = seg->window; /* a SYN's window is never scaled */
  t->max_snd_wnd = t->snd_wnd;
  t->snd_wl1 = seg->seq;
  t->snd_wl2 = seg->ack;
  /* Initial window, RFC 5681 3.1. */
  t->cwnd = t->mss > 2190 ? 2u * t->mss : t->mss > 1095 ? 3u * t->mss : 4u * t->mss;
}

/* A SYN flood fills the backlog (and the socket table) with connections
 * that never complete: a half-open one of `listener` whose SYN-ACK had to
 * be resent (its peer did not answer within a timeout, as a real client
 * does within a round trip) makes room for a new SYN, the one resent
 * least recently first, so a real client still gets in during a flood,
 * and a burst of real clients beyond the backlog still only retries. */
static bool drop_a_half_open(struct netstack* stack, struct net_socket* listener) {
  const int index = socket_index(stack, listener);
  struct net_socket* oldest = NULL;
  for (int i = 0; i < NET_MAX_SOCKETS; i++) {
    struct net_socket* s = &stack->sockets[i];
    if (!s->used || s->type != NET_SOCK_STREAM || s->tcb.listener != index ||
        s->tcb.state != TCP_SYN_RECEIVED || s->tcb.retries == 0) {
      continue;
    }
    if (oldest == NULL || s->tcb.rexmt_at < oldest->tcb.rexmt_at) oldest = s;
  }
  if (oldest == NULL) return false;
  NET_DROP(stack, TCP_BACKLOG_FULL);
  tcp_drop(stack, oldest, 0);
  return true;
}

static void listen_input(struct netstack* stack, struct net_socket* listener,
                         const struct tcp_segment* seg) {
  if (seg->flags & TCP_RST) return;
  if (seg->flags & TCP_ACK) {
    tcp_send_reset_reply(stack, seg->src, seg->dst, seg->sport, seg->dport, seg->seq, seg->ack,
                         tcp_segment_length(seg), true);
    return;
  }
  if (!(seg->flags & TCP_SYN)) return;
  struct tcb* lt = &listener->tcb;
  if (lt->queued + lt->half_open >= lt->backlog && !drop_a_half_open(stack, listener)) {
    NET_DROP(stack, TCP_BACKLOG_FULL); /* the peer retries its SYN */
    return;
  }
  struct net_socket* child = socket_alloc(stack);
  if (child == NULL && drop_a_half_open(stack, listener)) child = socket_alloc(stack);
  if (child == NULL) {
    NET_DROP(stack, TCP_BACKLOG_FULL);
    return;
  }
  child->type = NET_SOCK_STREAM;
  child->bound = true;
  child->connected = true;
  child->local.addr = seg->dst;
  child->local.port = seg->dport;
  child->remote.addr = seg->src;
  child->remote.port = seg->sport;
  child->rcvbuf_size = listener->rcvbuf_size;
  child->sndbuf_size = listener->sndbuf_size;
  child->tcb.nodelay = lt->nodelay;
  if (ring_init(&child->tcb.rcvbuf, child->rcvbuf_size) != NET_OK ||
      ring_init(&child->tcb.sndbuf, child->sndbuf_size) != NET_OK) {
    socket_free(stack, child);
    NET_DROP(stack, TCP_BACKLOG_FULL);
    return;
  }
  tcp_init_connection(stack, child);
  tcp_take_syn(stack, child, seg);
  child->tcb.listener = socket_index(stack, listener);
  lt->half_open++;
  tcp_set_state(stack, child, TCP_SYN_RECEIVED);
  tcp_emit(stack, child, child->tcb.iss, TCP_SYN | TCP_ACK, 0);
  child->tcb.snd_nxt = child->tcb.iss + 1;
  child->tcb.snd_max = child->tcb.snd_nxt;
  child->tcb.rexmt_at = stack->now + child->tcb.rto;
}

static void syn_sent_input(struct netstack* stack, struct net_socket* s,
                           const struct tcp_segment* seg) {
  struct tcb* t = &s->tcb;
  bool ack_ok = false;
  if (seg->flags & TCP_ACK) {
    if (seq_le(seg->ack, t->iss) || seq_gt(seg->ack, t->snd_max)) {
      NET_DROP(stack, TCP_BAD_ACK);
      if (!(seg->flags & TCP_RST))
        tcp_send_reset_reply(stack, seg->src, seg->dst, seg->sport, seg->dport, seg->seq, seg->ack,
                             tcp_segment_length(seg), true);
      return;
    }
    ack_ok = true;
  }
  if (seg->flags & TCP_RST) {
    if (ack_ok) {
      NET_COUNT(stack, TCP_RESETS_IN);
      tcp_drop(stack, s, NET_ECONNREFUSED);
    } else {
      NET_DROP(stack, TCP_RST_OUT_OF_WINDOW);
    }
    return;
  }
  if (!(seg->flags & TCP_SYN)) return;
  tcp_take_syn(stack, s, seg);
  if (ack_ok) {
    t->snd_una = seg->ack;
    t->retries = 0;
    if (t->rtt_timing) {
      tcp_update_rtt(s, stack->now - t->rtt_start);
      t->rtt_timing = false;
    }
    t->rexmt_at = 0;
    tcp_set_state(stack, s, TCP_ESTABLISHED);
    tcp_send_ack(stack, s);
    tcp_output(stack, s);
  } else {
    /* Simultaneous open (RFC 9293 figure 7): answer with SYN-ACK. */
    tcp_set_state(stack, s, TCP_SYN_RECEIVED);
    tcp_emit(stack, s, t->iss, TCP_SYN | TCP_ACK, 0);
    t->rexmt_at = stack->now + t->rto;
  }
}

void tcp_input(struct netstack* stack, uint32_t src, uint32_t dst, const uint8_t* data,
               size_t size) {
  struct tcp_segment seg;
  if (!tcp_parse(stack, src, dst, data, size, &seg)) return;
  NET_COUNT(stack, TCP_SEGMENTS_IN);
  struct net_socket* s = tcp_lookup(stack, &seg);
  if (s == NULL) {
    NET_DROP(stack, TCP_NO_SOCKET);
    if (!(seg.flags & TCP_RST))
      tcp_send_reset_reply(stack, src, dst, seg.sport, seg.dport, seg.seq, seg.ack,
                           tcp_segment_length(&seg), (seg.flags & TCP_ACK) != 0);
    return;
  }
  switch (s->tcb.state) {
    case TCP_LISTEN:
      listen_input(stack, s, &seg);
      return;
    case TCP_SYN_SENT:
      syn_sent_input(stack, s, &seg);
      return;
    default:
      tcp_synchronized_input(stack, s, &seg);
  }
}
