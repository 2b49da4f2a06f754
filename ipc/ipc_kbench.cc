// In-guest IPC benchmarks (kbench suite; they measure, never assert on
// time): round trips between two kernel threads through a channel, on one
// CPU and across CPUs, with the fast path and CPU hand-off (call /
// reply_and_read) and, in the same run, the plain blocking path (write +
// read_wait on both sides) as the reference. Each prints
//   KBENCH <name> <value> <unit>
#include "ipc/channel.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/kbench.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/ktest_platform.h"
#include "kernel/lib/ktest_storage.h"
#include "kernel/lib/printk.h"
#include "sched/scheduler.h"
#include "sched/testing/ktest_threads.h"

namespace viper::ktest {
namespace {

using ipc::Endpoint;

struct Bench {
  Ref<Endpoint> client, server;
  uint32_t rounds;
  bool handoff;  // call/reply_and_read, or write + read_wait
  Atomic<uint32_t> done{0};
  uint64_t client_ns = 0;
};
TestStorage<Bench> g_bench;

void bench_server(void*) {
  Bench& b = g_bench.get();
  uint64_t request = 0;
  ipc::MessageSize size;
  Status s = b.server->read_wait(writable_bytes_of(request), {}, size, Deadline::never());
  while (s.ok()) {
    if (b.handoff) {
      s = status_of(b.server->reply_and_read(bytes_of(request), writable_bytes_of(request),
                                             Deadline::never()));
    } else {
      s = b.server->write(bytes_of(request));
      if (s.ok()) {
        s = b.server->read_wait(writable_bytes_of(request), {}, size, Deadline::never());
      }
    }
  }
  b.server.reset();
  b.done.fetch_add(1, MemoryOrder::kRelease);
}

void bench_client(void*) {
  Bench& b = g_bench.get();
  const uint64_t start = arch::uptime_ns();
  for (uint64_t i = 0; i < b.rounds; ++i) {
    uint64_t reply = 0;
    ipc::MessageSize size;
    if (b.handoff) {
      (void)b.client->call(bytes_of(i), writable_bytes_of(reply), Deadline::never());
    } else {
      (void)b.client->write(bytes_of(i));
      (void)b.client->read_wait(writable_bytes_of(reply), {}, size, Deadline::never());
    }
  }
  b.client_ns = arch::uptime_ns() - start;
  b.client.reset();
  b.done.fetch_add(1, MemoryOrder::kRelease);
}

// Nanoseconds per round trip (request and reply).
uint64_t round_trip_ns(uint32_t client_cpu, uint32_t server_cpu, bool handoff, uint32_t rounds) {
  Bench& b = g_bench.build();
  Result<ipc::EndpointPair> pair = Endpoint::create_pair();
  if (!pair.ok()) return 0;
  b.client = move(pair->a);
  b.server = move(pair->b);
  b.rounds = rounds;
  b.handoff = handoff;
  b.done.store(0, MemoryOrder::kRelaxed);
  sched::Thread* threads[2];
  threads[0] = sched::spawn("bench-server", &bench_server, nullptr, 8, 1ull << server_cpu).value();
  threads[1] = sched::spawn("bench-client", &bench_client, nullptr, 8, 1ull << client_cpu).value();
  (void)wait_for(b.done, 2, 120 * kSecond);
  reap_all(threads, 2);
  const uint64_t ns = b.client_ns / rounds;
  g_bench.destroy();
  return ns;
}

KTEST(bench, ipc_round_trip) {
  const uint32_t a = 1 % cpus_online();
  const uint32_t other = cpus_online() > 2 ? 2 : 0;
  constexpr uint32_t kRounds = 20000;
  kbench_report("ipc_round_trip_same_cpu_handoff_ns", round_trip_ns(a, a, true, kRounds), "ns");
  kbench_report("ipc_round_trip_same_cpu_plain_ns", round_trip_ns(a, a, false, kRounds), "ns");
  kbench_report("ipc_round_trip_cross_cpu_handoff_ns", round_trip_ns(a, other, true, kRounds),
                "ns");
  kbench_report("ipc_round_trip_cross_cpu_plain_ns", round_trip_ns(a, other, false, kRounds), "ns");
  kbench_report("ipc_counter_hz", arch::counter_frequency(), "Hz");
}

}  // namespace
}  // namespace viper::ktest
