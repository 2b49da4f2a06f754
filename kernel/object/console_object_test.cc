// The console object: its input ring, kReadable, writes under the console
// lock, and the handle-level calls with their rights.
#include "kernel/object/console_object.h"

#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "kernel/lib/printk.h"
#include "kernel/object/event_object.h"
#include "kernel/object/pollset_object.h"
#include "sched/host/host_blocking.h"
#include "testing/host/expect_ok.h"
#include "testing/host/heap_environment.h"

namespace viper::object {
namespace {

VIPER_HOST_KERNEL_HEAP();

using cap::HandleTable;
using cap::HandleValue;

ConstBytes text(const std::string& s) {
  return ConstBytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string read_all(ConsoleObject& console) {
  std::string out;
  uint8_t buffer[1000];
  for (;;) {
    Result<size_t> n = console.read(Bytes(buffer));
    if (!n.ok()) {
      EXPECT_EQ(n.error(), Error::kWouldBlock);
      return out;
    }
    out.append(reinterpret_cast<char*>(buffer), n.value());
  }
}

std::string g_written;
void capture(const char* bytes, size_t size) { g_written.append(bytes, size); }

TEST(ConsoleObject, ReadableExactlyWhileInputIsBuffered) {
  Ref<ConsoleObject> console = ConsoleObject::create().value();
  EXPECT_EQ(console->waitable()->signals() & Signals::kReadable, Signals::kNone);
  uint8_t buffer[4];
  Result<size_t> empty = console->read(Bytes(buffer));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error(), Error::kWouldBlock) << "no input: wait for kReadable, do not spin";

  console->receive(text("hello"));
  EXPECT_EQ(console->waitable()->signals() & Signals::kReadable, Signals::kReadable);
  ASSERT_OK(console->read(Bytes(buffer)));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buffer), 4), "hell");
  EXPECT_EQ(console->waitable()->signals() & Signals::kReadable, Signals::kReadable)
      << "one byte is still buffered";
  EXPECT_EQ(read_all(*console), "o");
  EXPECT_EQ(console->waitable()->signals() & Signals::kReadable, Signals::kNone);
}

TEST(ConsoleObject, APasteOfFourKibibytesIsKeptByteExact) {
  Ref<ConsoleObject> console = ConsoleObject::create().value();
  std::string paste;
  for (int i = 0; i < 4096; ++i) paste.push_back(static_cast<char>(' ' + (i * 7) % 95));
  // As the UART delivers it: FIFO-sized bursts.
  for (size_t at = 0; at < paste.size(); at += 16) console->receive(text(paste.substr(at, 16)));
  EXPECT_EQ(read_all(*console), paste);
  EXPECT_EQ(console->dropped(), 0u);
}

TEST(ConsoleObject, OverflowDropsTheNewestBytesCountsThemAndWarnsOnce) {
  Ref<ConsoleObject> console = ConsoleObject::create().value();
  g_written.clear();
  set_console_writer(&capture);
  const std::string full(ConsoleObject::kInputCapacity, 'a');
  console->receive(text(full));
  EXPECT_EQ(g_written, "") << "a full ring is not an overflow";
  console->receive(text("bcd"));
  console->receive(text("ef"));
  set_console_writer(nullptr);
  EXPECT_EQ(console->dropped(), 5u);
  EXPECT_NE(g_written.find("input buffer full"), std::string::npos) << g_written;
  EXPECT_EQ(g_written.find("input buffer full"), g_written.rfind("input buffer full"))
      << "warned once, not per byte";
  EXPECT_EQ(read_all(*console), full) << "what was buffered survives intact";
  console->receive(text("after"));
  EXPECT_EQ(read_all(*console), "after") << "the ring works on after an overflow";
}

TEST(ConsoleObject, TheRingWrapsAround) {
  Ref<ConsoleObject> console = ConsoleObject::create().value();
  std::string expected;
  for (int round = 0; round < 10; ++round) {
    const std::string chunk(ConsoleObject::kInputCapacity / 3, static_cast<char>('a' + round));
    console->receive(text(chunk));
    EXPECT_EQ(read_all(*console), chunk) << "round " << round;
  }
}

TEST(ConsoleObject, WriteIsOneConsoleWrite) {
  Ref<ConsoleObject> console = ConsoleObject::create().value();
  g_written.clear();
  set_console_writer(&capture);
  console->write(text("a whole line\n"));
  set_console_writer(nullptr);
  EXPECT_EQ(g_written, "a whole line\n");
}

TEST(ConsoleObject, RC021_APollsetWakesOnTypedInput) {
  HandleTable table;
  const HandleValue set = pollset_create(table).value();
  const HandleValue console = table.add(ConsoleObject::create().value(), Rights::kAll).value();
  ASSERT_OK(pollset_add(table, set, console, Signals::kReadable, 7));
  Ref<ConsoleObject> object = table.get_as<ConsoleObject>(console, Rights::kNone).value();
  std::thread typist([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    object->receive(text("x"));
  });
  ipc::PollEvent events[4];
  Result<uint32_t> woke = pollset_wait(table, set, Span<ipc::PollEvent>(events), Deadline::never());
  typist.join();
  ASSERT_OK(woke);
  ASSERT_EQ(woke.value(), 1u);
  EXPECT_EQ(events[0].key, 7u);
  EXPECT_EQ(events[0].signals & Signals::kReadable, Signals::kReadable);
}

TEST(ConsoleObject, CallsNeedTheirRightsAndAConsoleHandle) {
  HandleTable table;
  Ref<ConsoleObject> object = ConsoleObject::create().value();
  object->receive(text("z"));
  const HandleValue write_only = table.add(Ref<ConsoleObject>(object), Rights::kWrite).value();
  const HandleValue read_only = table.add(Ref<ConsoleObject>(object), Rights::kRead).value();
  const HandleValue event = event_create(table).value();
  uint8_t buffer[4];
  EXPECT_EQ(console_read(table, write_only, Bytes(buffer)).error(), Error::kAccessDenied);
  EXPECT_EQ(console_write(table, read_only, text("no")).error(), Error::kAccessDenied);
  EXPECT_EQ(console_read(table, event, Bytes(buffer)).error(), Error::kBadHandle)
      << "an event is not a console";
  EXPECT_EQ(console_read(table, HandleValue{12345}, Bytes(buffer)).error(), Error::kBadHandle);
  Result<size_t> got = console_read(table, read_only, Bytes(buffer));
  ASSERT_OK(got);
  EXPECT_EQ(got.value(), 1u);
}

}  // namespace
}  // namespace viper::object
