#include "kernel/object/channel_object.h"

#include "mm/kheap/global.h"

namespace viper::object {
namespace {
ObjectIdAllocator g_channel_ids;  // REL-004: never repeats, never wraps
}  // namespace

void ChannelObject::destroy() {
  this->~ChannelObject();  // drops the endpoint reference: closes this side
  (void)mm::kernel_heap().kfree(this);
}

Status channel_create(cap::HandleTable& table, cap::HandleValue& a, cap::HandleValue& b) {
  Ref<ipc::Endpoint> ea, eb;
  TRY(ipc::Endpoint::create_pair(ea, eb));
  const ObjectId id_a = TRY(g_channel_ids.next());
  const ObjectId id_b = TRY(g_channel_ids.next());
  void* ma = TRY(mm::kernel_heap().kmalloc(sizeof(ChannelObject)));
  Result<void*> mb = mm::kernel_heap().kmalloc(sizeof(ChannelObject));
  if (!mb.ok()) {
    (void)mm::kernel_heap().kfree(ma);
    return mb.error();
  }
  Ref<KernelObject> oa = Ref<ChannelObject>::adopt(
      new (ma) ChannelObject(id_a, static_cast<Ref<ipc::Endpoint>&&>(ea)));
  Ref<KernelObject> ob = Ref<ChannelObject>::adopt(
      new (mb.value()) ChannelObject(id_b, static_cast<Ref<ipc::Endpoint>&&>(eb)));
  const cap::HandleValue ha = TRY(table.add(static_cast<Ref<KernelObject>&&>(oa), cap::kRightsAll));
  Result<cap::HandleValue> hb = table.add(static_cast<Ref<KernelObject>&&>(ob), cap::kRightsAll);
  if (!hb.ok()) {
    (void)table.close(ha);
    return hb.error();
  }
  a = ha;
  b = hb.value();
  return ok_status();
}

Status channel_write(cap::HandleTable& table, cap::HandleValue channel, const void* bytes,
                     size_t byte_count, const cap::HandleValue* handles, uint32_t handle_count) {
  if (handle_count > ipc::kMaxMessageHandles) return Error::kOutOfRange;
  const Ref<ChannelObject> self = TRY(table.get_as<ChannelObject>(channel, cap::kRightWrite));
  KernelObject* objects[ipc::kMaxMessageHandles];
  uint32_t rights[ipc::kMaxMessageHandles];
  return table.take_many(
      handles, handle_count, cap::kRightTransfer, objects, rights, [&]() -> Status {
        ipc::Attachment attachments[ipc::kMaxMessageHandles];
        for (uint32_t i = 0; i < handle_count; ++i) {
          attachments[i] = {objects[i], rights[i], nullptr};
          // Endpoints are marked so layer 6 can refuse cycles (an end
          // through its own channel, a channel that carries endpoints).
          if (objects[i]->type() == ChannelObject::kType) {
            attachments[i].endpoint = &static_cast<ChannelObject*>(objects[i])->endpoint();
          }
        }
        return self->endpoint().write(bytes, byte_count, attachments, handle_count);
      });
}

Status channel_read(cap::HandleTable& table, cap::HandleValue channel, void* buffer,
                    size_t capacity, size_t& byte_count, cap::HandleValue* handles,
                    uint32_t handle_capacity, uint32_t& handle_count) {
  const Ref<ChannelObject> self = TRY(table.get_as<ChannelObject>(channel, cap::kRightRead));
  ipc::Endpoint& endpoint = self->endpoint();
  size_t pending_bytes = 0;
  uint32_t pending_handles = 0;
  TRY(endpoint.peek(pending_bytes, pending_handles));
  if (pending_handles > handle_capacity || pending_bytes > capacity) {
    byte_count = pending_bytes;
    handle_count = pending_handles;
    return Error::kOutOfRange;
  }
  cap::HandleTable::Reservation reservation;
  TRY(table.reserve(pending_handles, reservation));
  ipc::Attachment attachments[ipc::kMaxMessageHandles];
  // A concurrent reader may have taken that message; the next one must fit
  // the reservation or it stays queued (kOutOfRange).
  const Status status =
      endpoint.read(buffer, capacity, byte_count, attachments, pending_handles, handle_count);
  KernelObject* objects[ipc::kMaxMessageHandles];
  uint32_t rights[ipc::kMaxMessageHandles];
  const uint32_t received = status.ok() ? handle_count : 0;
  for (uint32_t i = 0; i < received; ++i) {
    // Attachments sent through a handle table are kernel objects.
    objects[i] = static_cast<KernelObject*>(attachments[i].object);
    rights[i] = attachments[i].rights;
  }
  table.fill(reservation, objects, rights, received, handles);
  return status;
}

Status channel_write_wait(cap::HandleTable& table, cap::HandleValue channel, const void* bytes,
                          size_t byte_count, const cap::HandleValue* handles, uint32_t handle_count,
                          uint64_t deadline_ns) {
  const Ref<ChannelObject> self = TRY(table.get_as<ChannelObject>(channel, cap::kRightWrite));
  for (;;) {
    const Status status = channel_write(table, channel, bytes, byte_count, handles, handle_count);
    if (status.ok() || status.error() != Error::kWouldBlock) return status;
    TRY(self->endpoint().wait(ipc::signal::kWritable | ipc::signal::kPeerClosed, deadline_ns));
  }
}

Status channel_read_wait(cap::HandleTable& table, cap::HandleValue channel, void* buffer,
                         size_t capacity, size_t& byte_count, cap::HandleValue* handles,
                         uint32_t handle_capacity, uint32_t& handle_count, uint64_t deadline_ns) {
  const Ref<ChannelObject> self = TRY(table.get_as<ChannelObject>(channel, cap::kRightRead));
  for (;;) {
    const Status status = channel_read(table, channel, buffer, capacity, byte_count, handles,
                                       handle_capacity, handle_count);
    if (status.ok() || status.error() != Error::kWouldBlock) return status;
    TRY(self->endpoint().wait(ipc::signal::kReadable | ipc::signal::kPeerClosed, deadline_ns));
  }
}

Status channel_call(cap::HandleTable& table, cap::HandleValue channel, const void* request,
                    size_t request_bytes, void* reply, size_t reply_capacity, size_t& reply_bytes,
                    uint64_t deadline_ns) {
  const Ref<ChannelObject> self =
      TRY(table.get_as<ChannelObject>(channel, cap::kRightRead | cap::kRightWrite));
  return self->endpoint().call(request, request_bytes, reply, reply_capacity, reply_bytes,
                               deadline_ns);
}

}  // namespace viper::object
