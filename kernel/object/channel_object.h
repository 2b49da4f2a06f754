// Channels as kernel objects (layer 7): a ChannelObject wraps an IPC
// endpoint (ipc/channel.h, layer 6); these functions give processes the
// channel operations in terms of handles.
//
// * Writing moves the listed handles into the message, all or nothing: they
//   leave the sender's table in the same step (under its lock) that queues
//   the message, and only if it is queued. Each needs kRightTransfer; the
//   channel handle itself needs kRightWrite; an endpoint cannot be sent
//   through itself.
// * Reading installs the message's handles into the receiver's table into
//   slots reserved first, so a full table never loses a handle (kNoSpace,
//   the message stays queued).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ipc/channel.h"
#include "kernel/cap/handle_table.h"
#include "kernel/object/kernel_object.h"

namespace viper::object {

class ChannelObject final : public KernelObject {
 public:
  static constexpr ObjectType kType = ObjectType::kChannelEndpoint;
  ipc::Endpoint& endpoint() const { return *endpoint_; }
  ipc::Waitable* waitable() const override { return endpoint_.get(); }

 private:
  friend Status channel_create(cap::HandleTable&, cap::HandleValue&, cap::HandleValue&);
  ChannelObject(ObjectId id, Ref<ipc::Endpoint> endpoint)
      : KernelObject(kType, id), endpoint_(static_cast<Ref<ipc::Endpoint>&&>(endpoint)) {}
  void destroy() override;

  Ref<ipc::Endpoint> endpoint_;
};

// Both ends of a new channel, as handles with every right.
Status channel_create(cap::HandleTable& table, cap::HandleValue& a, cap::HandleValue& b);

Status channel_write(cap::HandleTable& table, cap::HandleValue channel, const void* bytes,
                     size_t byte_count, const cap::HandleValue* handles, uint32_t handle_count);

Status channel_read(cap::HandleTable& table, cap::HandleValue channel, void* buffer,
                    size_t capacity, size_t& byte_count, cap::HandleValue* handles,
                    uint32_t handle_capacity, uint32_t& handle_count);

// Blocking forms: wait until uptime `deadline_ns` (sched::kNoDeadline: no
// limit) while the peer's queue is full / nothing is queued; kTimedOut,
// kInterrupted (killed). The channel stays referenced across the sleep, so
// closing the handle meanwhile is safe (RC-012).
Status channel_write_wait(cap::HandleTable& table, cap::HandleValue channel, const void* bytes,
                          size_t byte_count, const cap::HandleValue* handles, uint32_t handle_count,
                          uint64_t deadline_ns);
Status channel_read_wait(cap::HandleTable& table, cap::HandleValue channel, void* buffer,
                         size_t capacity, size_t& byte_count, cap::HandleValue* handles,
                         uint32_t handle_capacity, uint32_t& handle_count, uint64_t deadline_ns);

// Request and reply, bytes only (ipc::Endpoint::call: the fast path and
// the CPU hand-off). Needs read and write rights.
Status channel_call(cap::HandleTable& table, cap::HandleValue channel, const void* request,
                    size_t request_bytes, void* reply, size_t reply_capacity, size_t& reply_bytes,
                    uint64_t deadline_ns);

}  // namespace viper::object
