/* TCP input in the synchronized states (and SYN-RECEIVED): acceptability,
 * RST and SYN handling per RFC 5961, then data (in order into the receive
 * buffer, out of order into its place there, remembered as ranges) and
 * FIN. ACKs are tcp_ack.c's. */
#include <string.h>

#include "net_internal.h"
#include "tcp_segment.h"

static bool acceptable(const struct tcb* t, uint32_t seq, uint32_t length, uint32_t window) {
  /* RFC 9293 3.10.7.4's four cases. */
  if (length == 0) {
    if (window == 0) return seq == t->rcv_nxt;
    return seq_ge(seq, t->rcv_nxt) && seq_lt(seq, t->rcv_nxt + window);
  }
  if (window == 0) return false;
  uint32_t last = seq + length - 1;
  return (seq_ge(seq, t->rcv_nxt) && seq_lt(seq, t->rcv_nxt + window)) ||
         (seq_ge(last, t->rcv_nxt) && seq_lt(last, t->rcv_nxt + window));
}

static void challenge_ack(struct netstack* stack, struct net_socket* s) {
  NET_COUNT(stack, TCP_CHALLENGE_ACKS);
  tcp_send_ack(stack, s);
}

/* Out-of-order bytes [seq, seq + size) already written into the buffer:
 * merged into the sorted list of ranges. False if the list is full. */
static bool ooo_add(struct tcb* t, uint32_t start, uint32_t end) {
  int i = 0;
  while (i < t->ooo_count && seq_lt(t->ooo_end[i], start)) i++;
  int j = i;
  while (j < t->ooo_count && seq_le(t->ooo_start[j], end)) {
    if (seq_lt(t->ooo_start[j], start)) start = t->ooo_start[j];
    if (seq_gt(t->ooo_end[j], end)) end = t->ooo_end[j];
    j++;
  }
  int removed = j - i;
  if (removed == 0 && t->ooo_count == TCP_OOO_RANGES) return false;
  int shift = 1 - removed;
  memmove(&t->ooo_start[i + 1], &t->ooo_start[j], (size_t)(t->ooo_count - j) * sizeof(uint32_t));
  memmove(&t->ooo_end[i + 1], &t->ooo_end[j], (size_t)(t->ooo_count - j) * sizeof(uint32_t));
  t->ooo_start[i] = start;
  t->ooo_end[i] = end;
  t->ooo_count += shift;
  return true;
}

/* After rcv_nxt moved: ranges it reached become in-order data. */
static void ooo_advance(struct tcb* t) {
  while (t->ooo_count > 0 && seq_le(t->ooo_start[0], t->rcv_nxt)) {
    if (seq_gt(t->ooo_end[0], t->rcv_nxt)) {
      uint32_t extra = t->ooo_end[0] - t->rcv_nxt;
      t->rcvbuf.size += extra;
      t->rcv_nxt = t->ooo_end[0];
    }
    t->ooo_count--;
    memmove(&t->ooo_start[0], &t->ooo_start[1], (size_t)t->ooo_count * sizeof(uint32_t));
    memmove(&t->ooo_end[0], &t->ooo_end[1], (size_t)t->ooo_count * sizeof(uint32_t));
  }
}

static void enter_time_wait(struct netstack* stack, struct net_socket* s) {
  struct tcb* t = &s->tcb;
  tcp_set_state(stack, s, TCP_TIME_WAIT);
  t->rexmt_at = 0;
  t->persist_at = 0;
  t->timewait_at = stack->now + 2 * TCP_MSL;
}

