// libFuzzer target: sequences of handle-table, channel, pollset, timer and
// event operations (channel endpoints travel in messages too), read
// from the fuzz input, run against the real code. After each step the
// tables must be consistent; at the end, once every handle is closed,
// nothing may be left alive (no channel, message or object).
//
//   bazel run --config=fuzz //testing/fuzz:ipc_fuzzer -- testing/fuzz/corpus/ipc
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <memory>
#include <vector>

#include "ipc/channel.h"
#include "ipc/stats.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/host/phys_arena.h"
#include "kernel/cap/handle_table.h"
#include "kernel/object/endpoint_object.h"
#include "kernel/object/event_object.h"
#include "kernel/object/object_wait.h"
#include "kernel/object/pollset_object.h"
#include "kernel/object/testing_object.h"
#include "kernel/object/timer_object.h"
#include "mm/kheap/global.h"

namespace {

using viper::cap::HandleTable;
using viper::cap::HandleValue;

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return at_ >= size_; }
  uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

[[noreturn]] void invariant_broken(const char* what) {
  fprintf(stderr, "ipc_fuzzer: invariant broken: %s\n", what);
  abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static auto* arena = new viper::arch::host::PhysArena(256 << 20);
  if (!viper::mm::physical_memory().add_range(arena->base(), arena->size()).ok() ||
      !viper::mm::kernel_heap().init(viper::mm::physical_memory()).ok()) {
    abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace viper;
  const int64_t objects_before = object::testing::g_live_test_objects;
  const uint64_t channels_before = ipc::stats().live_channels;
  Input in(data, size);
  {
    HandleTable tables[2];
    std::vector<HandleValue> known;  // may go stale: operations must cope
    auto pick = [&]() {
      return known.empty() ? HandleValue{in.byte()} : known[in.byte() % known.size()];
    };
    for (int step = 0; step < 256 && !in.done(); ++step) {
      HandleTable& table = tables[in.byte() % 2];
      switch (in.byte() % 11) {
        case 0: {
          if (Result<object::ChannelHandles> ends = object::channel_create(table); ends.ok()) {
            known.push_back(ends->a);
            known.push_back(ends->b);
          }
          break;
        }
        case 1: {
          uint8_t bytes[32];
          const size_t n = in.byte() % sizeof(bytes);
          for (size_t i = 0; i < n; ++i) bytes[i] = in.byte();
          // Anything travels, channel endpoints included: the no-cycles
          // rule (ipc/channel.h) must keep the leak check below quiet.
          HandleValue sent[2] = {pick(), pick()};
          const uint32_t count = in.byte() % 3;
          (void)object::channel_write(table, pick(), ConstBytes(bytes, n),
                                      Span<const HandleValue>(sent, count));
          break;
        }
        case 2: {
          uint8_t buffer[32];
          ipc::MessageSize size;
          HandleValue got[2];
          if (object::channel_read(table, pick(), Bytes(buffer, in.byte() % sizeof(buffer)),
                                   Span<HandleValue>(got, in.byte() % 3), size)
                  .ok()) {
            for (uint32_t i = 0; i < size.handles; ++i) known.push_back(got[i]);
          }
          break;
        }
        case 3:
          (void)table.close(pick());
          break;
        case 4: {
          Result<HandleValue> d =
              table.duplicate(pick(), from_raw<Rights>(in.byte()) & Rights::kAll);
          if (d.ok()) known.push_back(d.value());
          break;
        }
        case 5: {
          Result<HandleValue> h = table.add(object::testing::TestObject::create(),
                                            from_raw<Rights>(in.byte()) & Rights::kAll);
          if (h.ok()) known.push_back(h.value());
          break;
        }
        case 7: {  // new waitable objects
          const uint8_t kind = in.byte() % 3;
          const Result<HandleValue> h = kind == 0   ? object::pollset_create(table)
                                        : kind == 1 ? object::timer_create(table)
                                                    : object::event_create(table);
          if (h.ok()) known.push_back(h.value());
          break;
        }
        case 8: {  // pollset membership
          const HandleValue set = pick(), member = pick();
          const Signals mask = from_raw<Signals>(in.byte() | (in.byte() << 8));
          if (in.byte() % 4) {
            (void)object::pollset_add(table, set, member, mask, in.byte());
          } else {
            (void)object::pollset_remove(table, set, member);
          }
          break;
        }
        case 9: {  // waits that never sleep (deadline 0) and signals
          ipc::PollEvent events[4];
          switch (in.byte() % 3) {
            case 0:
              (void)object::pollset_wait(table, pick(), Span<ipc::PollEvent>(events, in.byte() % 5),
                                         Deadline::at(0));
              break;
            case 1:
              (void)object::object_wait(
                  table, pick(), from_raw<Signals>(in.byte() | (in.byte() << 8)), Deadline::at(0));
              break;
            default:
              (void)object::object_signal(table, pick(), from_raw<Signals>(in.byte() << 8),
                                          from_raw<Signals>(in.byte() << 8));
          }
          break;
        }
        case 10: {  // timers: due now, soon or later; periodic or not; cancelled
          const HandleValue timer = pick();
          if (in.byte() % 3 == 0) {
            (void)object::timer_cancel(table, timer);
          } else {
            const uint64_t delay_us = in.byte() * 10;
            const uint64_t period_ns = (in.byte() % 4) * 50000;  // 0 (one-shot) or some invalid
            (void)object::timer_set(table, timer, Deadline::after(Duration::microseconds(delay_us)),
                                    Duration::nanoseconds(period_ns));
          }
          break;
        }
        default: {
          Result<object::Ref<object::KernelObject>> taken = table.take(pick(), Rights::kNone);
          if (taken.ok()) {
            Result<HandleValue> h =
                tables[1 - (&table - tables)].add(move(taken.value()), Rights::kAll);
            if (h.ok()) known.push_back(h.value());
          }
        }
      }
      if (tables[0].count() + tables[0].free_slots() != HandleTable::kCapacity ||
          tables[1].count() + tables[1].free_slots() != HandleTable::kCapacity) {
        invariant_broken("handle table slots lost or doubled");
      }
    }
  }  // the tables close every handle they still hold
  if (object::testing::g_live_test_objects != objects_before) invariant_broken("objects leaked");
  if (ipc::stats().live_channels != channels_before) invariant_broken("channels leaked");
  if (ipc::stats().live_messages != 0) invariant_broken("messages leaked");
  if (ipc::stats().live_pollsets != 0 || ipc::stats().live_poll_links != 0)
    invariant_broken("pollsets leaked");
  if (ipc::stats().live_timers != 0 || ipc::stats().live_events != 0)
    invariant_broken("timers leaked");
  return 0;
}
