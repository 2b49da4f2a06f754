/* TCP ACK processing: the send buffer, RTT samples, NewReno congestion
 * control (RFC 5681 slow start and congestion avoidance, fast retransmit
 * on the third duplicate ACK, RFC 6582 partial ACKs), the send window
 * (RFC 9293 3.10.7.4's SND.WL1/WL2 rule) and the closing states. */
#include "net_internal.h"
#include "tcp_segment.h"

#define TCP_CWND_MAX (1u << 30)

static uint32_t flight_size(const struct tcb* t) { return t->snd_max - t->snd_una; }

static void enter_established(struct netstack* stack, struct net_socket* s) {
  struct tcb* t = &s->tcb;
  tcp_set_state(stack, s, TCP_ESTABLISHED);
  if (t->listener >= 0) {
    struct tcb* lt = &stack->sockets[t->listener].tcb;
    lt->half_open--;
    lt->accept_queue[lt->queued++] = socket_index(stack, s);
  }
  if (t->fin_queued) tcp_set_state(stack, s, TCP_FIN_WAIT_1);
}

static void new_ack(struct netstack* stack, struct net_socket* s, uint32_t ack) {
  struct tcb* t = &s->tcb;
  uint32_t acked = ack - t->snd_una;
  uint32_t data = acked;
  if (t->fin_sent && seq_gt(ack, t->fin_seq)) data--; /* the FIN's sequence number */
  if (data > t->sndbuf.size) data = t->sndbuf.size;
  ring_consume(&t->sndbuf, data);
  t->snd_una = ack;
  if (seq_lt(t->snd_nxt, t->snd_una)) t->snd_nxt = t->snd_una;
  if (t->rtt_timing && seq_gt(ack, t->rtt_seq)) {
    tcp_update_rtt(s, stack->now - t->rtt_start);
    t->rtt_timing = false;
  }
  if (t->retries > 0) {
    /* Backoff undone by new data acknowledged (as lwIP does): the path
     * delivers again. Waiting for a Karn-clean sample instead (RFC 6298
     * 5.7) means never at high loss: every flight after a timeout holds
     * a resend, so the RTO only doubled (400 ms to 3.2 s at 20 % loss
     * with a 1 ms RTT). Samples still skip resent segments. */
    t->rto = tcp_rto_estimate(t);
  }
  t->retries = 0;
  if (t->in_recovery) {
    if (seq_ge(ack, t->recover)) {
      /* Full ACK: leave fast recovery (RFC 6582 3.2 step 3, option 1). */
      uint32_t flight = flight_size(t);
      uint32_t deflated = (flight > t->mss ? flight : t->mss) + t->mss;
      t->cwnd = t->ssthresh < deflated ? t->ssthresh : deflated;
      t->in_recovery = false;
      t->dupacks = 0;
    } else {
      /* Partial ACK: the next hole is lost too; resend it at once. */
      tcp_retransmit_first(stack, s);
      t->cwnd = t->cwnd > acked ? t->cwnd - acked : 0;
      if (acked >= t->mss) t->cwnd += t->mss;
      if (t->cwnd < t->mss) t->cwnd = t->mss;
    }
  } else {
    t->dupacks = 0;
    if (t->cwnd < t->ssthresh) {
      t->cwnd += acked < t->mss ? acked : t->mss; /* slow start */
    } else {
      t->bytes_acked += acked; /* congestion avoidance: one MSS per RTT */
      if (t->bytes_acked >= t->cwnd) {
        t->bytes_acked -= t->cwnd;
        t->cwnd += t->mss;
      }
    }
  }
  if (t->cwnd > TCP_CWND_MAX) t->cwnd = TCP_CWND_MAX;
  if (t->snd_una == t->snd_max)
    t->rexmt_at = 0;
  else
    tcp_arm_rexmt(stack, t);
}

