// consoled's line discipline, on the host: what each key does in cooked
// mode, Enter in all its forms, a paste in one call, ^C and ^D, raw mode.
extern "C" {
#include "userland/servers/consoled/line_discipline.h"
}

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

// Everything the discipline produced, in order: "E:" echo, "D:" delivered
// bytes, "EOF", "INT".
struct Recorder {
  std::string echoed;
  std::vector<std::string> events;
  std::string delivered() const {
    std::string all;
    for (const std::string& e : events) {
      if (e.rfind("D:", 0) == 0) all += e.substr(2);
    }
    return all;
  }
};

void on_echo(void* c, const char* b, size_t n) { static_cast<Recorder*>(c)->echoed.append(b, n); }
void on_deliver(void* c, const char* b, size_t n) {
  static_cast<Recorder*>(c)->events.push_back("D:" + std::string(b, n));
}
void on_eof(void* c) { static_cast<Recorder*>(c)->events.push_back("EOF"); }
void on_interrupt(void* c) { static_cast<Recorder*>(c)->events.push_back("INT"); }

class LineDiscipline : public ::testing::Test {
 protected:
  void SetUp() override { ld_init(&ld_); }
  void type(const std::string& keys) {
    const ld_sink sink = sink_of();
    ld_feed(&ld_, reinterpret_cast<const uint8_t*>(keys.data()), keys.size(), &sink);
  }
  bool set_mode(int mode) {
    const ld_sink sink = sink_of();
    return ld_set_mode(&ld_, mode, &sink);
  }
  ld_sink sink_of() { return ld_sink{&out_, &on_echo, &on_deliver, &on_eof, &on_interrupt}; }
  line_discipline ld_;
  Recorder out_;
};

TEST_F(LineDiscipline, CookedEchoesAndDeliversTheLineAtEnter) {
  type("ls -l");
  EXPECT_EQ(out_.echoed, "ls -l");
  EXPECT_TRUE(out_.events.empty()) << "nothing reaches the client before Enter";
  type("\r");
  EXPECT_EQ(out_.echoed, "ls -l\n");
  ASSERT_EQ(out_.events.size(), 1u);
  EXPECT_EQ(out_.events[0], "D:ls -l\n");
}

TEST_F(LineDiscipline, CrLfAndCrLfAreEachExactlyOneNewline) {
  type("a\rb\nc\r\nd\r\n");
  EXPECT_EQ(out_.delivered(), "a\nb\nc\nd\n");
  EXPECT_EQ(out_.echoed, "a\nb\nc\nd\n");
}

TEST_F(LineDiscipline, TheByteAfterACarriageReturnIsNeverLost) {
  // The predecessor's readline dropped it: typed-ahead "x\ry\r" became "x\n\n".
  type("x\ry\r");
  EXPECT_EQ(out_.delivered(), "x\ny\n");
  type("\r\r");
  EXPECT_EQ(out_.delivered(), "x\ny\n\n\n") << "two CRs are two Enters";
}

TEST_F(LineDiscipline, ACrAndItsLfMayArriveInSeparateCalls) {
  type("a\r");
  type("\nb\r");
  EXPECT_EQ(out_.delivered(), "a\nb\n");
}

TEST_F(LineDiscipline, BackspaceAndDeleteEraseOneCharacter) {
  type(
      "cat\x7f\x7fp\x08"
      "ip\r");
  EXPECT_EQ(out_.delivered(), "cip\n");
  EXPECT_EQ(out_.echoed, "cat\b \b\b \bp\b \bip\n");
}

TEST_F(LineDiscipline, BackspaceOnAnEmptyLineDoesNothing) {
  type("\x7f\x08\r");
  EXPECT_EQ(out_.echoed, "\n");
  EXPECT_EQ(out_.delivered(), "\n");
}

TEST_F(LineDiscipline, BackspaceErasesAWholeUtf8Character) {
  type("a\xc3\xa9\x7f\r");  // a, e-acute, Backspace
  EXPECT_EQ(out_.delivered(), "a\n");
}

TEST_F(LineDiscipline, ControlCharactersAreKeptButEchoedAsCarets) {
  type("a\x1b[A\tb\r");
  EXPECT_EQ(out_.delivered(), "a\x1b[A\tb\n") << "the client gets the bytes";
  EXPECT_EQ(out_.echoed, "a^[[A\tb\n") << "the terminal sees ^[, not an escape";
}

