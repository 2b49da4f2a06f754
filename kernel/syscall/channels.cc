// Channels: create, write (bytes and handles, which move), read, call.
#include "kernel/object/endpoint_object.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"
#include "kernel/syscall/kernel_buffer.h"

namespace viper::syscall {
namespace {

// The outgoing half of a message, copied in and checked against the limits.
struct Outgoing {
  KernelBuffer bytes;
  cap::HandleValue handles[VIPER_MESSAGE_HANDLES_MAX];
  size_t handle_count = 0;
};

Status copy_in_message(const viper_message& m, Outgoing& out) {
  if (m.byte_count > VIPER_MESSAGE_BYTES_MAX || m.handle_count > VIPER_MESSAGE_HANDLES_MAX) {
    return Error::kOutOfRange;
  }
  TRY(out.bytes.reserve(m.byte_count));
  TRY(arch::copy_from_user(out.bytes.data(), VirtAddr(reinterpret_cast<uint64_t>(m.bytes)),
                           m.byte_count));
  uint64_t raw_handles[VIPER_MESSAGE_HANDLES_MAX];
  TRY(arch::copy_from_user(raw_handles, VirtAddr(reinterpret_cast<uint64_t>(m.handles)),
                           m.handle_count * sizeof(uint64_t)));
  for (size_t i = 0; i < m.handle_count; ++i) out.handles[i] = handle_arg(raw_handles[i]);
  out.handle_count = m.handle_count;
  return ok_status();
}

Result<uint64_t> channel_create(CallContext& c, const Arguments& a) {
  // Check the destination before creating anything that would need undoing.
  const uint64_t zero[2] = {0, 0};
  TRY(arch::copy_to_user(VirtAddr(a.value[0]), zero, sizeof(zero)));
  object::ChannelHandles pair = TRY(object::channel_create(c.handles));
  const uint64_t handles[2] = {pair.a.value, pair.b.value};
  if (Status s = arch::copy_to_user(VirtAddr(a.value[0]), handles, sizeof(handles)); !s.ok()) {
    (void)c.handles.close(pair.a);  // unmapped since the check: undo
    (void)c.handles.close(pair.b);
    return s.error();
  }
  return 0;
}

Result<uint64_t> channel_write(CallContext& c, const Arguments& a) {
  const viper_message m = TRY(copy_in<viper_message>(a.value[1]));
  Outgoing out;
  TRY(copy_in_message(m, out));
  TRY(object::channel_write(c.handles, handle_arg(a.value[0]), out.bytes.bytes(),
                            Span<const cap::HandleValue>(out.handles, out.handle_count)));
  return 0;
}

// What a read tries first, on the stack (KernelBuffer's small part).
constexpr size_t kSmallRead = 256;

// The end of a read: the message out to the caller's buffers, and the sizes
// back also when the buffers are too small (kOutOfRange), so the caller can
// retry with enough room.
Result<uint64_t> finish_read(const Arguments& a, viper_message& m, KernelBuffer& bytes,
                             const cap::HandleValue* handles, ipc::MessageSize size, Status read) {
  m.byte_count = size.bytes;
  m.handle_count = size.handles;
  if (!read.ok() && read.error() != Error::kOutOfRange) return read.error();
  if (read.ok()) {
    TRY(arch::copy_to_user(VirtAddr(reinterpret_cast<uint64_t>(m.bytes)), bytes.data(),
                           size.bytes));
    uint64_t raw_handles[VIPER_MESSAGE_HANDLES_MAX];
    for (uint32_t i = 0; i < size.handles; ++i) raw_handles[i] = handles[i].value;
    TRY(arch::copy_to_user(VirtAddr(reinterpret_cast<uint64_t>(m.handles)), raw_handles,
                           size.handles * sizeof(uint64_t)));
  }
  TRY(copy_out(a.value[1], m));
  if (!read.ok()) return read.error();
  return size.bytes;
}

// Reads into kernel memory, then out to the caller's buffers. Small
// messages (a pipe's, a reply's) land in the stack part of a KernelBuffer
// whatever room the caller offers; a larger one says its size (kOutOfRange,
// still queued) and is read again into a buffer of that size. A pipe's read
// offers 64 KiB, which was a heap block for every read.
Result<uint64_t> channel_read(CallContext& c, const Arguments& a) {
  viper_message m = TRY(copy_in<viper_message>(a.value[1]));
  const size_t byte_room =
      m.byte_capacity < VIPER_MESSAGE_BYTES_MAX ? m.byte_capacity : VIPER_MESSAGE_BYTES_MAX;
  const size_t handle_room =
      m.handle_capacity < VIPER_MESSAGE_HANDLES_MAX ? m.handle_capacity : VIPER_MESSAGE_HANDLES_MAX;
  if (!arch::user_range_ok(VirtAddr(reinterpret_cast<uint64_t>(m.bytes)), byte_room) ||
      !arch::user_range_ok(VirtAddr(reinterpret_cast<uint64_t>(m.handles)),
                           handle_room * sizeof(uint64_t))) {
    return Error::kFault;
  }
  cap::HandleValue handles[VIPER_MESSAGE_HANDLES_MAX];
  ipc::MessageSize size;
  auto read_into = [&](KernelBuffer& buffer) {
    return object::channel_read_wait(c.handles, handle_arg(a.value[0]), buffer.bytes(),
                                     Span<cap::HandleValue>(handles, handle_room), size,
                                     deadline_arg(a.value[2]));
  };
  // A message the caller has room for, larger than `tried` bytes.
  auto needs_more = [&](const Status& read, size_t tried) {
    return !read.ok() && read.error() == Error::kOutOfRange && size.bytes <= byte_room &&
           size.handles <= handle_room && size.bytes > tried;
  };
  KernelBuffer small;
  const size_t first = byte_room < kSmallRead ? byte_room : kSmallRead;
  TRY(small.reserve(first));
  const Status read = read_into(small);
  if (!needs_more(read, first)) return finish_read(a, m, small, handles, size, read);
  // Another reader may take that message meanwhile: then the next is read.
  for (;;) {
    KernelBuffer fitting;
    const size_t want = size.bytes;
    TRY(fitting.reserve(want));
    const Status again = read_into(fitting);
    if (!needs_more(again, want)) return finish_read(a, m, fitting, handles, size, again);
  }
}

// One message out and one back, bytes only (a call, or a server's reply
// and its next read): the outgoing bytes are copied in, the answer lands in
// kernel memory, then in the caller's buffer. `exchange` is the object call.
using Exchange = Result<size_t> (*)(cap::HandleTable&, cap::HandleValue, ConstBytes, Bytes,
                                    Deadline);
Result<uint64_t> exchange_bytes(CallContext& c, const Arguments& a, Exchange exchange) {
  const viper_message sent = TRY(copy_in<viper_message>(a.value[1]));
  viper_message answer = TRY(copy_in<viper_message>(a.value[2]));
  if (sent.handle_count != 0) return Error::kNotSupported;
  Outgoing out;
  TRY(copy_in_message(sent, out));
  const size_t room = answer.byte_capacity < VIPER_MESSAGE_BYTES_MAX ? answer.byte_capacity
                                                                     : VIPER_MESSAGE_BYTES_MAX;
  if (!arch::user_range_ok(VirtAddr(reinterpret_cast<uint64_t>(answer.bytes)), room)) {
    return Error::kFault;
  }
  KernelBuffer received;
  TRY(received.reserve(room));
  const size_t got = TRY(exchange(c.handles, handle_arg(a.value[0]), out.bytes.bytes(),
                                  received.bytes(), deadline_arg(a.value[3])));
  TRY(arch::copy_to_user(VirtAddr(reinterpret_cast<uint64_t>(answer.bytes)), received.data(), got));
  answer.byte_count = got;
  answer.handle_count = 0;
  TRY(copy_out(a.value[2], answer));
  return got;
}

// Request and reply: the fast path with the CPU hand-off.
Result<uint64_t> channel_call(CallContext& c, const Arguments& a) {
  return exchange_bytes(c, a, &object::channel_call);
}

// A server's reply, then its next request.
Result<uint64_t> channel_reply_read(CallContext& c, const Arguments& a) {
  return exchange_bytes(c, a, &object::channel_reply_and_read);
}

}  // namespace

void install_channel_calls() {
  install_call(VIPER_SYS_CHANNEL_CREATE, {"channel_create", &channel_create});
  install_call(VIPER_SYS_CHANNEL_WRITE, {"channel_write", &channel_write});
  install_call(VIPER_SYS_CHANNEL_READ, {"channel_read", &channel_read});
  install_call(VIPER_SYS_CHANNEL_CALL, {"channel_call", &channel_call});
  install_call(VIPER_SYS_CHANNEL_REPLY_READ, {"channel_reply_read", &channel_reply_read});
}

}  // namespace viper::syscall
