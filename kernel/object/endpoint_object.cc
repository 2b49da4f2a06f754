#include "kernel/object/endpoint_object.h"

#include "kernel/lib/scope_guard.h"
#include "kernel/object/make_object.h"
#include "mm/kheap/make.h"

namespace viper::object {
namespace {

// The write once the channel handle is looked up.
Status write_through(cap::HandleTable& table, EndpointObject& self, ConstBytes bytes,
                     Span<const cap::HandleValue> handles) {
  if (handles.empty()) return self.endpoint().write(bytes);  // the table lock is not needed
  KernelObject* objects[cap::HandleTable::kMaxBatch];
  Rights rights[cap::HandleTable::kMaxBatch];
  return table.take_many(handles, Rights::kTransfer, objects, rights, [&]() -> Status {
    ipc::Attachment attachments[cap::HandleTable::kMaxBatch];
    for (uint32_t i = 0; i < handles.size(); ++i) {
      attachments[i] = {objects[i], rights[i], nullptr};
      // Endpoints are marked so layer 6 can refuse cycles (an end
      // through its own channel, a channel that carries endpoints).
      if (objects[i]->type() == EndpointObject::kType) {
        attachments[i].endpoint = &static_cast<EndpointObject*>(objects[i])->endpoint();
      }
    }
    return self.endpoint().write(bytes, Span<const ipc::Attachment>(attachments, handles.size()));
  });
}

// The read once the channel handle is looked up: handles are installed
// into slots reserved before the message leaves the queue.
Status read_through(cap::HandleTable& table, ipc::Endpoint& endpoint, Bytes buffer,
                    Span<cap::HandleValue> handles, ipc::MessageSize& size) {
  const ipc::MessageSize pending = TRY(endpoint.peek());
  if (pending.handles > handles.size() || pending.bytes > buffer.size()) {
    size = pending;
    return Error::kOutOfRange;
  }
  cap::HandleTable::Reservation reservation;
  TRY(table.reserve(pending.handles, reservation));
  ipc::Attachment attachments[cap::HandleTable::kMaxBatch];
  // A concurrent reader may have taken that message; the next one must fit
  // the reservation or it stays queued (kOutOfRange).
  const Status status =
      endpoint.read(buffer, Span<ipc::Attachment>(attachments, pending.handles), size);
  KernelObject* objects[cap::HandleTable::kMaxBatch];
  Rights rights[cap::HandleTable::kMaxBatch];
  const uint32_t received = status.ok() ? size.handles : 0;
  for (uint32_t i = 0; i < received; ++i) {
    // Attachments sent through a handle table are kernel objects.
    objects[i] = static_cast<KernelObject*>(attachments[i].object);
    rights[i] = attachments[i].rights;
  }
  table.fill(reservation, Span<KernelObject* const>(objects, received),
             Span<const Rights>(rights, received), handles);
  return status;
}

}  // namespace

Result<Ref<EndpointObject>> EndpointObject::create(Ref<ipc::Endpoint> endpoint) {
  return make_object<EndpointObject>(move(endpoint));
}

void EndpointObject::destroy() {
  mm::kdelete(this);  // drops the endpoint reference: closes this side
}

Result<ChannelHandles> channel_create(cap::HandleTable& table) {
  ipc::EndpointPair pair = TRY(ipc::Endpoint::create_pair());
  Ref<KernelObject> a = TRY(EndpointObject::create(move(pair.a)));
  Ref<KernelObject> b = TRY(EndpointObject::create(move(pair.b)));
  const cap::HandleValue ha = TRY(table.add(move(a), Rights::kAll));
  auto close_a = ScopeGuard([&] { (void)table.close(ha); });
  const cap::HandleValue hb = TRY(table.add(move(b), Rights::kAll));
  close_a.dismiss();
  return ChannelHandles{ha, hb};
}

Status channel_write(cap::HandleTable& table, cap::HandleValue channel, ConstBytes bytes,
                     Span<const cap::HandleValue> handles) {
  const Ref<EndpointObject> self = TRY(table.get_as<EndpointObject>(channel, Rights::kWrite));
  return write_through(table, *self, bytes, handles);
}

Status channel_read(cap::HandleTable& table, cap::HandleValue channel, Bytes buffer,
                    Span<cap::HandleValue> handles, ipc::MessageSize& size) {
  const Ref<EndpointObject> self = TRY(table.get_as<EndpointObject>(channel, Rights::kRead));
  return read_through(table, self->endpoint(), buffer, handles, size);
}

Status channel_write_wait(cap::HandleTable& table, cap::HandleValue channel, ConstBytes bytes,
                          Span<const cap::HandleValue> handles, Deadline deadline) {
  const Ref<EndpointObject> self = TRY(table.get_as<EndpointObject>(channel, Rights::kWrite));
  for (;;) {
    const Status status = write_through(table, *self, bytes, handles);
    if (status.ok() || status.error() != Error::kWouldBlock) return status;
    TRY(self->endpoint().wait(Signals::kWritable | Signals::kPeerClosed, deadline));
  }
}

Status channel_read_wait(cap::HandleTable& table, cap::HandleValue channel, Bytes buffer,
                         Span<cap::HandleValue> handles, ipc::MessageSize& size,
                         Deadline deadline) {
  const Ref<EndpointObject> self = TRY(table.get_as<EndpointObject>(channel, Rights::kRead));
  ipc::Endpoint& endpoint = self->endpoint();
  for (;;) {
    const Status status = read_through(table, endpoint, buffer, handles, size);
    if (status.ok() || status.error() != Error::kWouldBlock) return status;
    // Nothing queued: block as Endpoint::read_wait does, so a message
    // without handles that fits comes straight into `buffer` (one copy).
    const Status waited = endpoint.read_wait(buffer, {}, size, deadline);
    if (waited.ok() || waited.error() != Error::kOutOfRange) return waited;
    // A message that carries handles (or does not fit) is queued: the read
    // above takes it, or reports what it needs.
  }
}

Result<size_t> channel_call(cap::HandleTable& table, cap::HandleValue channel, ConstBytes request,
                            Bytes reply, Deadline deadline) {
  const Ref<EndpointObject> self =
      TRY(table.get_as<EndpointObject>(channel, Rights::kRead | Rights::kWrite));
  return self->endpoint().call(request, reply, deadline);
}

Result<size_t> channel_reply_and_read(cap::HandleTable& table, cap::HandleValue channel,
                                      ConstBytes reply, Bytes buffer, Deadline deadline) {
  const Ref<EndpointObject> self =
      TRY(table.get_as<EndpointObject>(channel, Rights::kRead | Rights::kWrite));
  return self->endpoint().reply_and_read(reply, buffer, deadline);
}

}  // namespace viper::object