TEST_F(LineDiscipline, BackspaceOverACaretErasesBothColumns) {
  type("x\x01\x7f\r");
  EXPECT_EQ(out_.delivered(), "x\n");
  EXPECT_EQ(out_.echoed, "x^A\b \b\b \b\n");
}

TEST_F(LineDiscipline, CtrlUErasesTheLine) {
  type(
      "rm -rf /\x15"
      "echo ok\r");
  EXPECT_EQ(out_.delivered(), "echo ok\n");
}

TEST_F(LineDiscipline, CtrlCDiscardsTheLineEchoesAndInterrupts) {
  type("sleep 100\x03");
  ASSERT_EQ(out_.events.size(), 1u);
  EXPECT_EQ(out_.events[0], "INT");
  EXPECT_EQ(out_.echoed, "sleep 100^C\n");
  type("true\r");
  EXPECT_EQ(out_.delivered(), "true\n") << "the interrupted line is gone";
}

TEST_F(LineDiscipline, CtrlDOnAnEmptyLineIsEndOfFile) {
  type("\x04");
  ASSERT_EQ(out_.events.size(), 1u);
  EXPECT_EQ(out_.events[0], "EOF");
  EXPECT_EQ(out_.echoed, "");
}

TEST_F(LineDiscipline, CtrlDAfterTextDeliversTheLineSoFar) {
  type("abc\x04");
  ASSERT_EQ(out_.events.size(), 1u);
  EXPECT_EQ(out_.events[0], "D:abc") << "no newline, no end of file";
  type("\x04");
  EXPECT_EQ(out_.events.back(), "EOF") << "a second ^D on the now empty line is";
}

TEST_F(LineDiscipline, EventsKeepTheirOrder) {
  type("one\r\x04two\r");
  ASSERT_EQ(out_.events.size(), 3u);
  EXPECT_EQ(out_.events[0], "D:one\n");
  EXPECT_EQ(out_.events[1], "EOF");
  EXPECT_EQ(out_.events[2], "D:two\n");
}

TEST_F(LineDiscipline, AFourKibibytePasteInOneCallArrivesByteExact) {
  std::string paste;
  for (int i = 0; i < 4096; ++i) {
    paste.push_back(i % 64 == 63 ? '\n' : static_cast<char>('!' + (i * 13) % 90));
  }
  type(paste);
  EXPECT_EQ(out_.delivered(), paste);
  EXPECT_EQ(out_.events.size(), 64u) << "one delivery per line";
}

TEST_F(LineDiscipline, AnOverlongLineIsDeliveredNotDropped) {
  const std::string line(LD_LINE_MAX * 2 + 10, 'x');
  type(line + "\r");
  EXPECT_EQ(out_.delivered(), line + "\n");
}

TEST_F(LineDiscipline, RawModeDeliversEveryByteAsTypedWithoutEcho) {
  ASSERT_TRUE(set_mode(LD_RAW));
  const std::string keys("q\r\n\x03\x04\x7f\x1b[A", 9);
  type(keys);
  EXPECT_EQ(out_.delivered(), keys);
  EXPECT_EQ(out_.echoed, "");
  for (const std::string& e : out_.events) EXPECT_NE(e, "INT") << "raw: ^C is a byte";
}

TEST_F(LineDiscipline, UnknownModesAreRefused) {
  EXPECT_FALSE(set_mode(2));
  EXPECT_FALSE(set_mode(-1));
  type("a\r");
  EXPECT_EQ(out_.delivered(), "a\n") << "still cooked";
}

// Typed ahead while a program ran (cooked), then the shell's editor turns
// raw mode on: the bytes reach it first, in order — not held back for a
// later cooked line (which cost the shell the first letter of a command).
TEST_F(LineDiscipline, TypedAheadBytesReachTheRawReaderInOrder) {
  type("ab");
  EXPECT_EQ(out_.delivered(), "") << "cooked: nothing before Enter";
  ASSERT_TRUE(set_mode(LD_RAW));
  EXPECT_EQ(out_.delivered(), "ab");
  type("z");
  ASSERT_TRUE(set_mode(LD_COOKED));
  type("c\r");
  EXPECT_EQ(out_.delivered(), "abzc\n");
}

}  // namespace
