// IPC on the real machine: kernel threads on different CPUs talking
// through channels, pollsets, timers and events; close and kill racing
// with blocked readers and writers. Each test ends with nothing alive.
#include "ipc/channel.h"
#include "ipc/event.h"
#include "ipc/pollset.h"
#include "ipc/stats.h"
#include "ipc/waitable_timer.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/ktest_platform.h"
#include "kernel/lib/ktest_storage.h"
#include "kernel/lib/printk.h"
#include "sched/scheduler.h"
#include "sched/testing/ktest_threads.h"

namespace viper::ktest {
namespace {

using ipc::Endpoint;

void expect_nothing_alive(ktest::Context& t) {
  KEXPECT(t, ipc::stats().live_channels == 0);
  KEXPECT(t, ipc::stats().live_messages == 0);
  KEXPECT(t, ipc::stats().live_pollsets == 0);
  KEXPECT(t, ipc::stats().live_poll_links == 0);
  KEXPECT(t, ipc::stats().live_timers == 0);
  KEXPECT(t, ipc::stats().live_events == 0);
}

// ---- call / reply across CPUs -------------------------------------------

constexpr uint32_t kCallPairs = 3;
constexpr uint32_t kCalls = 2000;

struct CallPair {
  Ref<Endpoint> client, server;
  Atomic<uint32_t> calls{0};  // done so far: a timeout says how far it got
  Atomic<uint32_t>* done;
  Atomic<uint32_t>* errors;
};
struct CallPairs {
  CallPair pair[kCallPairs];
};
TestStorage<CallPairs> g_call_pairs;

void call_server(void* arg) {
  auto* pair = static_cast<CallPair*>(arg);
  uint32_t request = 0;
  ipc::MessageSize size;
  Status s = pair->server->read_wait(writable_bytes_of(request), {}, size, Deadline::never());
  while (s.ok()) {
    const uint32_t reply = request * 2 + 1;
    s = status_of(pair->server->reply_and_read(bytes_of(reply), writable_bytes_of(request),
                                               Deadline::never()));
  }
  if (s.error() != Error::kPeerClosed) pair->errors->fetch_add(1, MemoryOrder::kRelaxed);
  pair->server.reset();
  pair->done->fetch_add(1, MemoryOrder::kRelease);
}

void call_client(void* arg) {
  auto* pair = static_cast<CallPair*>(arg);
  for (uint32_t i = 0; i < kCalls; ++i) {
    uint32_t reply = 0;
    if (!pair->client->call(bytes_of(i), writable_bytes_of(reply), Deadline::never()).ok() ||
        reply != i * 2 + 1) {
      pair->errors->fetch_add(1, MemoryOrder::kRelaxed);
      break;
    }
    pair->calls.fetch_add(1, MemoryOrder::kRelaxed);
  }
  pair->client.reset();  // the server sees the close and ends
  pair->done->fetch_add(1, MemoryOrder::kRelease);
}

KTEST(ipc, call_reply_between_threads_on_different_cpus) {
  static Atomic<uint32_t> done{0}, errors{0};
  done.store(0, MemoryOrder::kRelaxed);
  errors.store(0, MemoryOrder::kRelaxed);
  sched::Thread* threads[2 * kCallPairs];
  CallPairs& pairs = g_call_pairs.build();
  for (uint32_t i = 0; i < kCallPairs; ++i) {
    CallPair& pair = pairs.pair[i];
    Result<ipc::EndpointPair> ends = Endpoint::create_pair();
    KEXPECT(t, ends.ok());
    if (!ends.ok()) return;
    pair.client = move(ends->a);
    pair.server = move(ends->b);
    pair.done = &done;
    pair.errors = &errors;
    threads[2 * i] = sched::spawn("ipc-server", &call_server, &pair, 8, cpu_mask(i + 1)).value();
    threads[2 * i + 1] =
        sched::spawn("ipc-client", &call_client, &pair, 8, cpu_mask(i + 2)).value();
  }
  bool finished = false;
  for (int waited = 0; !finished && waited < 6; ++waited) {
    finished = wait_for(done, 2 * kCallPairs, 10 * kSecond);
    if (finished) break;
    for (uint32_t i = 0; i < kCallPairs; ++i) {
      printk(LogLevel::kInfo, "ipc: pair %u made %u of %u calls", i,
             pairs.pair[i].calls.load(MemoryOrder::kRelaxed), kCalls);
    }
  }
  KEXPECT(t, finished);
  KEXPECT(t, errors.load(MemoryOrder::kRelaxed) == 0);
  reap_all(threads, 2 * kCallPairs);
  g_call_pairs.destroy();
  KEXPECT(t, ipc::stats().fast_path_deliveries > 0);
  expect_nothing_alive(t);
}

// ---- a pollset server ---------------------------------------------------

constexpr uint32_t kPollClients = 3;
constexpr uint32_t kPollRequests = 500;
constexpr uint64_t kStopKey = 100, kTimerKey = 101;

struct PollWorld {
  Ref<Endpoint> client_ends[kPollClients], server_ends[kPollClients];
  Ref<ipc::Event> stop;
  Ref<ipc::WaitableTimer> timer;
  Atomic<uint32_t> done{0};
  Atomic<uint32_t> errors{0};
  Atomic<uint32_t> served{0};
  Atomic<uint32_t> ticks{0};
};
TestStorage<PollWorld> g_poll;
uint32_t g_client_index[kPollClients];

void poll_server(void*) {
  PollWorld& w = g_poll.get();
  Result<Ref<ipc::PollSet>> created = ipc::PollSet::create();
  if (!created.ok()) {
    w.errors.fetch_add(1, MemoryOrder::kRelaxed);
    w.done.fetch_add(1, MemoryOrder::kRelease);
    return;
  }
  Ref<ipc::PollSet> set = move(created.value());
  for (uint32_t i = 0; i < kPollClients; ++i) {
    if (!set->add(*w.server_ends[i], Signals::kReadable, i).ok()) {
      w.errors.fetch_add(1, MemoryOrder::kRelaxed);
    }
  }
  (void)set->add(*w.stop, Signals::kUser0, kStopKey);
  (void)set->add(*w.timer, Signals::kTimerFired, kTimerKey);
  for (bool running = true; running;) {
    ipc::PollEvent events[8];
    Result<uint32_t> n = set->wait(events, Deadline::after(Duration::seconds(30)));
    if (!n.ok()) {
      w.errors.fetch_add(1, MemoryOrder::kRelaxed);  // 30 s without any event: a lost wakeup
      break;
    }
    for (uint32_t e = 0; e < n.value(); ++e) {
      const uint64_t key = events[e].key;
      if (key == kStopKey) {
        running = false;
      } else if (key == kTimerKey) {
        w.ticks.fetch_add(1, MemoryOrder::kRelaxed);
        // set() clears the signal and arms the next expiry.
        (void)w.timer->set(Deadline::after(Duration::milliseconds(2)), Duration());
      } else {
        uint32_t request = 0;
        ipc::MessageSize size;
        Endpoint& end = *w.server_ends[key];
        while (end.read(writable_bytes_of(request), {}, size).ok()) {
          const uint32_t reply = request + 1000;
          if (!end.write_wait(bytes_of(reply), {}, Deadline::never()).ok()) {
            w.errors.fetch_add(1, MemoryOrder::kRelaxed);
          }
          w.served.fetch_add(1, MemoryOrder::kRelaxed);
        }
      }
    }
  }
  set.reset();
  w.done.fetch_add(1, MemoryOrder::kRelease);
}

void poll_client(void* arg) {
  const uint32_t me = *static_cast<uint32_t*>(arg);
  PollWorld& w = g_poll.get();
  Endpoint& end = *w.client_ends[me];
  for (uint32_t i = 0; i < kPollRequests; ++i) {
    const uint32_t request = me * 100000 + i;
    uint32_t reply = 0;
    ipc::MessageSize size;
    if (!end.write_wait(bytes_of(request), {}, Deadline::never()).ok() ||
        !end.read_wait(writable_bytes_of(reply), {}, size, Deadline::never()).ok() ||
        reply != request + 1000) {
      w.errors.fetch_add(1, MemoryOrder::kRelaxed);
      break;
    }
  }
  w.done.fetch_add(1, MemoryOrder::kRelease);
}

// One server thread waits on a pollset holding three channels, an event
// and a timer; clients on the other CPUs send requests. Every request is
// answered, the timer keeps firing into the set, and the event stops it.
KTEST(ipc, pollset_server_answers_clients_on_other_cpus) {
  PollWorld& w = g_poll.build();
  for (uint32_t i = 0; i < kPollClients; ++i) {
    Result<ipc::EndpointPair> ends = Endpoint::create_pair();
    KEXPECT(t, ends.ok());
    if (!ends.ok()) return;
    w.client_ends[i] = move(ends->a);
    w.server_ends[i] = move(ends->b);
  }
  Result<Ref<ipc::Event>> stop = ipc::Event::create();
  Result<Ref<ipc::WaitableTimer>> timer = ipc::WaitableTimer::create();
  KEXPECT(t, stop.ok() && timer.ok());
  if (!stop.ok() || !timer.ok()) return;
  w.stop = move(stop.value());
  w.timer = move(timer.value());
  KEXPECT(t, w.timer->set(Deadline::after(Duration::milliseconds(2)), Duration()).ok());
  sched::Thread* threads[1 + kPollClients];
  threads[0] = sched::spawn("ipc-poll-server", &poll_server, nullptr, 8, cpu_mask(1)).value();
  for (uint32_t i = 0; i < kPollClients; ++i) {
    g_client_index[i] = i;
    threads[1 + i] =
        sched::spawn("ipc-poll-client", &poll_client, &g_client_index[i], 8, cpu_mask(i + 2))
            .value();
  }
  KEXPECT(t, wait_for(w.done, kPollClients, 60 * kSecond));
  KEXPECT(t, w.stop->signal_user(Signals::kNone, Signals::kUser0).ok());
  KEXPECT(t, wait_for(w.done, kPollClients + 1, 10 * kSecond));
  reap_all(threads, 1 + kPollClients);
  KEXPECT(t, w.errors.load(MemoryOrder::kRelaxed) == 0);
  KEXPECT(t, w.served.load(MemoryOrder::kRelaxed) == kPollClients * kPollRequests);
  KEXPECT(t, w.ticks.load(MemoryOrder::kRelaxed) > 0);
  g_poll.destroy();
  expect_nothing_alive(t);
}

// ---- close and kill racing with blocked threads ---------------------------

struct Race {
  Ref<Endpoint> near, far;
  Atomic<uint32_t> started{0};
  Atomic<uint32_t> done{0};
  Atomic<uint32_t> wrong{0};
};
TestStorage<Race> g_race;

void blocked_reader(void*) {
  Race& r = g_race.get();
  char buffer[8];
  ipc::MessageSize size;
  r.started.fetch_add(1, MemoryOrder::kRelease);
  Status s = ok_status();
  do {
    s = r.near->read_wait(writable_bytes_of(buffer), {}, size, Deadline::never());
  } while (s.ok());
  if (s.error() != Error::kPeerClosed && s.error() != Error::kInterrupted) {
    r.wrong.fetch_add(1, MemoryOrder::kRelaxed);
  }
  r.done.fetch_add(1, MemoryOrder::kRelease);
}

void closer(void* arg) {
  Race& r = g_race.get();
  const uint64_t spins = reinterpret_cast<uint64_t>(arg);
  r.started.fetch_add(1, MemoryOrder::kRelease);
  (void)r.far->write(literal_bytes("x"));
  for (uint64_t i = 0; i < spins; ++i) arch::cpu_relax();
  r.far.reset();  // races with the reader going to sleep
  r.done.fetch_add(1, MemoryOrder::kRelease);
}

// A reader blocking on one CPU while the other end is closed on another,
// with the close landing at every point of the reader's way to sleep
// (varying delays): the reader always ends with kPeerClosed.
KTEST(ipc, close_races_with_a_blocking_reader) {
  Race& r = g_race.build();
  for (uint32_t round = 0; round < 60; ++round) {
    r.started.store(0, MemoryOrder::kRelaxed);
    r.done.store(0, MemoryOrder::kRelaxed);
    Result<ipc::EndpointPair> ends = Endpoint::create_pair();
    KEXPECT(t, ends.ok());
    if (!ends.ok()) return;
    r.near = move(ends->a);
    r.far = move(ends->b);
    sched::Thread* threads[2];
    threads[0] = sched::spawn("ipc-reader", &blocked_reader, nullptr, 8, cpu_mask(round)).value();
    threads[1] = sched::spawn("ipc-closer", &closer, reinterpret_cast<void*>((round % 12) * 200), 8,
                              cpu_mask(round + 1))
                     .value();
    KEXPECT(t, wait_for(r.done, 2, 10 * kSecond));
    reap_all(threads, 2);
    r.near.reset();
  }
  KEXPECT(t, r.wrong.load(MemoryOrder::kRelaxed) == 0);
  g_race.destroy();
  expect_nothing_alive(t);
}

// kill() wakes a thread blocked in a channel read; the read says so.
KTEST(ipc, kill_ends_a_blocked_read) {
  Race& r = g_race.build();
  Result<ipc::EndpointPair> ends = Endpoint::create_pair();
  KEXPECT(t, ends.ok());
  if (!ends.ok()) return;
  r.near = move(ends->a);
  r.far = move(ends->b);
  sched::Thread* reader =
      sched::spawn("ipc-reader", &blocked_reader, nullptr, 8, cpu_mask(2)).value();
  KEXPECT(t, wait_for(r.started, 1, 5 * kSecond));
  // Until it is asleep in the read.
  const uint64_t deadline = arch::uptime_ns() + 5 * kSecond;
  while (reader->state() != sched::TaskState::kBlocked && arch::uptime_ns() < deadline) {
    (void)sched::sleep_for(100000);
  }
  sched::kill(reader);
  KEXPECT(t, wait_for(r.done, 1, 5 * kSecond));
  KEXPECT(t, r.wrong.load(MemoryOrder::kRelaxed) == 0);
  KEXPECT(t, r.far->peer_closed() == false);
  reap_all(&reader, 1);
  g_race.destroy();
  expect_nothing_alive(t);
}

}  // namespace
}  // namespace viper::ktest