/* Data and FIN. Returns whether an ACK must go out now. */
static bool data_input(struct netstack* stack, struct net_socket* s, struct tcp_segment* seg) {
  struct tcb* t = &s->tcb;
  uint32_t seq = seg->seq;
  const uint8_t* data = seg->data;
  uint32_t size = seg->size;
  bool fin = (seg->flags & TCP_FIN) != 0;
  /* Trim what we already have. */
  if (seq_lt(seq, t->rcv_nxt)) {
    uint32_t old = t->rcv_nxt - seq;
    if (old >= size) {
      fin = fin && old == size; /* the FIN itself may still be new */
      old = size;
    }
    data += old;
    size -= old;
    seq += old;
  }
  /* Trim what does not fit the buffer (beyond the window we offered). */
  uint32_t room = t->rcvbuf.capacity - t->rcvbuf.size;
  uint32_t offset = seq - t->rcv_nxt;
  if (offset >= room) {
    size = 0;
    fin = false;
  } else if (offset + size > room) {
    size = room - offset;
    fin = false;
  }
  if (size == 0 && !fin) return seg->size > 0 || (seg->flags & TCP_FIN);
  if (offset > 0) {
    /* Out of order: keep it in place, ACK at once (the duplicate ACK
     * drives the peer's fast retransmit). A FIN out of order is dropped;
     * the peer sends it again. */
    NET_COUNT(stack, TCP_OUT_OF_ORDER);
    t->quick_acks = TCP_QUICK_ACKS;
    if (size > 0) {
      if (ooo_add(t, seq, seq + size))
        ring_write_at(&t->rcvbuf, offset, data, size);
      else
        NET_DROP(stack, TCP_OUT_OF_ORDER_FULL);
    }
    return true;
  }
  bool filled_hole = t->ooo_count > 0;
  if (size > 0) {
    if (t->read_shutdown) {
      t->rcv_nxt += size; /* read side shut: acknowledged and discarded */
    } else {
      ring_write(&t->rcvbuf, data, size);
      t->rcv_nxt += size;
      ooo_advance(t);
    }
    t->unacked_segments++;
  }
  if (fin && t->rcv_nxt == seq + size) {
    t->rcv_nxt++;
    t->fin_received = true;
    t->ooo_count = 0;
    switch (t->state) {
      case TCP_SYN_RECEIVED:
      case TCP_ESTABLISHED:
        tcp_set_state(stack, s, TCP_CLOSE_WAIT);
        break;
      case TCP_FIN_WAIT_1:
        /* Our FIN not acknowledged yet (else we would be in FIN_WAIT_2):
         * simultaneous close (RFC 9293 figure 13). */
        tcp_set_state(stack, s, TCP_CLOSING);
        break;
      case TCP_FIN_WAIT_2:
        enter_time_wait(stack, s);
        break;
      default:
        break;
    }
    return true;
  }
  /* RFC 5681 4.2: ACK at least every second full segment, and at once
   * when a hole was filled. After a loss, every segment for a while
   * (Linux's quick ACKs): a BSD sender (QEMU's slirp) grows cwnd per ACK,
   * not per byte, and at heavy loss its window stayed too small for the
   * three duplicates of a fast retransmit, so it waited out 1 s timeouts. */
  if (t->quick_acks > 0 && size > 0) {
    t->quick_acks--;
    return true;
  }
  return filled_hole || t->unacked_segments >= 2;
}

