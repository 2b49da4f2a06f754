// Host benchmarks of run-queue operations (docs/performance.md):
//   bazel run --config=bench //sched:run_queue_bench
#include <memory>
#include <vector>

#include "benchmark/benchmark.h"
#include "sched/run_queue.h"

namespace viper::sched {
namespace {

// One task in and out of a queue that holds `depth` other tasks spread
// over the priority levels: O(1) whatever the depth.
void BM_EnqueuePick(benchmark::State& state) {
  RunQueue rq;
  rq.init(0);
  std::vector<std::unique_ptr<Task>> background;
  for (int64_t i = 0; i < state.range(0); ++i) {
    background.push_back(std::make_unique<Task>());
    background.back()->priority = 1 + static_cast<uint32_t>(i % (kPriorityLevels - 1));
    (void)rq.enqueue(*background.back());
  }
  Task task;
  task.priority = 0;
  for (auto _ : state) {
    (void)rq.enqueue(task);
    benchmark::DoNotOptimize(rq.pick_next());
  }
}
BENCHMARK(BM_EnqueuePick)->Arg(0)->Arg(100)->Arg(10000);

// A task moved back and forth between two queues by stealing (both locks).
void BM_Steal(benchmark::State& state) {
  RunQueue a, b;
  a.init(0);
  b.init(1);
  Task task;
  (void)a.enqueue(task);
  for (auto _ : state) {
    benchmark::DoNotOptimize(RunQueue::steal(b, a));
    benchmark::DoNotOptimize(RunQueue::steal(a, b));
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_Steal);

void BM_Tick(benchmark::State& state) {
  RunQueue rq;
  rq.init(0);
  Task current, waiting;
  (void)rq.enqueue(current);
  (void)rq.pick_next();
  (void)rq.enqueue(waiting);
  for (auto _ : state) benchmark::DoNotOptimize(rq.tick(current));
}
BENCHMARK(BM_Tick);

}  // namespace
}  // namespace viper::sched

BENCHMARK_MAIN();
