/* TCP's timers and connection lifetime: retransmission timeout with
 * exponential backoff (RFC 6298), zero-window probes, delayed ACK,
 * TIME_WAIT; connect, shutdown, close and the end of a connection. */
#include "net_internal.h"
#include "tcp_segment.h"

void tcp_update_rtt(struct net_socket* s, uint64_t sample) {
  struct tcb* t = &s->tcb;
  if (t->srtt == 0) { /* RFC 6298 2.2 */
    t->srtt = sample ? sample : 1;
    t->rttvar = sample / 2;
  } else { /* 2.3, alpha = 1/8, beta = 1/4 */
    uint64_t delta = t->srtt > sample ? t->srtt - sample : sample - t->srtt;
    t->rttvar = (3 * t->rttvar + delta) / 4;
    t->srtt = (7 * t->srtt + sample) / 8;
  }
  t->rto = tcp_rto_estimate(t);
}

uint64_t tcp_rto_estimate(const struct tcb* t) {
  if (t->srtt == 0) return TCP_RTO_INITIAL; /* no sample yet (RFC 6298 2.1) */
  uint64_t variance = 4 * t->rttvar;
  if (variance < NS_PER_MS) variance = NS_PER_MS; /* the clock granularity G */
  uint64_t rto = t->srtt + variance;
  return rto < TCP_RTO_MIN ? TCP_RTO_MIN : rto > TCP_RTO_MAX ? TCP_RTO_MAX : rto;
}

void tcp_arm_rexmt(struct netstack* stack, struct tcb* t) {
  /* A lone segment may wait out the peer's delayed ACK (RFC 8985's
   * WCDelAckT): a shorter timer would resend it spuriously every time.
   * Two or more are ACKed at once (RFC 5681 4.2: every second segment). */
  t->rexmt_lone = t->snd_nxt - t->snd_una <= t->mss;
  uint64_t timeout = t->rto;
  if (t->rexmt_lone && timeout < TCP_RTO_LONE_SEGMENT) timeout = TCP_RTO_LONE_SEGMENT;
  t->rexmt_at = stack->now + timeout;
}

void tcp_set_state(struct netstack* stack, struct net_socket* s, int state) {
  (void)stack;
  s->tcb.state = state;
}

static void listener_forget(struct netstack* stack, struct net_socket* s) {
  struct tcb* t = &s->tcb;
  if (t->listener < 0) return;
  struct tcb* lt = &stack->sockets[t->listener].tcb;
  int index = socket_index(stack, s);
  bool queued = false;
  for (int i = 0; i < lt->queued; i++) {
    if (lt->accept_queue[i] != index) continue;
    for (int j = i + 1; j < lt->queued; j++) lt->accept_queue[j - 1] = lt->accept_queue[j];
    lt->queued--;
    queued = true;
    break;
  }
  if (!queued) lt->half_open--;
  t->listener = -1;
}

void tcp_drop(struct netstack* stack, struct net_socket* s, int error) {
  struct tcb* t = &s->tcb;
  tcp_set_state(stack, s, TCP_CLOSED);
  t->rexmt_at = t->persist_at = t->delack_at = t->timewait_at = 0;
  if (t->listener >= 0) {
    listener_forget(stack, s); /* never accepted: nobody will see it */
    socket_free(stack, s);
    return;
  }
  if (!s->user_owned) {
    socket_free(stack, s);
    return;
  }
  if (error) s->error = error;
}

int tcp_connect(struct netstack* stack, struct net_socket* s) {
  struct tcb* t = &s->tcb;
  if (ring_init(&t->rcvbuf, s->rcvbuf_size) != NET_OK) return NET_ENOMEM;
  if (ring_init(&t->sndbuf, s->sndbuf_size) != NET_OK) {
    ring_free(&t->rcvbuf);
    return NET_ENOMEM;
  }
  tcp_init_connection(stack, s);
  tcp_set_state(stack, s, TCP_SYN_SENT);
  NET_COUNT(stack, TCP_CONNECTS);
  tcp_emit(stack, s, t->iss, TCP_SYN, 0);
  t->snd_nxt = t->iss + 1;
  t->snd_max = t->snd_nxt;
  t->rtt_timing = true;
  t->rtt_seq = t->iss;
  t->rtt_start = stack->now;
  t->rexmt_at = stack->now + t->rto;
  return NET_OK;
}

void tcp_shutdown_write(struct netstack* stack, struct net_socket* s) {
  struct tcb* t = &s->tcb;
  if (t->fin_queued) return;
  t->fin_queued = true;
  if (t->state == TCP_ESTABLISHED)
    tcp_set_state(stack, s, TCP_FIN_WAIT_1);
  else if (t->state == TCP_CLOSE_WAIT)
    tcp_set_state(stack, s, TCP_LAST_ACK);
  tcp_output(stack, s);
}

static void reset_connection(struct netstack* stack, struct net_socket* s) {
  struct tcb* t = &s->tcb;
  tcp_emit(stack, s, t->snd_max, TCP_RST | TCP_ACK, 0);
  tcp_drop(stack, s, 0);
}