void tcp_synchronized_input(struct netstack* stack, struct net_socket* s, struct tcp_segment* seg) {
  struct tcb* t = &s->tcb;
  /* A retransmitted SYN while our SYN-ACK is outstanding: answer again. */
  if (t->state == TCP_SYN_RECEIVED && (seg->flags & TCP_SYN) && !(seg->flags & TCP_ACK) &&
      seg->seq == t->irs) {
    tcp_emit(stack, s, t->iss, TCP_SYN | TCP_ACK, 0);
    return;
  }
  uint32_t window = t->rcvbuf.capacity - t->rcvbuf.size;
  uint32_t advertised = seq_gt(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;
  if (advertised > window) window = advertised;
  uint32_t length = tcp_segment_length(seg);
  if (!acceptable(t, seg->seq, length, window)) {
    /* A zero window still takes ACKs and RSTs at RCV.NXT (3.10.7.4). */
    if (window == 0 && seg->seq == t->rcv_nxt) {
      seg->size = 0;
      seg->flags &= (uint8_t)~(TCP_FIN | TCP_SYN);
    } else if (seq_le(seg->seq + length, t->rcv_nxt) && (seg->flags & TCP_ACK) &&
               !(seg->flags & (TCP_RST | TCP_SYN))) {
      /* An old duplicate (a go-back-N resend): its data is dropped, but
       * its ACK is as current as any, as BSD takes it. */
      if (tcp_ack_input(stack, s, seg) && s->used && t->state != TCP_CLOSED) {
        tcp_output(stack, s);
        if (t->state == TCP_TIME_WAIT && (seg->flags & TCP_FIN))
          t->timewait_at = stack->now + 2 * TCP_MSL; /* the peer lost our ACK */
        tcp_send_ack(stack, s);
      }
      return;
    } else {
      NET_DROP(stack, TCP_OUT_OF_WINDOW);
      if (!(seg->flags & TCP_RST)) {
        tcp_send_ack(stack, s);
        if (t->state == TCP_TIME_WAIT && (seg->flags & TCP_FIN))
          t->timewait_at = stack->now + 2 * TCP_MSL; /* the peer lost our ACK */
      }
      return;
    }
  }
  if (seg->flags & TCP_RST) {
    /* RFC 5961 3.2: only an exact hit resets; in window, challenge. */
    if (seg->seq != t->rcv_nxt) {
      NET_DROP(stack, TCP_RST_OUT_OF_WINDOW);
      challenge_ack(stack, s);
      return;
    }
    NET_COUNT(stack, TCP_RESETS_IN);
    bool closing = t->state == TCP_CLOSING || t->state == TCP_LAST_ACK || t->state == TCP_TIME_WAIT;
    tcp_drop(stack, s, closing ? 0 : NET_ECONNRESET);
    return;
  }
  if (seg->flags & TCP_SYN) {
    /* RFC 5961 4.2: a SYN in a synchronized state gets a challenge ACK;
     * a real restarted peer answers it with a RST that hits rcv_nxt. */
    challenge_ack(stack, s);
    return;
  }
  if (!(seg->flags & TCP_ACK)) return;
  if (!tcp_ack_input(stack, s, seg)) return;
  if (!s->used || t->state == TCP_CLOSED) return;
  if (!s->user_owned && t->listener < 0 && seg->size > 0 &&
      seq_gt(seg->seq + seg->size, t->rcv_nxt)) {
    /* New data for a connection whose owner closed it: nobody will read
     * it, so say so (RFC 2525 2.17, RFC 9293 3.10.7.4's "data after
     * close"), rather than let it fill a buffer forever. */
    tcp_emit(stack, s, t->snd_max, TCP_RST | TCP_ACK, 0);
    tcp_drop(stack, s, 0);
    return;
  }
  bool ack_now = false;
  switch (t->state) {
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
      ack_now = data_input(stack, s, seg);
      break;
    case TCP_TIME_WAIT:
      if (seg->flags & TCP_FIN) {
        t->timewait_at = stack->now + 2 * TCP_MSL;
        ack_now = true;
      }
      break;
    default:
      /* CLOSE_WAIT, CLOSING, LAST_ACK: the peer's FIN came already; more
       * data is a retransmission (trimmed away) or a lie. */
      ack_now = seg->size > 0 || (seg->flags & TCP_FIN);
      break;
  }
  /* Every segment we send acknowledges rcv_nxt: data going out now
   * carries the ACK, else it goes alone or waits (delayed ACK). */
  uint64_t sent_before = stack->counters[NET_TCP_SEGMENTS_OUT];
  tcp_output(stack, s);
  if (stack->counters[NET_TCP_SEGMENTS_OUT] != sent_before) return;
  if (ack_now) {
    tcp_send_ack(stack, s);
  } else if (t->unacked_segments > 0 && t->delack_at == 0) {
    t->delack_at = stack->now + TCP_DELACK;
  }
}

void tcp_enter_time_wait(struct netstack* stack, struct net_socket* s) {
  enter_time_wait(stack, s);
}
