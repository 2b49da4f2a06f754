// The stress run, at the handle level: threads share two handle
// tables and, at random, create channels, pollsets, timers and events,
// send with handle transfer (channel endpoints included), receive with
// and without blocking, poll, signal, close and move handles between the
// tables. Afterwards, once the tables are gone, nothing may be alive; TSan
// and lockdep watch the whole run.
#include <atomic>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "ipc/stats.h"
#include "kernel/arch/arch.h"
#include "kernel/object/endpoint_object.h"
#include "kernel/object/event_object.h"
#include "kernel/object/object_wait.h"
#include "kernel/object/pollset_object.h"
#include "kernel/object/timer_object.h"
#include "sched/host/host_blocking.h"
#include "testing/host/heap_environment.h"
#include "testing/host/sanitizers.h"

namespace viper::object {
namespace {

VIPER_HOST_KERNEL_HEAP();

using cap::HandleTable;
using cap::HandleValue;

enum Kind { kChannel, kPollSet, kTimer, kEvent, kKinds };

// Handles the threads know about, by kind (a pick asks for a kind and
// gets one most of the time, anything otherwise). They go stale as others
// close or move them, which every operation must cope with.
class KnownHandles {
 public:
  void add(HandleValue h, Kind kind) {
    std::lock_guard<std::mutex> guard(mutex_);
    // A ring of the most recent: stale handles age out.
    std::vector<HandleValue>& list = handles_[kind];
    if (list.size() < 64) {
      list.push_back(h);
    } else {
      list[next_[kind]++ % list.size()] = h;
    }
  }
  HandleValue pick(std::mt19937& rng, Kind kind) {
    if (rng() % 8 == 0) kind = static_cast<Kind>(rng() % kKinds);
    std::lock_guard<std::mutex> guard(mutex_);
    const std::vector<HandleValue>& list = handles_[kind];
    return list.empty() ? HandleValue{rng()} : list[rng() % list.size()];
  }
  HandleValue pick(std::mt19937& rng) { return pick(rng, static_cast<Kind>(rng() % kKinds)); }

 private:
  std::mutex mutex_;
  std::vector<HandleValue> handles_[kKinds];
  size_t next_[kKinds] = {};
};

// What a handle received in a message or moved between tables is: the
// table knows.
Kind kind_of(HandleTable& table, HandleValue h) {
  if (table.get_as<PollSetObject>(h, Rights::kNone).ok()) return kPollSet;
  if (table.get_as<TimerObject>(h, Rights::kNone).ok()) return kTimer;
  if (table.get_as<EventObject>(h, Rights::kNone).ok()) return kEvent;
  return kChannel;
}

TEST(IpcStress, RandomOperationsOnSharedTablesLeaveNothingAlive) {
  const int kSteps = viper::testing::kSlowSanitizer ? 5000 : 30000;
  std::atomic<uint64_t> succeeded[10] = {};
  {
    HandleTable tables[2];
    KnownHandles known[2];
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937 rng(1234 + t);
        for (int step = 0; step < kSteps; ++step) {
          const int side = rng() % 2;
          HandleTable& table = tables[side];
          KnownHandles& mine = known[side];
          // Blocking steps end quickly.
          const Deadline soon = Deadline::after(Duration::microseconds(200));
          auto now_or_soon = [&] { return rng() % 2 ? soon : Deadline::at(0); };
          const int op = rng() % 10;
          auto count = [&](bool ok) {
            if (ok) succeeded[op].fetch_add(1, std::memory_order_relaxed);
          };
          switch (op) {
            case 0: {
              if (Result<ChannelHandles> ends = channel_create(table); ends.ok()) {
                count(true);
                mine.add(ends->a, kChannel);
                mine.add(ends->b, kChannel);
              }
              break;
            }
            case 1: {
              const Kind kind = static_cast<Kind>(1 + rng() % 3);
              const Result<HandleValue> h = kind == kPollSet ? pollset_create(table)
                                            : kind == kTimer ? timer_create(table)
                                                             : event_create(table);
              count(h.ok());
              if (h.ok()) mine.add(h.value(), kind);
              break;
            }
            case 2: {
              HandleValue sent[2] = {mine.pick(rng), mine.pick(rng)};
              count(channel_write(table, mine.pick(rng, kChannel), literal_bytes("stress"),
                                  Span<const HandleValue>(sent, rng() % 3))
                        .ok());
              break;
            }
            case 3: {
              char buffer[16];
              ipc::MessageSize size;
              HandleValue got[2];
              if (channel_read_wait(table, mine.pick(rng, kChannel), writable_bytes_of(buffer), got,
                                    size, now_or_soon())
                      .ok()) {
                succeeded[op].fetch_add(1, std::memory_order_relaxed);
                for (uint32_t i = 0; i < size.handles; ++i)
                  mine.add(got[i], kind_of(table, got[i]));
              }
              break;
            }
            case 4:
              count(pollset_add(table, mine.pick(rng, kPollSet), mine.pick(rng),
                                Signals::kReadable | Signals::kPeerClosed | Signals::kTimerFired |
                                    Signals::kUser0,
                                rng())
                        .ok());
              break;
            case 5: {
              ipc::PollEvent events[4];
              count(pollset_wait(table, mine.pick(rng, kPollSet), events, now_or_soon()).ok());
              break;
            }
            case 6:
              count(timer_set(table, mine.pick(rng, kTimer),
                              Deadline::after(Duration::microseconds(rng() % 300)),
                              rng() % 2 ? Duration() : ipc::kMinTimerPeriod)
                        .ok());
              (void)object_signal(table, mine.pick(rng, kEvent), Signals::kNone, Signals::kUser0);
              break;
            case 7:
              // Several: the tables must keep turning over, not fill up.
              for (int i = 0; i < 2; ++i) count(table.close(mine.pick(rng)).ok());
              break;
            case 8: {
              const Kind kind = static_cast<Kind>(rng() % kKinds);
              Result<Ref<KernelObject>> taken = table.take(mine.pick(rng, kind), Rights::kNone);
              count(taken.ok());
              if (taken.ok()) {
                Result<HandleValue> h = tables[1 - side].add(move(taken.value()), Rights::kAll);
                if (h.ok()) known[1 - side].add(h.value(), kind_of(tables[1 - side], h.value()));
              }
              break;
            }
            default:
              count(object_wait(table, mine.pick(rng), Signals::kReadable | Signals::kUser0,
                                now_or_soon())
                        .ok());
          }
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }  // closing the tables closes everything
  for (int op = 0; op < 10; ++op) {
    ::testing::Test::RecordProperty("op" + std::to_string(op),
                                    std::to_string(succeeded[op].load()));
    EXPECT_GT(succeeded[op].load(), 0u) << "operation " << op << " never succeeded: the run "
                                        << "did not exercise it";
  }
  EXPECT_EQ(ipc::stats().live_channels, 0u);
  EXPECT_EQ(ipc::stats().live_messages, 0u);
  EXPECT_EQ(ipc::stats().live_pollsets, 0u);
  EXPECT_EQ(ipc::stats().live_poll_links, 0u);
  EXPECT_EQ(ipc::stats().live_timers, 0u);
  EXPECT_EQ(ipc::stats().live_events, 0u);
}

}  // namespace
}  // namespace viper::object
