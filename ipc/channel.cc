#include "ipc/channel.h"

#include "ipc/counters.h"
#include "ipc/lock_classes.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/list.h"
#include "kernel/lib/spinlock.h"
#include "mm/kheap/make.h"

namespace viper::ipc {
namespace {

LockClass g_channel_class{kChannelLock};
LockClass g_retire_class{kRetiredChannelsLock};
LockClass g_transfer_class{kEndpointTransferLock};

constexpr Signals kChannelSignals = Signals::kReadable | Signals::kWritable | Signals::kPeerClosed;

}  // namespace

// Small data messages (the common case) get a buffer of this size, which a
// channel keeps one of for reuse: steady traffic allocates nothing.
constexpr size_t kSmallMessageBytes = 256;

// One allocation per queued message: the header, then its attachments,
// then its bytes — sized to what it carries (small ones to
// kSmallMessageBytes, for reuse).
struct Message {
  ListNode node;
  bool small = false;
  uint32_t byte_count = 0;
  uint32_t attachment_slots = 0;  // room after the header, fixed
  uint32_t attachment_count = 0;  // references the message holds
  static size_t size_for(size_t bytes, uint32_t attachments) {
    return sizeof(Message) + attachments * sizeof(Attachment) + bytes;
  }
  Attachment* attachments() { return reinterpret_cast<Attachment*>(this + 1); }
  uint8_t* bytes() { return reinterpret_cast<uint8_t*>(attachments() + attachment_slots); }
};
static_assert(alignof(Attachment) <= alignof(Message));

// A reader blocked on an empty queue, offering its buffer to the next
// small write (the fast path). A writer claims it under the channel lock
// (kWaiting -> kClaimed, unregistered), fills it with the lock dropped,
// wakes the reader, and only then marks it kDone: a claimed reader waits
// for kDone before its buffer — on its stack — goes away.
struct Receiver {
  static constexpr uint32_t kWaiting = 0, kClaimed = 1, kDone = 2;
  Bytes buffer;
  sched::Task* task;
  sched::WaitQueue* queue;  // where the reader sleeps
  bool registered = false;
  size_t byte_count = 0;
  Atomic<uint32_t> state{kWaiting};
};

// The state both ends of a channel share: a queue per direction under one
// lock (what "channel" names at this layer is the pair of Endpoints).
class ChannelState {
 public:
  ChannelState() : lock(g_channel_class) {}
  mutable IrqSpinlock lock;
  List<Message, &Message::node> queue[2] GUARDED_BY(lock);  // queue[i]: read by side i
  size_t queued_bytes[2] GUARDED_BY(lock) = {0, 0};
  bool closed[2] GUARDED_BY(lock) = {false, false};
  Endpoint* ends[2] GUARDED_BY(lock) = {nullptr, nullptr};  // until closed
  // A reader waiting for the fast path. Written under the lock; a writer
  // reads it without the lock first as a hint, so the common case (nobody
  // waiting) takes the lock once.
  Atomic<Receiver*> receiver[2];
  ListNode retire_node;
  // Endpoints in this channel's queues (both directions). Raised only
  // under ipc.endpoint_transfer; lowered whenever they leave.
  Atomic<uint32_t> queued_endpoints;
  // A small message buffer kept for the next small message (one slot,
  // swapped in and out atomically; no pointer is followed, so no ABA).
  Atomic<Message*> spare;