static void duplicate_ack(struct netstack* stack, struct net_socket* s, uint32_t ack) {
  struct tcb* t = &s->tcb;
  t->dupacks++;
  if (t->dupacks == 3 && !t->in_recovery) {
    /* RFC 6582 3.2 step 2: only when the ACK covers more than `recover`,
     * so duplicates of a go-back-N resend do not halve cwnd again. */
    if (!seq_gt(ack, t->recover)) return;
    NET_COUNT(stack, TCP_FAST_RETRANSMITS);
    uint32_t half = flight_size(t) / 2;
    t->ssthresh = half > 2u * t->mss ? half : 2u * t->mss;
    t->recover = t->snd_max;
    tcp_retransmit_first(stack, s);
    t->cwnd = t->ssthresh + 3u * t->mss;
    t->in_recovery = true;
    tcp_arm_rexmt(stack, t);
  } else if (t->dupacks > 3 && t->in_recovery) {
    t->cwnd += t->mss; /* a segment left the network */
  }
}

bool tcp_ack_input(struct netstack* stack, struct net_socket* s, const struct tcp_segment* seg) {
  struct tcb* t = &s->tcb;
  uint32_t ack = seg->ack;
  if (t->state == TCP_SYN_RECEIVED) {
    if (!seq_gt(ack, t->snd_una) || seq_gt(ack, t->snd_max)) {
      NET_DROP(stack, TCP_BAD_ACK);
      tcp_send_reset_reply(stack, seg->src, seg->dst, seg->sport, seg->dport, seg->seq, ack,
                           tcp_segment_length(seg), true);
      return false;
    }
    t->snd_una = t->iss + 1; /* the SYN */
    t->retries = 0;
    t->rexmt_at = 0;
    t->snd_wnd = (uint32_t)seg->window << t->snd_wscale;
    t->max_snd_wnd = t->snd_wnd;
    t->snd_wl1 = seg->seq;
    t->snd_wl2 = ack;
    enter_established(stack, s);
  }
  if (seq_gt(ack, t->snd_max)) {
    NET_DROP(stack, TCP_BAD_ACK); /* acknowledges what we never sent */
    tcp_send_ack(stack, s);
    return false;
  }
  if (seq_lt(ack, t->snd_una - t->max_snd_wnd)) {
    /* RFC 5961 5.2: far too old: a blind injection. */
    NET_DROP(stack, TCP_BAD_ACK);
    NET_COUNT(stack, TCP_CHALLENGE_ACKS);
    tcp_send_ack(stack, s);
    return false;
  }
  uint32_t window = (uint32_t)seg->window << t->snd_wscale;
  if (seq_gt(ack, t->snd_una)) {
    new_ack(stack, s, ack);
  } else if (ack == t->snd_una && seg->size == 0 && !(seg->flags & (TCP_SYN | TCP_FIN)) &&
             window == t->snd_wnd && t->snd_max != t->snd_una) {
    duplicate_ack(stack, s, ack);
  }
  if (seq_lt(t->snd_wl1, seg->seq) || (t->snd_wl1 == seg->seq && seq_le(t->snd_wl2, ack))) {
    t->snd_wnd = window;
    t->snd_wl1 = seg->seq;
    t->snd_wl2 = ack;
    if (window > t->max_snd_wnd) t->max_snd_wnd = window;
    if (window > 0) t->persist_at = 0;
  }
  bool fin_acked = t->fin_sent && seq_gt(t->snd_una, t->fin_seq);
  if (!fin_acked) return true;
  switch (t->state) {
    case TCP_FIN_WAIT_1:
      tcp_set_state(stack, s, TCP_FIN_WAIT_2);
      /* An orphan does not wait forever for a peer that never closes. */
      if (!s->user_owned) t->timewait_at = stack->now + TCP_FIN_WAIT_2_TIMEOUT;
      break;
    case TCP_CLOSING:
      tcp_enter_time_wait(stack, s);
      break;
    case TCP_LAST_ACK:
      tcp_drop(stack, s, 0);
      return false;
    default:
      break;
  }
  t->rexmt_at = 0;
  return true;
}
