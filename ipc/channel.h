// Channels (layer 6): a pair of endpoints; each endpoint reads the messages
// written to the other. A message carries up to kMaxMessageBytes bytes and
// up to kMaxMessageHandles attachments — counted references to whatever the
// layer above sends (kernel objects, for handle transfer in kernel/cap).
// A queue holds at most kMaxQueuedMessages messages and kMaxQueuedBytes
// bytes per direction.
//
// * Each operation runs on an endpoint the caller holds a reference to,
//   under the channel's one lock (RC-011, RC-012).
// * write() takes the attachments' references only if the message is
//   queued; on any error the caller still owns them (all or nothing).
// * Closing: the peer's pending messages can still be read, then reads fail
//   with kPeerClosed; writes to a closed peer fail at once.
// * No cycles: a channel whose queues hold endpoints cannot itself be sent,
//   and neither end of a channel can be sent through it (kBadState). A
//   ring of channels each queued in the next (X's end in Y, Y's end in X)
//   would keep itself alive after every handle is closed; with this rule
//   the last edge of any such ring is refused. Sends carrying endpoints
//   are serialised (ipc.endpoint_transfer) so two of them cannot close a
//   ring together.
// * Messages still queued when a channel goes away release every
//   attachment, iteratively (MS-007): a message holding an endpoint whose
//   queue holds more does not recurse on the kernel stack.
// * An endpoint is waitable (waitable.h): kReadable, kWritable, kPeerClosed.
//   Blocking reads and writes sleep on it with the scheduler's one
//   sleep/wakeup protocol (RC-013), with a deadline, and end when killed.
// * Fast path: a reader blocked on an empty queue registers its buffer; a
//   small write (no attachments, fits the buffer) copies straight into it
//   — one copy, no heap allocation, no queue — and wakes it. call() and
//   reply_and_read() also hand the woken thread this CPU directly
//   (sched/blocking.h Handoff), in the spirit of seL4's IPC fast path.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ipc/limits.h"
#include "ipc/waitable.h"
#include "kernel/lib/deadline.h"
#include "kernel/lib/ref_counted.h"
#include "kernel/lib/result.h"
#include "kernel/lib/rights.h"
#include "kernel/lib/span.h"
#include "sched/blocking.h"

namespace viper::mm {
struct HeapAccess;
}

namespace viper::ipc {

class Endpoint;

struct Attachment {
  RefCounted* object = nullptr;  // one reference
  Rights rights = Rights::kNone;
  // Set by the sender when `object` carries a channel endpoint (layer 7's
  // endpoint objects do), so the no-cycles rule below can see it.
  Endpoint* endpoint = nullptr;
};

// The sizes of a message: its bytes and its attachments (handles, one layer
// up).
struct MessageSize {
  size_t bytes = 0;
  uint32_t handles = 0;
};

// A new channel's two ends.
struct EndpointPair;

class ChannelState;
struct Receiver;

class Endpoint final : public Waitable {
 public:
  // kNoMemory.
  static Result<EndpointPair> create_pair();

  // kOutOfRange (too many bytes or attachments), kWouldBlock (peer's queue
  // full), kPeerClosed, kInvalidArgument (a null buffer with a size).
  Status write(ConstBytes bytes, Span<const Attachment> attachments = {});

  // Sizes of the first queued message (kWouldBlock / kPeerClosed if none).
  Result<MessageSize> peek() const;

  // Takes the first queued message: its bytes, and its attachments'
  // references (now the caller's); `size` says how many of each. kWouldBlock,
  // kPeerClosed, kOutOfRange (a buffer is too small; the message stays and
  // `size` gives what it needs).
  Status read(Bytes buffer, Span<Attachment> attachments, MessageSize& size);

  // Blocking forms: wait while the peer's queue is full / this queue is
  // empty, until `deadline` (Deadline::never(): no limit). kTimedOut,
  // kInterrupted (killed), or what write()/read() return.
  Status write_wait(ConstBytes bytes, Span<const Attachment> attachments, Deadline deadline);
  Status read_wait(Bytes buffer, Span<Attachment> attachments, MessageSize& size,
                   Deadline deadline);

  // A request and its reply (bytes only): registers for the reply first,
  // sends, and gives this CPU to the thread that reads the request if it
  // was waiting. The reply is the next message this end reads; returns its
  // size.
  Result<size_t> call(ConstBytes request, Bytes reply, Deadline deadline);
  // The server's half: sends a reply (bytes only), then waits for the next
  // request, giving this CPU to the caller it just replied to; returns the
  // request's size.
  Result<size_t> reply_and_read(ConstBytes reply, Bytes buffer, Deadline deadline);

  bool readable() const;
  bool peer_closed() const;

 private:
  friend struct mm::HeapAccess;
  Endpoint(ChannelState* channel, uint32_t side);
  void destroy() override;

  Status write_waking(ConstBytes bytes, Span<const Attachment> attachments, sched::Waker& waker);
  Status read_waiting(Bytes buffer, Span<Attachment> attachments, MessageSize& size,
                      Deadline deadline, sched::Handoff* handoff);
  Status read_or_register(Receiver* receiver, Bytes buffer, Span<Attachment> attachments,
                          MessageSize& size);
  Status await_message(Receiver* receiver, Deadline deadline, sched::Handoff* handoff);
  void unregister(Receiver& receiver);

  ChannelState* channel_;
  uint32_t side_;  // 0 or 1: reads queue[side_], writes queue[1 - side_]
};

struct EndpointPair {
  Ref<Endpoint> a;
  Ref<Endpoint> b;
};

}  // namespace viper::ipc
