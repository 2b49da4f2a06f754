#include "ipc/channel.h"

#include "kernel/lib/list.h"
#include "kernel/lib/spinlock.h"
#include "mm/kheap/global.h"

namespace viper::ipc {
namespace {

LockClass g_channel_class{"ipc.channel", lock_level(6, 0)};
LockClass g_retire_class{"ipc.retired_channels", lock_level(6, 1)};
Atomic<uint64_t> g_live_channels{0};
Atomic<uint64_t> g_live_messages{0};

}  // namespace

struct Message {
  ListNode node;
  uint32_t byte_count = 0;
  uint32_t attachment_count = 0;
  Attachment attachments[kMaxMessageHandles];
  uint8_t* bytes() { return reinterpret_cast<uint8_t*>(this + 1); }
};

class Channel {
 public:
  Channel() : lock(g_channel_class) {}
  mutable IrqSpinlock lock;
  List<Message, &Message::node> queue[2] GUARDED_BY(lock);  // queue[i]: read by side i
  size_t queued_bytes[2] GUARDED_BY(lock) = {0, 0};
  bool closed[2] GUARDED_BY(lock) = {false, false};
  ListNode retire_node;
};

namespace {

void free_message(Message* message) {
  for (uint32_t i = 0; i < message->attachment_count; ++i) {
    message->attachments[i].object->release();
  }
  message->~Message();
  (void)mm::kernel_heap().kfree(message);
  g_live_messages.fetch_sub(1, MemoryOrder::kRelaxed);
}

// MS-007 without recursion: releasing a dead channel's attachments may
// kill more channels. Whoever finds nobody draining drains, in a loop;
// channels that die meanwhile are only queued.
IrqSpinlock g_retire_lock{g_retire_class};
List<Channel, &Channel::retire_node> g_retired GUARDED_BY(g_retire_lock);
bool g_draining GUARDED_BY(g_retire_lock) = false;

// Both sides are closed: nobody else can reach the channel.
void free_channel(Channel* channel) NO_THREAD_SAFETY_ANALYSIS {
  for (auto& queue : channel->queue) {
    while (Message* message = queue.pop_front()) free_message(message);
  }
  channel->~Channel();
  (void)mm::kernel_heap().kfree(channel);
  g_live_channels.fetch_sub(1, MemoryOrder::kRelaxed);
}

void retire(Channel* channel) {
  {
    IrqSpinlockGuard guard(g_retire_lock);
    g_retired.push_back(*channel);
    if (g_draining) return;
    g_draining = true;
  }
  for (;;) {
    Channel* next;
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

uint64_t live_channels() { return g_live_channels.load(MemoryOrder::kRelaxed); }
uint64_t live_messages() { return g_live_messages.load(MemoryOrder::kRelaxed); }

Status Endpoint::create_pair(Ref<Endpoint>& a, Ref<Endpoint>& b) {
  mm::KernelHeap& heap = mm::kernel_heap();
  void* channel_memory = TRY(heap.kmalloc(sizeof(Channel)));
  Result<void*> first = heap.kmalloc(sizeof(Endpoint));
  Result<void*> second = heap.kmalloc(sizeof(Endpoint));
  if (!first.ok() || !second.ok()) {
    if (first.ok()) (void)heap.kfree(first.value());
    if (second.ok()) (void)heap.kfree(second.value());
    (void)heap.kfree(channel_memory);
    return Error::kNoMemory;
  }
  Channel* channel = new (channel_memory) Channel();
  g_live_channels.fetch_add(1, MemoryOrder::kRelaxed);
  a = Ref<Endpoint>::adopt(new (first.value()) Endpoint(channel, 0));
  b = Ref<Endpoint>::adopt(new (second.value()) Endpoint(channel, 1));
  return ok_status();
}

void Endpoint::destroy() {
  Channel* channel = channel_;
  bool last;
  {
    IrqSpinlockGuard guard(channel->lock);
    channel->closed[side_] = true;
    last = channel->closed[1 - side_];
  }
  this->~Endpoint();
  (void)mm::kernel_heap().kfree(this);
  if (last) retire(channel);
}

Status Endpoint::write(const void* bytes, size_t byte_count, const Attachment* attachments,
                       uint32_t attachment_count) {
  if (byte_count > kMaxMessageBytes || attachment_count > kMaxMessageHandles) {
    return Error::kOutOfRange;
  }
  if ((byte_count && !bytes) || (attachment_count && !attachments)) {
    return Error::kInvalidArgument;
  }
  void* memory = TRY(mm::kernel_heap().kmalloc(sizeof(Message) + byte_count));
  g_live_messages.fetch_add(1, MemoryOrder::kRelaxed);
  Message* message = new (memory) Message();
  message->byte_count = static_cast<uint32_t>(byte_count);
  const auto* in = static_cast<const uint8_t*>(bytes);
  for (size_t i = 0; i < byte_count; ++i) message->bytes()[i] = in[i];
  const uint32_t to = 1 - side_;
  Status status = ok_status();
  {
    IrqSpinlockGuard guard(channel_->lock);
    if (channel_->closed[to]) {
      status = Error::kPeerClosed;
    } else if (channel_->queue[to].size() >= kMaxQueuedMessages ||
               channel_->queued_bytes[to] + byte_count > kMaxQueuedBytes) {
      status = Error::kWouldBlock;
    } else {
      // Queued: the attachments' references belong to the message now.
      for (uint32_t i = 0; i < attachment_count; ++i) message->attachments[i] = attachments[i];
      message->attachment_count = attachment_count;
      channel_->queue[to].push_back(*message);
      channel_->queued_bytes[to] += byte_count;
    }
  }
  if (!status.ok()) free_message(message);  // holds no attachments: the caller keeps them
  return status;
}

Status Endpoint::peek(size_t& byte_count, uint32_t& attachment_count) const {
  IrqSpinlockGuard guard(channel_->lock);
  const Message* message = channel_->queue[side_].front();
  if (!message) return channel_->closed[1 - side_] ? Error::kPeerClosed : Error::kWouldBlock;
  byte_count = message->byte_count;
  attachment_count = message->attachment_count;
  return ok_status();
}

Status Endpoint::read(void* buffer, size_t capacity, size_t& byte_count, Attachment* attachments,
                      uint32_t attachment_capacity, uint32_t& attachment_count) {
  Message* message;
  {
    IrqSpinlockGuard guard(channel_->lock);
    message = channel_->queue[side_].front();
    if (!message) return channel_->closed[1 - side_] ? Error::kPeerClosed : Error::kWouldBlock;
    byte_count = message->byte_count;
    attachment_count = message->attachment_count;
    if (message->byte_count > capacity || message->attachment_count > attachment_capacity) {
      return Error::kOutOfRange;  // kept
    }
    channel_->queue[side_].remove(*message);
    channel_->queued_bytes[side_] -= message->byte_count;
  }
  auto* out = static_cast<uint8_t*>(buffer);
  for (uint32_t i = 0; i < message->byte_count; ++i) out[i] = message->bytes()[i];
  for (uint32_t i = 0; i < message->attachment_count; ++i) attachments[i] = message->attachments[i];
  message->attachment_count = 0;  // the references went to the caller
  free_message(message);
  return ok_status();
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