void tcp_close(struct netstack* stack, struct net_socket* s) {
  struct tcb* t = &s->tcb;
  switch (t->state) {
    case TCP_LISTEN:
      /* Connections nobody accepted are reset (the peer thinks they are
       * open), half-open ones forgotten. */
      for (int i = 0; i < NET_MAX_SOCKETS; i++) {
        struct net_socket* c = &stack->sockets[i];
        if (!c->used || c->tcb.listener != socket_index(stack, s)) continue;
        reset_connection(stack, c);
      }
      socket_free(stack, s);
      return;
    case TCP_CLOSED:
    case TCP_SYN_SENT:
      socket_free(stack, s);
      return;
    default:
      break;
  }
  if (t->rcvbuf.size > 0) {
    /* Unread data: the peer must learn it was not read (RFC 2525 2.17). */
    reset_connection(stack, s);
    return;
  }
  if (t->state == TCP_TIME_WAIT) return; /* the timer frees it */
  tcp_shutdown_write(stack, s);
  if (t->state == TCP_FIN_WAIT_2) t->timewait_at = stack->now + TCP_FIN_WAIT_2_TIMEOUT;
}

void tcp_abort(struct netstack* stack, struct net_socket* s) {
  switch (s->tcb.state) {
    case TCP_LISTEN:
    case TCP_CLOSED:
    case TCP_SYN_SENT:
    case TCP_TIME_WAIT:
      tcp_close(stack, s); /* nothing to reset */
      return;
    default:
      reset_connection(stack, s);
  }
}

void tcp_after_read(struct netstack* stack, struct net_socket* s) {
  struct tcb* t = &s->tcb;
  if (t->state != TCP_ESTABLISHED && t->state != TCP_FIN_WAIT_1 && t->state != TCP_FIN_WAIT_2)
    return;
  /* A window update once the window grew by two segments or half the
   * buffer (RFC 9293 3.8.6.2.2), so a stalled sender resumes. */
  uint32_t advertised = seq_gt(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;
  uint32_t now_open = tcp_receive_window(s);
  uint32_t threshold = 2u * t->mss < t->rcvbuf.capacity / 2 ? 2u * t->mss : t->rcvbuf.capacity / 2;
  if (now_open >= advertised + threshold) tcp_send_ack(stack, s);
}

static void retransmit_timeout(struct netstack* stack, struct net_socket* s) {
  struct tcb* t = &s->tcb;
  bool syn = t->state == TCP_SYN_SENT || t->state == TCP_SYN_RECEIVED;
  if (++t->retries > (syn ? TCP_SYN_RETRIES : TCP_MAX_RETRIES)) {
    tcp_drop(stack, s, NET_ETIMEDOUT);
    return;
  }
  NET_COUNT(stack, TCP_TIMEOUTS);
  /* RFC 5681 (4): half the flight, and restart from one segment; RFC
   * 6298 5.5: back off; Karn: no RTT sample across the resend. */
  uint32_t half = (t->snd_max - t->snd_una) / 2;
  t->ssthresh = half > 2u * t->mss ? half : 2u * t->mss;
  t->cwnd = t->mss;
  t->bytes_acked = 0;
  t->in_recovery = false;
  t->dupacks = 0;
  t->recover = t->snd_max;
  t->rtt_timing = false;
  t->rto = t->rto * 2 > TCP_RTO_MAX ? TCP_RTO_MAX : t->rto * 2;
  /* No lone-segment allowance for the resend: cwnd has collapsed
   * already, and a spurious expiry of the backed-off timer costs one
   * duplicate segment (at 20 % loss the allowance doubled the run). */
  t->rexmt_at = stack->now + t->rto;
  t->rexmt_lone = false;
  if (syn) {
    NET_COUNT(stack, TCP_RETRANSMITS);
    uint8_t flags = t->state == TCP_SYN_SENT ? TCP_SYN : TCP_SYN | TCP_ACK;
    tcp_emit(stack, s, t->iss, flags, 0);
    return;
  }
  t->snd_nxt = t->snd_una; /* go back: resend from the first unacknowledged byte */
  tcp_output(stack, s);
}

static void persist_timeout(struct netstack* stack, struct net_socket* s) {
  struct tcb* t = &s->tcb;
  /* A probe the receiver must answer with its window: an ACK one below
   * snd_una is outside its window, so it replies (RFC 9293 3.10.7.4). */
  NET_COUNT(stack, TCP_ZERO_WINDOW_PROBES);
  tcp_emit(stack, s, t->snd_una - 1, TCP_ACK, 0);
  t->persist_interval *= 2;
  if (t->persist_interval > TCP_RTO_MAX) t->persist_interval = TCP_RTO_MAX;
  t->persist_at = stack->now + t->persist_interval;
}

void tcp_tick(struct netstack* stack, struct net_socket* s) {
  struct tcb* t = &s->tcb;
  uint64_t now = stack->now;
  if (t->timewait_at && now >= t->timewait_at) {
    tcp_drop(stack, s, 0); /* TIME_WAIT over, or an orphan's FIN_WAIT_2 */
    return;
  }
  if (t->delack_at && now >= t->delack_at) tcp_send_ack(stack, s);
  if (t->rexmt_at && now >= t->rexmt_at) {
    retransmit_timeout(stack, s);
    if (!s->used || t->state == TCP_CLOSED) return;
  }
  if (t->persist_at && now >= t->persist_at) persist_timeout(stack, s);
}

uint64_t tcp_deadline(const struct net_socket* s) {
  const struct tcb* t = &s->tcb;
  uint64_t next = UINT64_MAX;
  const uint64_t timers[] = {t->rexmt_at, t->persist_at, t->delack_at, t->timewait_at};
  for (unsigned i = 0; i < sizeof(timers) / sizeof(timers[0]); i++) {
    if (timers[i] && timers[i] < next) next = timers[i];
  }
  return next;
}
