// Channels as kernel objects (layer 7): an EndpointObject wraps one end of
// an IPC channel (ipc::Endpoint, layer 6); the channel_* functions give
// processes the channel operations in terms of handles.
//
// * Writing moves the listed handles into the message, all or nothing: they
//   leave the sender's table in the same step (under its lock) that queues
//   the message, and only if it is queued. Each needs Rights::kTransfer;
//   the channel handle itself needs Rights::kWrite; an endpoint cannot be
//   sent through itself. A write without handles never takes the table lock.
// * Reading installs the message's handles into the receiver's table into
//   slots reserved first, so a full table never loses a handle (kNoSpace,
//   the message stays queued).
// * At most ipc::kMaxMessageHandles handles per message (ipc/limits.h).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ipc/channel.h"
#include "kernel/cap/handle_table.h"
#include "kernel/lib/deadline.h"
#include "kernel/lib/span.h"
#include "kernel/object/kernel_object.h"

namespace viper::mm {
struct HeapAccess;
}

namespace viper::object {

// The two handles of a new channel.
struct ChannelHandles {
  cap::HandleValue a;
  cap::HandleValue b;
};

class EndpointObject final : public KernelObject {
 public:
  static constexpr ObjectType kType = ObjectType::kChannelEndpoint;
  ipc::Endpoint& endpoint() const { return *endpoint_; }
  ipc::Waitable* waitable() const override { return endpoint_.get(); }

 private:
  friend Result<ChannelHandles> channel_create(cap::HandleTable&);
  friend struct mm::HeapAccess;
  static Result<Ref<EndpointObject>> create(Ref<ipc::Endpoint> endpoint);
  EndpointObject(ObjectId id, Ref<ipc::Endpoint> endpoint)
      : KernelObject(kType, id), endpoint_(move(endpoint)) {}
  void destroy() override;

  Ref<ipc::Endpoint> endpoint_;
};

// Both ends of a new channel, as handles with every right.
Result<ChannelHandles> channel_create(cap::HandleTable& table);

Status channel_write(cap::HandleTable& table, cap::HandleValue channel, ConstBytes bytes,
                     Span<const cap::HandleValue> handles = {});

// Reads the next message into `buffer`, its handles into `handles`; `size`
// says how many bytes and handles it had (also on kOutOfRange: what it
// needs).
Status channel_read(cap::HandleTable& table, cap::HandleValue channel, Bytes buffer,
                    Span<cap::HandleValue> handles, ipc::MessageSize& size);

// Blocking forms: wait until `deadline` (Deadline::never(): no limit) while
// the peer's queue is full / nothing is queued; kTimedOut, kInterrupted
// (killed). The handle is looked up once: the channel stays referenced
// across the sleep, so closing the handle meanwhile is safe (RC-012). A
// blocked read takes small messages without handles by the one-copy fast
// path (ipc::Endpoint::read_wait).
Status channel_write_wait(cap::HandleTable& table, cap::HandleValue channel, ConstBytes bytes,
                          Span<const cap::HandleValue> handles, Deadline deadline);
Status channel_read_wait(cap::HandleTable& table, cap::HandleValue channel, Bytes buffer,
                         Span<cap::HandleValue> handles, ipc::MessageSize& size, Deadline deadline);

// Request and reply, bytes only (ipc::Endpoint::call: the fast path and
// the CPU hand-off); returns the reply's size. Needs read and write rights.
Result<size_t> channel_call(cap::HandleTable& table, cap::HandleValue channel, ConstBytes request,
                            Bytes reply, Deadline deadline);

// A server's reply and its read of the next request, bytes only
// (ipc::Endpoint::reply_and_read: the fast path and the CPU hand-off);
// returns the next request's size. Needs read and write rights.
Result<size_t> channel_reply_and_read(cap::HandleTable& table, cap::HandleValue channel,
                                      ConstBytes reply, Bytes buffer, Deadline deadline);

}  // namespace viper::object
