// Host benchmarks for channels (docs/performance.md), each compared in the
// same run with what a Linux program would use instead:
//
//   pair:       write + read of a 64-byte message on one thread, against a
//               mutex-protected std::deque push + pop;
//   round trip: request and reply between two threads that block, with
//               call/reply_and_read (the fast path) and with plain
//               write + read_wait, against two pipes and a mutex+condvar.
//
// Host threads block on futexes here (sched/host), so the round trips
// measure the IPC code plus Linux's wakeups; the in-guest numbers (kernel
// bench suite) measure it with the kernel's own scheduler.
//
//   bazel run --config=bench //ipc:ipc_bench
#include <unistd.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "benchmark/benchmark.h"
#include "ipc/channel.h"
#include "kernel/arch/host/phys_arena.h"
#include "mm/kheap/global.h"

namespace viper::ipc {
namespace {

struct Message64 {
  uint8_t bytes[64];
};

void BM_ChannelPair(benchmark::State& state) {
  Result<EndpointPair> pair = Endpoint::create_pair();
  if (!pair.ok()) abort();
  Ref<Endpoint> a = move(pair->a), b = move(pair->b);
  Message64 out{}, in{};
  MessageSize size;
  for (auto _ : state) {
    (void)a->write(bytes_of(out));
    (void)b->read(writable_bytes_of(in), {}, size);
    benchmark::DoNotOptimize(in);
  }
}
BENCHMARK(BM_ChannelPair);

void BM_MutexDequePair(benchmark::State& state) {
  std::mutex mutex;
  std::deque<Message64> queue;
  Message64 out{}, in{};
  for (auto _ : state) {
    {
      std::lock_guard<std::mutex> guard(mutex);
      queue.push_back(out);
    }
    {
      std::lock_guard<std::mutex> guard(mutex);
      in = queue.front();
      queue.pop_front();
    }
    benchmark::DoNotOptimize(in);
  }
}
BENCHMARK(BM_MutexDequePair);

// Arg 1: call / reply_and_read (fast path + hand-off); 0: write + read_wait.
void BM_ChannelRoundTrip(benchmark::State& state) {
  const bool call = state.range(0) != 0;
  Result<EndpointPair> pair = Endpoint::create_pair();
  if (!pair.ok()) abort();
  Ref<Endpoint> client = move(pair->a), server = move(pair->b);
  std::thread thread([&] {
    uint64_t request;
    MessageSize size;
    Status s = server->read_wait(writable_bytes_of(request), {}, size, Deadline::never());
    while (s.ok()) {
      if (call) {
        s = status_of(server->reply_and_read(bytes_of(request), writable_bytes_of(request),
                                             Deadline::never()));
      } else {
        s = server->write(bytes_of(request));
        if (s.ok()) {
          s = server->read_wait(writable_bytes_of(request), {}, size, Deadline::never());
        }
      }
    }
  });
  uint64_t i = 0;
  for (auto _ : state) {
    uint64_t reply;
    MessageSize size;
    ++i;
    if (call) {
      (void)client->call(bytes_of(i), writable_bytes_of(reply), Deadline::never());
    } else {
      (void)client->write(bytes_of(i));
      (void)client->read_wait(writable_bytes_of(reply), {}, size, Deadline::never());
    }
    if (reply != i) state.SkipWithError("wrong reply");
  }
  client.reset();  // the server sees kPeerClosed and ends
  thread.join();
}
BENCHMARK(BM_ChannelRoundTrip)->Arg(1)->Arg(0)->UseRealTime();

void BM_PipeRoundTrip(benchmark::State& state) {
  int to_server[2], to_client[2];
  if (pipe(to_server) != 0 || pipe(to_client) != 0) abort();
  std::thread thread([&] {
    uint64_t request;
    while (read(to_server[0], &request, sizeof(request)) == sizeof(request)) {
      if (write(to_client[1], &request, sizeof(request)) != sizeof(request)) break;
    }
  });
  uint64_t i = 0;
  for (auto _ : state) {
    uint64_t reply = 0;
    ++i;
    if (write(to_server[1], &i, sizeof(i)) != sizeof(i)) abort();
    if (read(to_client[0], &reply, sizeof(reply)) != sizeof(reply)) abort();
    if (reply != i) state.SkipWithError("wrong reply");
  }
  close(to_server[1]);
  thread.join();
  close(to_server[0]);
  close(to_client[0]);
  close(to_client[1]);
}
BENCHMARK(BM_PipeRoundTrip)->UseRealTime();

void BM_MutexCondvarRoundTrip(benchmark::State& state) {
  std::mutex mutex;
  std::condition_variable to_server, to_client;
  std::deque<uint64_t> requests, replies;
  bool stop = false;
  std::thread thread([&] {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      to_server.wait(lock, [&] { return stop || !requests.empty(); });
      if (requests.empty()) return;
      replies.push_back(requests.front());
      requests.pop_front();
      to_client.notify_one();
    }
  });
  uint64_t i = 0;
  for (auto _ : state) {
    std::unique_lock<std::mutex> lock(mutex);
    requests.push_back(++i);
    to_server.notify_one();
    to_client.wait(lock, [&] { return !replies.empty(); });
    if (replies.front() != i) state.SkipWithError("wrong reply");
    replies.pop_front();
  }
  {
    std::lock_guard<std::mutex> guard(mutex);
    stop = true;
  }
  to_server.notify_one();
  thread.join();
}
BENCHMARK(BM_MutexCondvarRoundTrip)->UseRealTime();

}  // namespace
}  // namespace viper::ipc

int main(int argc, char** argv) {
  static viper::arch::host::PhysArena arena(64 << 20);
  if (!viper::mm::physical_memory().add_range(arena.base(), arena.size()).ok() ||
      !viper::mm::kernel_heap().init(viper::mm::physical_memory()).ok()) {
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
