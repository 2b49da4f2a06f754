/* TCP output: building segments, the send loop (congestion and flow
 * control, Nagle, silly-window avoidance), ACKs and resets. */
#include <string.h>

#include "net_internal.h"

uint32_t tcp_receive_window(const struct net_socket* s) {
  const struct tcb* t = &s->tcb;
  uint32_t space = t->rcvbuf.capacity - t->rcvbuf.size;
  /* Receiver silly-window avoidance (RFC 9293 3.8.6.2.2): do not open a
   * window by less than a segment or a quarter of the buffer. */
  if (space < t->mss && space < t->rcvbuf.capacity / 4) space = 0;
  /* Never shrink what was already advertised (RFC 9293 3.8.6.2.1). */
  uint32_t advertised = seq_gt(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;
  if (advertised > space) space = advertised;
  uint32_t max = (uint32_t)65535 << t->rcv_wscale;
  return space > max ? max : space;
}

static uint16_t window_field(const struct net_socket* s, uint32_t window, bool syn) {
  if (syn) return window > 65535 ? 65535 : (uint16_t)window; /* never scaled (RFC 7323 2.2) */
  uint32_t scaled = window >> s->tcb.rcv_wscale;
  return scaled > 65535 ? 65535 : (uint16_t)scaled;
}

static void segment_out(struct netstack* stack, uint32_t src, uint32_t dst, uint16_t sport,
                        uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t window,
                        const uint8_t* options, size_t options_size, const struct ring* data,
                        uint32_t data_offset, uint32_t data_size) {
  uint8_t packet[FRAME_MAX];
  uint8_t* t = packet + IP_HEADER;
  size_t header = TCP_HEADER + options_size;
  wire_put16(t, sport);
  wire_put16(t + 2, dport);
  wire_put32(t + 4, seq);
  wire_put32(t + 8, (flags & TCP_ACK) ? ack : 0);
  t[12] = (uint8_t)((header / 4) << 4);
  t[13] = flags;
  wire_put16(t + 14, window);
  wire_put16(t + 16, 0);
  wire_put16(t + 18, 0);
  if (options_size) memcpy(t + TCP_HEADER, options, options_size);
  if (data_size) ring_peek(data, data_offset, t + header, data_size);
  uint16_t length = (uint16_t)(header + data_size);
  wire_put16(t + 16, wire_checksum_finish(
                         wire_sum(wire_pseudo_sum(src, dst, IP_PROTO_TCP, length), t, length)));
  NET_COUNT(stack, TCP_SEGMENTS_OUT);
  if (flags & TCP_RST) NET_COUNT(stack, TCP_RESETS_OUT);
  ip_output_from(stack, src, dst, IP_PROTO_TCP, t, length);
}

void tcp_emit(struct netstack* stack, struct net_socket* s, uint32_t seq, uint8_t flags,
              uint32_t size) {
  struct tcb* t = &s->tcb;
  uint8_t options[8];
  size_t options_size = 0;
  bool syn = (flags & TCP_SYN) != 0;
  if (syn) {
    uint16_t mss = (uint16_t)(stack->config.mtu - IP_HEADER - TCP_HEADER);
    options[0] = 2; /* MSS (RFC 9293 3.7.1) */
    options[1] = 4;
    wire_put16(options + 2, mss);
    options_size = 4;
    if (t->wscale_ok) {
      options[4] = 1; /* NOP, so the header stays 32-bit aligned */
      options[5] = 3; /* window scale (RFC 7323 2.2) */
      options[6] = 3;
      options[7] = t->rcv_wscale;
      options_size = 8;
    }
  }
  uint32_t window = tcp_receive_window(s);
  if (flags & TCP_ACK) {
    /* This segment acknowledges everything so far: no ACK stays owed. */
    t->rcv_adv = t->rcv_nxt + (syn ? window_field(s, window, true) : window);
    t->unacked_segments = 0;
    t->delack_at = 0;
  }
  uint32_t src = ip_source(stack, s->local.addr, s->remote.addr);
  segment_out(stack, src, s->remote.addr, s->local.port, s->remote.port, seq, t->rcv_nxt, flags,
              window_field(s, window, syn), options, options_size, &t->sndbuf, seq - t->snd_una,
              size);
}

void tcp_send_ack(struct netstack* stack, struct net_socket* s) {
  /* snd_max, not snd_nxt: after a timeout snd_nxt went back, and an ACK
   * numbered below what the peer already has is unacceptable to it
   * (RFC 9293 3.10.7.4), so both ends could retransmit forever. */
  tcp_emit(stack, s, s->tcb.snd_max, TCP_ACK, 0);
}

void tcp_send_reset_reply(struct netstack* stack, uint32_t src, uint32_t dst, uint16_t sport,
                          uint16_t dport, uint32_t seq, uint32_t ack, uint32_t seg_len,
                          bool had_ack) {
  /* RFC 9293 3.10.7.1: a reset takes its sequence number from the ACK it
   * answers, or acknowledges the offending segment. */
  if (had_ack) {
    segment_out(stack, dst, src, dport, sport, ack, 0, TCP_RST, 0, NULL, 0, NULL, 0, 0);
  } else {
    segment_out(stack, dst, src, dport, sport, 0, seq + seg_len, TCP_RST | TCP_ACK, 0, NULL, 0,
                NULL, 0, 0);
  }
}

static bool fin_acked(const struct tcb* t) { return t->fin_sent && seq_gt(t->snd_una, t->fin_seq); }

void tcp_retransmit_first(struct netstack* stack, struct net_socket* s) {
  struct tcb* t = &s->tcb;
  uint32_t size = t->sndbuf.size < t->mss ? t->sndbuf.size : t->mss;
  uint8_t flags = TCP_ACK;
  if (t->fin_sent && !fin_acked(t) && size == t->sndbuf.size) flags |= TCP_FIN;
  if (size == 0 && !(flags & TCP_FIN)) return;
  if (size) flags |= TCP_PSH;
  NET_COUNT(stack, TCP_RETRANSMITS);
  tcp_emit(stack, s, t->snd_una, flags, size);
  t->rtt_timing = false; /* Karn: no sample from a retransmitted segment */
}

static bool can_send_data(int state) {
  return state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT || state == TCP_FIN_WAIT_1 ||
         state == TCP_CLOSING || state == TCP_LAST_ACK;
}

/* cwnd, plus RFC 3042's limited transmit: the first and second duplicate
 * ACK each let one new segment out, so a small flight that lost one still
 * brings the third duplicate for a fast retransmit instead of waiting
 * out a timeout (at 20 % loss the flight is rarely more than 4 segments).
 * Only new data: after a timeout's go-back-N it would resend instead. */
static uint32_t congestion_window(const struct tcb* t) {
  if (t->in_recovery || t->dupacks == 0 || t->dupacks > 2 || t->snd_nxt != t->snd_max)
    return t->cwnd;
  return t->cwnd + (uint32_t)t->dupacks * t->mss;
}

void tcp_output(struct netstack* stack, struct net_socket* s) {
  struct tcb* t = &s->tcb;
  if (!can_send_data(t->state)) return;
  bool sent_any = false;
  for (;;) {
    if (t->fin_sent && seq_gt(t->snd_nxt, t->fin_seq)) break; /* all sent, FIN too */
    uint32_t sent = t->snd_nxt - t->snd_una;
    uint32_t pending = t->sndbuf.size > sent ? t->sndbuf.size - sent : 0;
    uint32_t window = t->snd_wnd < congestion_window(t) ? t->snd_wnd : congestion_window(t);
    uint32_t usable = window > sent ? window - sent : 0;
    uint32_t size = pending < t->mss ? pending : t->mss;
    if (size > usable) size = usable;
    bool fin = t->fin_queued && size == pending && !fin_acked(t);
    if (size == 0 && !fin) break;
    if (size < t->mss && size < pending && sent > 0) break;      /* window-limited runt: wait */
    if (size < t->mss && !fin && !t->nodelay && sent > 0) break; /* Nagle (RFC 896) */
    uint8_t flags = TCP_ACK;
    if (size) flags |= TCP_PSH;
    if (fin) flags |= TCP_FIN;
    if (seq_lt(t->snd_nxt, t->snd_max))
      NET_COUNT(stack, TCP_RETRANSMITS);
    else if (size && !t->rtt_timing) {
      t->rtt_timing = true;
      t->rtt_seq = t->snd_nxt;
      t->rtt_start = stack->now;
    }
    tcp_emit(stack, s, t->snd_nxt, flags, size);
    if (fin) {
      t->fin_seq = t->snd_nxt + size;
      t->fin_sent = true;
    }
    t->snd_nxt += size + (fin ? 1 : 0);
    if (seq_gt(t->snd_nxt, t->snd_max)) t->snd_max = t->snd_nxt;
    sent_any = true;
    t->persist_at = 0;
  }
  /* The timer runs while anything is in flight; armed for a lone segment,
   * it shortens once more follow (tcp_arm_rexmt). */
  if (sent_any && (t->rexmt_at == 0 || (t->rexmt_lone && t->snd_nxt - t->snd_una > t->mss))) {
    uint64_t armed = t->rexmt_at;
    tcp_arm_rexmt(stack, t);
    if (armed && armed < t->rexmt_at) t->rexmt_at = armed;
  }
  /* A zero window with data waiting and nothing in flight: probe it, or
   * a lost window update would deadlock both ends (RFC 9293 3.8.6.1). */
  uint32_t sent = t->snd_nxt - t->snd_una;
  if (t->snd_wnd == 0 && sent == 0 && t->sndbuf.size > 0 && t->persist_at == 0) {
    t->rexmt_at = 0;
    t->persist_interval = t->rto;
    t->persist_at = stack->now + t->persist_interval;
  }
}
