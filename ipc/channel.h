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
// * Messages still queued when a channel goes away release every
//   attachment, iteratively (MS-007): a message holding an endpoint whose
//   queue holds more does not recurse on the kernel stack.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/ref_counted.h"
#include "kernel/lib/result.h"

namespace viper::ipc {

inline constexpr size_t kMaxMessageBytes = 64 * 1024;
inline constexpr uint32_t kMaxMessageHandles = 64;
inline constexpr uint32_t kMaxQueuedMessages = 64;
inline constexpr size_t kMaxQueuedBytes = 256 * 1024;

struct Attachment {
  RefCounted* object = nullptr;  // one reference
  uint32_t rights = 0;
};

class Channel;

class Endpoint final : public RefCounted {
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

  bool readable() const;
  bool peer_closed() const;
  // Whether `other` is the other end of this endpoint's channel.
  bool is_peer_of(const Endpoint& other) const {
    return other.channel_ == channel_ && other.side_ != side_;
  }

 private:
  Endpoint(Channel* channel, uint32_t side) : channel_(channel), side_(side) {}
  void destroy() override;

  Channel* channel_;
  uint32_t side_;  // 0 or 1: reads queue[side_], writes queue[1 - side_]
};

// Live channels and messages, for leak checks.
uint64_t live_channels();
uint64_t live_messages();

}  // namespace viper::ipc
