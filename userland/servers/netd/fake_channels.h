// In-memory channels with the kernel's semantics that netd_server relies
// on (ipc/channel.h): bounded queues per direction, handles that move only
// on success, messages still readable after the peer closed, then
// kPeerClosed; and a level-triggered watch list standing in for the
// pollset. For host tests of netd_server.
#ifndef NETD_FAKE_CHANNELS_H_
#define NETD_FAKE_CHANNELS_H_

#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <vector>

#include "userland/servers/netd/netd_server.h"
#include "viperdos/syscalls.h"

namespace netd_test {

struct FakeMessage {
  std::vector<uint8_t> bytes;
  std::vector<uint64_t> handles;
};

class FakeChannels {
 public:
  // Queue bound per direction (the kernel's is 64; small to test flow control).
  size_t capacity = 8;

  netd_io Io() {
    netd_io io = {};
    io.context = this;
    io.write = [](void* c, uint64_t ch, const void* b, size_t n, const uint64_t* h, size_t hn) {
      return static_cast<FakeChannels*>(c)->Write(ch, b, n, h, hn);
    };
    io.read = [](void* c, uint64_t ch, void* b, size_t cap, uint64_t* h, size_t hcap, size_t* hn) {
      return static_cast<FakeChannels*>(c)->Read(ch, b, cap, h, hcap, hn);
    };
    io.create = [](void* c, uint64_t ends[2]) -> int64_t {
      static_cast<FakeChannels*>(c)->Create(ends);
      return 0;
    };
    io.close = [](void* c, uint64_t h) { static_cast<FakeChannels*>(c)->Close(h); };
    io.watch = [](void* c, uint64_t ch, uint32_t signals, uint64_t key) {
      auto* self = static_cast<FakeChannels*>(c);
      if (signals == 0) {
        self->watches_.erase(ch);
      } else {
        self->watches_[ch] = {signals, key};
      }
    };
    io.interface = [](void*, struct viper_net_interface* out) {
      std::memcpy(out->name, "eth0", 5);
      out->mtu = 1500;
    };
    return io;
  }

  void Create(uint64_t ends[2]) {
    ends[0] = next_++;
    ends[1] = next_++;
    ends_[ends[0]].peer = ends[1];
    ends_[ends[1]].peer = ends[0];
  }

  int64_t Write(uint64_t ch, const void* bytes, size_t size, const uint64_t* handles, size_t hn) {
    auto it = ends_.find(ch);
    if (it == ends_.end()) return VIPER_ERR_BAD_HANDLE;
    auto peer = ends_.find(it->second.peer);
    if (peer == ends_.end()) return VIPER_ERR_PEER_CLOSED;
    if (peer->second.queue.size() >= capacity) return VIPER_ERR_WOULD_BLOCK;
    if (size > VIPER_MESSAGE_BYTES_MAX) return VIPER_ERR_OUT_OF_RANGE;
    FakeMessage m;
    m.bytes.assign(static_cast<const uint8_t*>(bytes), static_cast<const uint8_t*>(bytes) + size);
    m.handles.assign(handles, handles + hn);
    peer->second.queue.push_back(std::move(m));
    return 0;
  }

  int64_t Read(uint64_t ch, void* bytes, size_t capacity_bytes, uint64_t* handles, size_t hcap,
               size_t* hn) {
    auto it = ends_.find(ch);
    if (it == ends_.end()) return VIPER_ERR_BAD_HANDLE;
    auto& q = it->second.queue;
    if (q.empty())
      return ends_.count(it->second.peer) ? VIPER_ERR_WOULD_BLOCK : VIPER_ERR_PEER_CLOSED;
    FakeMessage& m = q.front();
    if (m.bytes.size() > capacity_bytes || m.handles.size() > hcap) return VIPER_ERR_OUT_OF_RANGE;
    std::memcpy(bytes, m.bytes.data(), m.bytes.size());
    std::copy(m.handles.begin(), m.handles.end(), handles);
    *hn = m.handles.size();
    const int64_t n = static_cast<int64_t>(m.bytes.size());
    q.pop_front();
    return n;
  }

  // The client's side: the next message, if any.
  bool Take(uint64_t ch, FakeMessage* out) {
    auto it = ends_.find(ch);
    if (it == ends_.end() || it->second.queue.empty()) return false;
    *out = std::move(it->second.queue.front());
    it->second.queue.pop_front();
    return true;
  }
  bool PeerClosed(uint64_t ch) { return ends_.count(ch) && !ends_.count(ends_[ch].peer); }
  size_t Queued(uint64_t ch) { return ends_.count(ch) ? ends_[ch].queue.size() : 0; }
  bool Open(uint64_t ch) { return ends_.count(ch) != 0; }

  void Close(uint64_t h) {
    auto it = ends_.find(h);
    if (it == ends_.end()) return;
    // Handles queued in its messages close with it (the kernel's MS-007).
    std::vector<uint64_t> queued;
    for (auto& m : it->second.queue)
      queued.insert(queued.end(), m.handles.begin(), m.handles.end());
    ends_.erase(it);
    watches_.erase(h);
    for (uint64_t q : queued) Close(q);
  }

  // One round of the pollset: every watched channel with a signal it asks
  // for is handed to the server (level-triggered). Returns how many.
  int Serve(netd_server* server, uint64_t now) {
    std::vector<std::pair<uint64_t, uint32_t>> ready;
    for (auto& [ch, w] : watches_) {
      uint32_t signals = 0;
      auto& end = ends_[ch];
      const bool peer_open = ends_.count(end.peer) != 0;
      if (!end.queue.empty()) signals |= VIPER_SIGNAL_READABLE;
      if (!peer_open) signals |= VIPER_SIGNAL_PEER_CLOSED;
      if (peer_open && ends_[end.peer].queue.size() < capacity) signals |= VIPER_SIGNAL_WRITABLE;
      if (signals & w.signals) ready.emplace_back(w.key, signals & w.signals);
    }
    for (auto& [key, signals] : ready) netd_server_event(server, key, signals, now);
    if (ready.empty()) netd_server_pump(server, now);
    return static_cast<int>(ready.size());
  }

  size_t open_ends() const { return ends_.size(); }

 private:
  struct End {
    uint64_t peer = 0;
    std::deque<FakeMessage> queue;
  };
  struct Watch {
    uint32_t signals;
    uint64_t key;
  };
  uint64_t next_ = 100;
  std::map<uint64_t, End> ends_;
  std::map<uint64_t, Watch> watches_;
};

}  // namespace netd_test

#endif  // NETD_FAKE_CHANNELS_H_
