// The entropy driver against the device model, with host threads as
// tasks and a test thread as the interrupt controller: bytes arrive as the
// device wrote them, every nonsense answer is an I/O error, concurrent
// readers take turns on the one request (TSan runs this), a killed reader
// abandons its request harmlessly, and (PERF-007) an answer arrives only
// through the interrupt.
#include "drivers/virtio_rng/virtio_rng.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "drivers/virtio/testing/fake_rng_device.h"
#include "sched/host/host_blocking.h"
#include "testing/host/expect_ok.h"
#include "testing/host/heap_environment.h"

namespace viper::drivers {
namespace {

VIPER_HOST_KERNEL_HEAP();

using virtio::testing::FakeRngDevice;
using virtio::testing::RngMisbehaviour;

// Page-aligned, below 2 GiB (a legacy queue's 32-bit page frame number).
struct AlignedBuffer {
  explicit AlignedBuffer(size_t n)
      : bytes(n),
        data(static_cast<uint8_t*>(mmap(nullptr, n, PROT_READ | PROT_WRITE,
                                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0))) {}
  ~AlignedBuffer() { munmap(data, bytes); }
  virtio::DmaRegion region() const { return {data, reinterpret_cast<uint64_t>(data), bytes}; }
  size_t bytes;
  uint8_t* data;
};

class Rng {
 public:
  explicit Rng(uint32_t version)
      : device(version), queue(VirtioRng::queue_bytes()), buffer(4096), rng(device) {}
  ~Rng() {
    running = false;
    if (line.joinable()) line.join();
  }
  Status start() {
    TRY(rng.start(queue.region(), buffer.region()));
    running = true;
    line = std::thread([this] {
      while (running) {
        if (deliver && device.interrupt_pending()) {
          rng.on_interrupt();
        } else {
          std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
      }
    });
    return ok_status();
  }

  FakeRngDevice device;
  AlignedBuffer queue, buffer;
  VirtioRng rng;
  std::atomic<bool> running{false};
  std::atomic<bool> deliver{true};
  std::thread line;
};

void reads_the_sequence(uint32_t version) {
  Rng r(version);
  ASSERT_OK(r.start());
  uint8_t out[256];
  Result<size_t> n = r.rng.read(out, 32);
  ASSERT_OK(n);
  ASSERT_EQ(n.value(), 32u);
  for (size_t i = 0; i < 32; ++i) EXPECT_EQ(out[i], FakeRngDevice::byte_at(i));
  n = r.rng.read(out, 256);
  ASSERT_OK(n);
  ASSERT_EQ(n.value(), 256u);
  for (size_t i = 0; i < 256; ++i) EXPECT_EQ(out[i], FakeRngDevice::byte_at(32 + i));
}

TEST(VirtioRng, Version2ReadsWhatTheDeviceWrote) { reads_the_sequence(2); }
TEST(VirtioRng, LegacyVersion1ReadsWhatTheDeviceWrote) { reads_the_sequence(1); }

TEST(VirtioRng, SizesOutsideOneTo256AreRefused) {
  Rng r(2);
  ASSERT_OK(r.start());
  uint8_t out[300];
  EXPECT_EQ(r.rng.read(out, 0).error(), Error::kInvalidArgument);
  EXPECT_EQ(r.rng.read(out, 257).error(), Error::kInvalidArgument);
  EXPECT_EQ(r.device.requests_served(), 0u);
}

TEST(VirtioRng, RefusesAnotherDevice) {
  struct NotAnRng final : virtio::Registers {
    uint32_t read(uint32_t offset) override {
      return offset == virtio::kMagicValue ? virtio::kMagic : offset == virtio::kVersion ? 2 : 1;
    }
    void write(uint32_t, uint32_t) override {}
  } other;
  AlignedBuffer queue(VirtioRng::queue_bytes()), buffer(4096);
  VirtioRng rng(other);
  EXPECT_EQ(rng.start(queue.region(), buffer.region()).error(), Error::kNotSupported);
}

TEST(VirtioRng, ALengthOfZeroOrBeyondTheBufferIsAnIoErrorAndTheDeviceGoesOn) {
  for (RngMisbehaviour m : {RngMisbehaviour::kZeroLength, RngMisbehaviour::kLengthLies}) {
    Rng r(2);
    ASSERT_OK(r.start());
    r.device.set_misbehaviour(m);
    uint8_t out[64];
    EXPECT_EQ(r.rng.read(out, 64).error(), Error::kIoError);
    r.device.set_misbehaviour(RngMisbehaviour::kNone);
    EXPECT_OK(r.rng.read(out, 64));
  }
}

TEST(VirtioRng, AUsedIndexRunningAheadBreaksTheDeviceForGood) {
  Rng r(2);
  ASSERT_OK(r.start());
  r.device.set_misbehaviour(RngMisbehaviour::kUsedIndexRunsAhead);
  uint8_t out[16];
  EXPECT_EQ(r.rng.read(out, 16).error(), Error::kIoError) << "more answers than requests";
  EXPECT_EQ(r.rng.read(out, 16).error(), Error::kNotSupported) << "no device any more";
  EXPECT_EQ(r.rng.read(out, 16).error(), Error::kNotSupported);
}

// Four readers share the one request slot: each gets whole, distinct
// stretches of the sequence and none is lost.
TEST(VirtioRng, FourReadersAtOnceTakeTurns) {
  Rng r(2);
  ASSERT_OK(r.start());
  constexpr int kThreads = 4, kReads = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      uint8_t out[40];
      for (int i = 0; i < kReads; ++i) {
        Result<size_t> n = r.rng.read(out, sizeof(out));
        if (!n.ok() || n.value() != sizeof(out)) {
          ++failures;
          continue;
        }
        // A stretch of the sequence: each byte follows from the one before.
        for (size_t k = 1; k < sizeof(out); ++k) {
          if (out[k] != static_cast<uint8_t>(out[k - 1] + 7)) ++failures;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(r.device.requests_served(), uint64_t{kThreads * kReads});
}

TEST(VirtioRng, AKilledReaderAbandonsItsRequestAndTheNextReadWorks) {
  Rng r(2);
  r.deliver = false;
  ASSERT_OK(r.start());
  std::atomic<sched::Task*> task{nullptr};
  Status result = ok_status();
  std::thread reader([&] {
    task = &sched::current_task();
    uint8_t out[16];
    result = status_of(r.rng.read(out, 16));
  });
  while (task.load() == nullptr || r.device.requests_served() == 0) std::this_thread::yield();
  sched::host::kill(*task.load());
  reader.join();
  EXPECT_EQ(result.error(), Error::kInterrupted);
  r.deliver = true;  // the answer comes after its reader left: dropped
  uint8_t out[16];
  Result<size_t> n = r.rng.read(out, 16);
  ASSERT_OK(n);
  EXPECT_EQ(out[0], FakeRngDevice::byte_at(16)) << "the abandoned bytes went to no one";
}

// PERF-007: the device has answered but the interrupt is held back: the
// read does not complete and its thread is not woken until it comes.
TEST(VirtioRng, PERF007_AnswersOnlyThroughTheInterruptWithItsReaderAsleep) {
  Rng r(2);
  r.deliver = false;
  ASSERT_OK(r.start());
  std::atomic<sched::Task*> task{nullptr};
  std::atomic<bool> done{false};
  std::thread reader([&] {
    task = &sched::current_task();
    uint8_t out[16];
    EXPECT_OK(r.rng.read(out, 16));
    done = true;
  });
  while (task.load() == nullptr || r.device.requests_served() == 0) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const uint64_t woken = sched::host::times_woken(*task.load());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(done.load());
  EXPECT_EQ(sched::host::times_woken(*task.load()), woken);
  r.deliver = true;
  reader.join();
  EXPECT_TRUE(done.load());
}

}  // namespace
}  // namespace viper::drivers