  bool has_room(uint32_t side, size_t bytes) const REQUIRES(lock) {
    return queue[side].size() < kMaxQueuedMessages && queued_bytes[side] + bytes <= kMaxQueuedBytes;
  }
  // The signals of side `side`'s endpoint, from the channel's state.
  Signals signals_of(uint32_t side) const REQUIRES(lock) {
    Signals signals = Signals::kNone;
    if (!queue[side].empty()) signals |= Signals::kReadable;
    if (closed[1 - side]) {
      signals |= Signals::kPeerClosed;
    } else if (has_room(1 - side, 1)) {
      signals |= Signals::kWritable;
    }
    return signals;
  }
};

namespace {

uint32_t endpoints_in(Span<const Attachment> attachments) {
  uint32_t endpoints = 0;
  for (const Attachment& attachment : attachments) endpoints += attachment.endpoint != nullptr;
  return endpoints;
}

Result<Message*> allocate_message(ChannelState* channel, size_t byte_count,
                                  uint32_t attachment_count) {
  const bool small = attachment_count == 0 && byte_count <= kSmallMessageBytes;
  Message* message = small ? channel->spare.exchange(nullptr, MemoryOrder::kAcquire) : nullptr;
  if (!message) {
    void* memory =
        TRY(mm::kernel_heap().kmalloc(small ? Message::size_for(kSmallMessageBytes, 0)
                                            : Message::size_for(byte_count, attachment_count)));
    message = new (memory) Message();
    message->small = small;
  }
  counters::live_messages.add(1);
  message->byte_count = static_cast<uint32_t>(byte_count);
  message->attachment_slots = attachment_count;
  message->attachment_count = 0;
  return message;
}

// Releases a message that left `channel`: its remaining attachments, then
// its buffer (kept as the channel's spare if small and the slot is free).
void free_message(ChannelState* channel, Message* message) {
  if (const uint32_t endpoints =
          endpoints_in(Span<const Attachment>(message->attachments(), message->attachment_count))) {
    channel->queued_endpoints.fetch_sub(endpoints, MemoryOrder::kRelaxed);
  }
  for (uint32_t i = 0; i < message->attachment_count; ++i) {
    message->attachments()[i].object->release();
  }
  message->attachment_count = 0;
  counters::live_messages.add(-1);
  Message* empty = nullptr;
  if (message->small && channel->spare.compare_exchange(empty, message, MemoryOrder::kRelease,
                                                        MemoryOrder::kRelaxed)) {
    return;
  }
  mm::kdelete(message);
}

// MS-007 without recursion: releasing a dead channel's attachments may
// kill more channels. Whoever finds nobody draining drains, in a loop;
// channels that die meanwhile are only queued.
IrqSpinlock g_retire_lock{g_retire_class};
List<ChannelState, &ChannelState::retire_node> g_retired GUARDED_BY(g_retire_lock);
bool g_draining GUARDED_BY(g_retire_lock) = false;

// Both sides are closed: nobody else can reach the channel.
void free_channel(ChannelState* channel) NO_THREAD_SAFETY_ANALYSIS {
  for (auto& queue : channel->queue) {
    while (Message* message = queue.pop_front()) free_message(channel, message);
  }
  if (Message* spare = channel->spare.exchange(nullptr, MemoryOrder::kAcquire)) {
    mm::kdelete(spare);
  }
  mm::kdelete(channel);
  counters::live_channels.add(-1);
}

void retire(ChannelState* channel) {
  {
    IrqSpinlockGuard guard(g_retire_lock);
    g_retired.push_back(*channel);
    if (g_draining) return;
    g_draining = true;
  }
  for (;;) {
    ChannelState* next;
    {
      IrqSpinlockGuard guard(g_retire_lock);
      next = g_retired.pop_front();
      if (!next) {
        g_draining = false;
        return;
      }
    }
    free_channel(next);
  }
}

}  // namespace

Endpoint::Endpoint(ChannelState* channel, uint32_t side)
    : Waitable(Signals::kWritable), channel_(channel), side_(side) {}

Result<EndpointPair> Endpoint::create_pair() {
  mm::Own<ChannelState> channel = TRY(mm::make<ChannelState>());
  mm::Own<Endpoint> first = TRY(mm::make<Endpoint>(channel.get(), 0u));
  mm::Own<Endpoint> second = TRY(mm::make<Endpoint>(channel.get(), 1u));
  counters::live_channels.add(1);
  ChannelState* state = channel.leak();  // owned by its two ends from here on
  EndpointPair pair{Ref<Endpoint>::adopt(first.leak()), Ref<Endpoint>::adopt(second.leak())};
  IrqSpinlockGuard guard(state->lock);
  state->ends[0] = pair.a.get();
  state->ends[1] = pair.b.get();
  return pair;
}

void Endpoint::destroy() {
  leave_pollsets();
  ChannelState* channel = channel_;
  bool last;
  {
    IrqSpinlockGuard guard(channel->lock);
    channel->closed[side_] = true;
    channel->ends[side_] = nullptr;
    last = channel->closed[1 - side_];
    // The peer can no longer write, and its waiters learn it now.
    if (Endpoint* peer = channel->ends[1 - side_]) {
      peer->update_signals(kChannelSignals, channel->signals_of(1 - side_));
    }
  }
  mm::kdelete(this);
  if (last) retire(channel);
}

namespace {
IrqSpinlock g_transfer_lock{g_transfer_class};
}  // namespace

// A writer usually blocks next (it reads the answer): the woken reader
// stays on this CPU (sched::sync_waker) instead of its last one, so a pipe
// ping-pong is not a pair of cross-CPU wakeups per round trip.
Status Endpoint::write(ConstBytes bytes, Span<const Attachment> attachments) {
  if (!endpoints_in(attachments)) return write_waking(bytes, attachments, sched::sync_waker());
  // The no-cycles rule, checked and acted on as one step among all sends
  // that carry endpoints.
  IrqSpinlockGuard guard(g_transfer_lock);
  for (const Attachment& attachment : attachments) {
    const Endpoint* sent = attachment.endpoint;
    if (!sent) continue;
    if (sent->channel_ == channel_) return Error::kBadState;  // through its own channel
    if (sent->channel_->queued_endpoints.load(MemoryOrder::kRelaxed) != 0) {
      return Error::kBadState;  // carries endpoints: it could close a ring
    }
  }
  return write_waking(bytes, attachments, sched::sync_waker());
}

Status Endpoint::write_waking(ConstBytes bytes, Span<const Attachment> attachments,
                              sched::Waker& waker) {
  // The per-message limits, checked here for every write path.
  if (bytes.size() > kMaxMessageBytes || attachments.size() > kMaxMessageHandles) {
    return Error::kOutOfRange;
  }
  if ((!bytes.empty() && !bytes.data()) || (!attachments.empty() && !attachments.data())) {
    return Error::kInvalidArgument;
  }
  const size_t byte_count = bytes.size();
  const uint32_t attachment_count = static_cast<uint32_t>(attachments.size());
  const uint32_t to = 1 - side_;
  Receiver* claimed = nullptr;
  if (attachment_count == 0 && channel_->receiver[to].load(MemoryOrder::kRelaxed)) {
    // A reader registered after the hint finds this message queued and
    // readable instead: correct, just not the fast path.
    IrqSpinlockGuard guard(channel_->lock);
    if (channel_->closed[to]) return Error::kPeerClosed;
    Receiver* waiting = channel_->receiver[to].load(MemoryOrder::kRelaxed);
    if (waiting && channel_->queue[to].empty() && byte_count <= waiting->buffer.size()) {
      channel_->receiver[to].store(nullptr, MemoryOrder::kRelaxed);
      waiting->state.store(Receiver::kClaimed, MemoryOrder::kRelaxed);
      claimed = waiting;
    }
  }
  if (claimed) {
    // The fast path: one copy, straight into the blocked reader's buffer.
    if (byte_count) __builtin_memcpy(claimed->buffer.data(), bytes.data(), byte_count);
    claimed->byte_count = byte_count;
    counters::fast_path_deliveries.add(1);
    claimed->queue->wake_task(*claimed->task, waker);
    claimed->state.store(Receiver::kDone, MemoryOrder::kRelease);  // the reader may go now
    return ok_status();
  }
  Message* message = TRY(allocate_message(channel_, byte_count, attachment_count));
  if (byte_count) __builtin_memcpy(message->bytes(), bytes.data(), byte_count);
  Status status = ok_status();
  {
    IrqSpinlockGuard guard(channel_->lock);
    if (channel_->closed[to]) {
      status = Error::kPeerClosed;
    } else if (!channel_->has_room(to, byte_count)) {
      status = Error::kWouldBlock;
    } else {
      // Queued: the attachments' references belong to the message now.
      for (uint32_t i = 0; i < attachment_count; ++i) message->attachments()[i] = attachments[i];
      message->attachment_count = attachment_count;
      if (const uint32_t endpoints = endpoints_in(attachments)) {
        channel_->queued_endpoints.fetch_add(endpoints, MemoryOrder::kRelaxed);
      }
      channel_->queue[to].push_back(*message);
      channel_->queued_bytes[to] += byte_count;
      // The reader (or its pollset's waiter) is woken as a fast-path reader
      // would be: on this CPU, or by the call's hand-off (a server waiting
      // in a pollset gets the caller's CPU).
      channel_->ends[to]->update_signals(kChannelSignals, channel_->signals_of(to), waker);
      update_signals(kChannelSignals, channel_->signals_of(side_));
    }
  }
  if (!status.ok()) free_message(channel_, message);  // no attachments: the caller keeps them
  return status;
}

Result<MessageSize> Endpoint::peek() const {
  IrqSpinlockGuard guard(channel_->lock);
  const Message* message = channel_->queue[side_].front();
  if (!message) return channel_->closed[1 - side_] ? Error::kPeerClosed : Error::kWouldBlock;
  return MessageSize{message->byte_count, message->attachment_count};
}

Status Endpoint::read(Bytes buffer, Span<Attachment> attachments, MessageSize& size) {
  return read_or_register(nullptr, buffer, attachments, size);
}

// Takes the first queued message, or — if there is none, the peer is
// alive and `receiver` is given — registers it for the fast path (if no
// other reader has) and returns kWouldBlock.
Status Endpoint::read_or_register(Receiver* receiver, Bytes buffer, Span<Attachment> attachments,
                                  MessageSize& size) {
  Message* message;
  {
    IrqSpinlockGuard guard(channel_->lock);
    message = channel_->queue[side_].front();
    if (!message) {
      if (channel_->closed[1 - side_]) return Error::kPeerClosed;
      if (receiver && !channel_->receiver[side_].load(MemoryOrder::kRelaxed)) {
        channel_->receiver[side_].store(receiver, MemoryOrder::kRelaxed);
        receiver->registered = true;
      }
      return Error::kWouldBlock;
    }
    size = MessageSize{message->byte_count, message->attachment_count};
    if (message->byte_count > buffer.size() || message->attachment_count > attachments.size()) {
      return Error::kOutOfRange;  // kept
    }
    const uint32_t from = 1 - side_;
    const bool was_full = !channel_->has_room(side_, 1);
    channel_->queue[side_].remove(*message);
    channel_->queued_bytes[side_] -= message->byte_count;
    update_signals(kChannelSignals, channel_->signals_of(side_));
    if (was_full && channel_->ends[from]) {
      channel_->ends[from]->update_signals(kChannelSignals, channel_->signals_of(from));
    }
  }
  if (message->byte_count) __builtin_memcpy(buffer.data(), message->bytes(), message->byte_count);
  for (uint32_t i = 0; i < message->attachment_count; ++i) {
    attachments[i] = message->attachments()[i];
  }
  if (const uint32_t endpoints = endpoints_in(attachments.first(message->attachment_count))) {
    channel_->queued_endpoints.fetch_sub(endpoints, MemoryOrder::kRelaxed);
  }
  message->attachment_count = 0;  // the references went to the caller
  free_message(channel_, message);
  return ok_status();
}

void Endpoint::unregister(Receiver& receiver) {
  IrqSpinlockGuard guard(channel_->lock);
  if (channel_->receiver[side_].load(MemoryOrder::kRelaxed) == &receiver) {
    channel_->receiver[side_].store(nullptr, MemoryOrder::kRelaxed);
  }
}

// Sleeps until a writer filled `receiver`, a message is queued, the peer
// closed, the deadline passed or the task is killed. Returns with the
// receiver unregistered and, if a writer claimed it, filled (kDone).
Status Endpoint::await_message(Receiver* receiver, Deadline deadline, sched::Handoff* handoff) {
  auto message_or_close = [&] {
    if (receiver->state.load(MemoryOrder::kAcquire) != Receiver::kWaiting) return true;
    return any(signals() & (Signals::kReadable | Signals::kPeerClosed));
  };
  const Status waited =
      handoff ? sched::wait_until_handing_off(waiters(), message_or_close, deadline, *handoff)
              : sched::wait_until(waiters(), message_or_close, deadline);
  if (receiver->registered) unregister(*receiver);
  if (receiver->state.load(MemoryOrder::kAcquire) != Receiver::kWaiting) {
    // Claimed: the writer is copying now; it is a short, bounded wait.
    for (uint32_t attempt = 0; receiver->state.load(MemoryOrder::kAcquire) != Receiver::kDone;
         ++attempt) {
      arch::spin_backoff(attempt);
    }
    return ok_status();
  }
  return waited;
}

Status Endpoint::read_waiting(Bytes buffer, Span<Attachment> attachments, MessageSize& size,
                              Deadline deadline, sched::Handoff* handoff) {
  for (;;) {
    Receiver receiver{buffer, &sched::current_task(), &waiters()};
    const Status status = read_or_register(&receiver, buffer, attachments, size);
    if (status.ok() || status.error() != Error::kWouldBlock) return status;
    const Status waited = await_message(&receiver, deadline, handoff);
    if (receiver.state.load(MemoryOrder::kAcquire) == Receiver::kDone) {
      size = MessageSize{receiver.byte_count, 0};
      return ok_status();
    }
    TRY(waited);
    handoff = nullptr;  // released by the wait
  }
}

Status Endpoint::read_wait(Bytes buffer, Span<Attachment> attachments, MessageSize& size,
                           Deadline deadline) {
  return read_waiting(buffer, attachments, size, deadline, nullptr);
}

Status Endpoint::write_wait(ConstBytes bytes, Span<const Attachment> attachments,
                            Deadline deadline) {
  for (;;) {
    const Status status = write(bytes, attachments);
    if (status.ok() || status.error() != Error::kWouldBlock) return status;
    TRY(sched::wait_until(
        waiters(), [this] { return any(signals() & (Signals::kWritable | Signals::kPeerClosed)); },
        deadline));
  }
}

Result<size_t> Endpoint::call(ConstBytes request, Bytes reply, Deadline deadline) {
  Receiver receiver{reply, &sched::current_task(), &waiters()};
  {
    // Registered before the request leaves, so the reply can take the fast
    // path however quickly it comes. Not if a message already waits: the
    // reply is the next message read, and that one comes first.
    IrqSpinlockGuard guard(channel_->lock);
    if (channel_->queue[side_].empty() && !channel_->receiver[side_].load(MemoryOrder::kRelaxed)) {
      channel_->receiver[side_].store(&receiver, MemoryOrder::kRelaxed);
      receiver.registered = true;
    }
  }
  sched::Handoff handoff;
  if (Status sent = write_waking(request, {}, handoff); !sent.ok()) {
    if (receiver.registered) unregister(receiver);
    return sent.error();
  }
  MessageSize size;
  if (!receiver.registered) {
    TRY(read_waiting(reply, {}, size, deadline, &handoff));
    return size.bytes;
  }
  const Status waited = await_message(&receiver, deadline, &handoff);
  if (receiver.state.load(MemoryOrder::kAcquire) == Receiver::kDone) return receiver.byte_count;
  TRY(waited);
  // The reply was queued (too big for the fast path, or another reader
  // held the registration): read it the ordinary way.
  TRY(read_waiting(reply, {}, size, deadline, nullptr));
  return size.bytes;
}

Result<size_t> Endpoint::reply_and_read(ConstBytes reply, Bytes buffer, Deadline deadline) {
  sched::Handoff handoff;
  TRY(write_waking(reply, {}, handoff));
  MessageSize size;
  TRY(read_waiting(buffer, {}, size, deadline, &handoff));
  return size.bytes;
}

bool Endpoint::readable() const {
  IrqSpinlockGuard guard(channel_->lock);
  return !channel_->queue[side_].empty();
}

bool Endpoint::peer_closed() const {
  IrqSpinlockGuard guard(channel_->lock);
  return channel_->closed[1 - side_];
}

}  // namespace viper::ipc
