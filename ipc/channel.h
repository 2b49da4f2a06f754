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

#include "ipc/waitable.h"
#include "kernel/lib/ref_counted.h"
#include "kernel/lib/result.h"
#include "sched/blocking.h"

namespace viper::ipc {

inline constexpr size_t kMaxMessageBytes = 64 * 1024;
inline constexpr uint32_t kMaxMessageHandles = 64;
inline constexpr uint32_t kMaxQueuedMessages = 64;
inline constexpr size_t kMaxQueuedBytes = 256 * 1024;

class Endpoint;

struct Attachment {
  RefCounted* object = nullptr;  // one reference
  uint32_t rights = 0;
  // Set by the sender when `object` carries a channel endpoint (layer 7's
  // channel objects do), so the no-cycles rule below can see it.
  Endpoint* endpoint = nullptr;
};

class Channel;
struct Receiver;

class Endpoint final : public Waitable {
 public:
  // A new channel's two endpoints. kNoMemory.
  static Status create_pair(Ref<Endpoint>& a, Ref<Endpoint>& b);

  // kOutOfRange (too many bytes or attachments), kWouldBlock (peer's queue
  // full), kPeerClosed, kInvalidArgument (null pointers with counts).
  Status write(const void* bytes, size_t byte_count, const Attachment* attachments,
               uint32_t attachment_count);

  // Sizes of the first queued message (kWouldBlock / kPeerClosed if none).
  Status peek(size_t& byte_count, uint32_t& attachment_count) const;

  // Takes the first queued message: its bytes, and its attachments'
  // references (now the caller's). kWouldBlock, kPeerClosed, kOutOfRange
  // (a buffer is too small; the message stays and peek() gives the sizes).
  Status read(void* buffer, size_t capacity, size_t& byte_count, Attachment* attachments,
              uint32_t attachment_capacity, uint32_t& attachment_count);

  // Blocking forms: wait while the peer's queue is full / this queue is
  // empty, until uptime `deadline_ns` (sched::kNoDeadline: no limit).
  // kTimedOut, kInterrupted (killed), or what write()/read() return.
  Status write_wait(const void* bytes, size_t byte_count, const Attachment* attachments,
                    uint32_t attachment_count, uint64_t deadline_ns);
  Status read_wait(void* buffer, size_t capacity, size_t& byte_count, Attachment* attachments,
                   uint32_t attachment_capacity, uint32_t& attachment_count, uint64_t deadline_ns);

  // A request and its reply (bytes only): registers for the reply first,
  // sends, and gives this CPU to the thread that reads the request if it
  // was waiting. The reply is the next message this end reads.
  Status call(const void* request, size_t request_bytes, void* reply, size_t reply_capacity,
              size_t& reply_bytes, uint64_t deadline_ns);
  // The server's half: sends a reply (bytes only), then waits for the next
  // request, giving this CPU to the caller it just replied to.
  Status reply_and_read(const void* reply, size_t reply_bytes, void* buffer, size_t capacity,
                        size_t& byte_count, uint64_t deadline_ns);

  bool readable() const;
  bool peer_closed() const;
  // Whether `other` is the other end of this endpoint's channel.
  bool is_peer_of(const Endpoint& other) const {
    return other.channel_ == channel_ && other.side_ != side_;
  }

 private:
  Endpoint(Channel* channel, uint32_t side);
  void destroy() override;

  Status write_waking(const void* bytes, size_t byte_count, const Attachment* attachments,
                      uint32_t attachment_count, sched::Waker& waker);
  Status read_waiting(void* buffer, size_t capacity, size_t& byte_count, Attachment* attachments,
                      uint32_t attachment_capacity, uint32_t& attachment_count,
                      uint64_t deadline_ns, sched::Handoff* handoff);
  Status read_or_register(Receiver* receiver, void* buffer, size_t capacity, size_t& byte_count,
                          Attachment* attachments, uint32_t attachment_capacity,
                          uint32_t& attachment_count);
  Status await_message(Receiver* receiver, uint64_t deadline_ns, sched::Handoff* handoff);
  void unregister(Receiver& receiver);

  Channel* channel_;
  uint32_t side_;  // 0 or 1: reads queue[side_], writes queue[1 - side_]
};

// Live channels and messages, for leak checks.
uint64_t live_channels();
uint64_t live_messages();
// Messages delivered by the fast path (straight into a waiting reader).
uint64_t fast_path_deliveries();

}  // namespace viper::ipc
