// USER-003: fsd's bootstrap waits for its disk however late it comes, by
// blocking, with no count of tries and no timeout. The test plays the
// kernel and init through the bootstrap operations.
#include "userland/servers/fsd/bootstrap.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Message {
  std::string bytes;
  std::vector<uint64_t> handles;
};

// A bootstrap channel. `late_after_reads`: a message parked in `later`
// arrives by itself once read() has been tried that many times (a disk
// that comes late, counted in tries, so the test is deterministic).
struct FakeChannel {
  std::mutex lock;
  std::condition_variable changed;
  std::deque<Message> queue;
  std::deque<Message> later;
  bool closed = false;
  bool deliver_on_wait = false;
  uint64_t late_after_reads = 0;
  uint64_t reads = 0, waits = 0;
  std::vector<uint64_t> closed_handles;

  static int64_t Read(void* c, void* bytes, size_t capacity, uint64_t* handles, size_t* count) {
    auto* self = static_cast<FakeChannel*>(c);
    std::lock_guard<std::mutex> guard(self->lock);
    self->reads++;
    if (self->late_after_reads && self->reads >= self->late_after_reads) self->Arrive();
    if (self->queue.empty()) return self->closed ? FSD_BOOT_CLOSED : FSD_BOOT_EMPTY;
    Message m = self->queue.front();
    self->queue.pop_front();
    size_t n = std::min(capacity, m.bytes.size());
    memcpy(bytes, m.bytes.data(), n);
    for (size_t i = 0; i < m.handles.size(); ++i) handles[i] = m.handles[i];
    *count = m.handles.size();
    return static_cast<int64_t>(n);
  }
  static int64_t Wait(void* c) {
    auto* self = static_cast<FakeChannel*>(c);
    std::unique_lock<std::mutex> guard(self->lock);
    self->waits++;
    if (self->deliver_on_wait) self->Arrive();
    self->changed.wait(guard, [&] { return !self->queue.empty() || self->closed; });
    return self->queue.empty() ? FSD_BOOT_CLOSED : 0;
  }
  static void Close(void* c, uint64_t handle) {
    auto* self = static_cast<FakeChannel*>(c);
    std::lock_guard<std::mutex> guard(self->lock);
    self->closed_handles.push_back(handle);
  }
  void Arrive() {
    while (!later.empty()) {
      queue.push_back(later.front());
      later.pop_front();
    }
    changed.notify_all();
  }
  void Send(Message m) {
    std::lock_guard<std::mutex> guard(lock);
    queue.push_back(std::move(m));
    changed.notify_all();
  }
  fsd_bootstrap_ops Ops() { return {this, Read, Wait, Close, nullptr}; }
};

TEST(Bootstrap, USER003_ADiskThatComesAfterManyTriesIsStillTaken) {
  // The predecessor gave up after 2000 tries; this disk comes at the
  // 5000th. A blocking receive cannot miss it (the wait is when it comes).
  FakeChannel channel;
  channel.later.push_back({"block", {42}});
  channel.late_after_reads = 5000;
  channel.deliver_on_wait = true;
  fsd_bootstrap_ops ops = channel.Ops();
  uint64_t disk = 0;
  ASSERT_EQ(fsd_bootstrap_take_disk(&ops, &disk), 0);
  EXPECT_EQ(disk, 42u);
  EXPECT_GE(channel.waits, 1u) << "it blocked rather than polled";
}

TEST(Bootstrap, USER003_TheWaitBlocksUntilTheDiskComes) {
  FakeChannel channel;
  fsd_bootstrap_ops ops = channel.Ops();
  uint64_t disk = 0;
  std::atomic<bool> taken{false};
  std::thread fsd([&] {
    EXPECT_EQ(fsd_bootstrap_take_disk(&ops, &disk), 0);
    taken = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(taken) << "no disk yet: it must still be waiting";
  {
    std::lock_guard<std::mutex> guard(channel.lock);
    EXPECT_LE(channel.reads, 2u) << "waiting is blocking, not polling";
  }
  channel.Send({"block", {7}});
  fsd.join();
  EXPECT_TRUE(taken);
  EXPECT_EQ(disk, 7u);
}

TEST(Bootstrap, OtherMessagesAreIgnoredAndTheirHandlesClosed) {
  FakeChannel channel;
  channel.Send({"junk", {5}});
  channel.Send({"block", {6, 8}});  // a disk message has one handle
  channel.Send({"block", {}});
  channel.Send({"blocks", {9}});
  channel.Send({"block", {10}});
  fsd_bootstrap_ops ops = channel.Ops();
  uint64_t disk = 0;
  ASSERT_EQ(fsd_bootstrap_take_disk(&ops, &disk), 0);
  EXPECT_EQ(disk, 10u);
  EXPECT_EQ(channel.closed_handles, (std::vector<uint64_t>{5, 6, 8, 9}));
}

TEST(Bootstrap, AClosedChannelEndsTheWaitWithAnError) {
  FakeChannel channel;
  fsd_bootstrap_ops ops = channel.Ops();
  uint64_t disk = 0;
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard<std::mutex> guard(channel.lock);
    channel.closed = true;
    channel.changed.notify_all();
  });
  EXPECT_LT(fsd_bootstrap_take_disk(&ops, &disk), 0);
  closer.join();
  EXPECT_LT(fsd_bootstrap_take_disk(nullptr, &disk), 0) << "no operations";
}

}  // namespace
