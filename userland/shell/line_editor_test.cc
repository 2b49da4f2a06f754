// The line editor as a state machine: keystrokes in, line and screen out.
#include <gtest/gtest.h>

#include <string>
#include <vector>

extern "C" {
#include "userland/shell/history.h"
#include "userland/shell/line_editor.h"
}

namespace {

// A fake file system for completion: the candidates are these names.
struct FakeNames {
  std::vector<std::string> commands;
  std::vector<std::string> files;
  bool last_was_command = false;
};

void FakeComplete(void* context, const char* word, bool command, sh_vec* out) {
  auto* names = static_cast<FakeNames*>(context);
  names->last_was_command = command;
  for (const std::string& n : command ? names->commands : names->files)
    if (n.compare(0, strlen(word), word) == 0) vec_push(out, sh_xstrdup(n.c_str()));
}

class Editor : public ::testing::Test {
 protected:
  void SetUp() override {
    history_init(&history_, SH_HISTORY_LIMIT);
    le_init(&editor_, &history_, /*ansi=*/true, FakeComplete, &names_);
    le_begin(&editor_, "/ $ ");
  }
  void TearDown() override {
    le_free(&editor_);
    history_free(&history_);
  }
  // Feeds the keys; returns the result of the last one.
  le_result Type(const std::string& keys) {
    le_result r = LE_MORE;
    for (unsigned char c : keys) r = le_feed(&editor_, c);
    return r;
  }
  std::string Line() { return le_line(&editor_); }
  size_t Cursor() { return le_cursor(&editor_); }
  std::string TakeOutput() {
    sh_buf* out = le_output(&editor_);
    std::string s(out->data ? out->data : "", out->len);
    buf_clear(out);
    return s;
  }
  // Enters a line and starts the next, as the shell does.
  void Enter(const std::string& line) {
    ASSERT_EQ(Type(line + "\r"), LE_LINE);
    history_add(&history_, le_line(&editor_));
    le_begin(&editor_, "/ $ ");
  }

  sh_history history_;
  line_editor editor_;
  FakeNames names_;
};

const std::string kLeft = "\x1b[D", kRight = "\x1b[C", kUp = "\x1b[A", kDown = "\x1b[B";

TEST_F(Editor, TypingInsertsAndEchoes) {
  EXPECT_EQ(TakeOutput(), "/ $ ");
  EXPECT_EQ(Type("ls -l"), LE_MORE);
  EXPECT_EQ(Line(), "ls -l");
  EXPECT_EQ(TakeOutput(), "ls -l");
  EXPECT_EQ(Type("\r"), LE_LINE);
  EXPECT_EQ(TakeOutput(), "\r\n");
}

TEST_F(Editor, EnterIsCrLfOrCrLfTogether) {
  EXPECT_EQ(Type("a\n"), LE_LINE);
  le_begin(&editor_, "$ ");
  EXPECT_EQ(Type("b\r"), LE_LINE);
  le_begin(&editor_, "$ ");
  // the \n of a \r\n is not a second, empty line; the next key is kept
  EXPECT_EQ(Type("\nc"), LE_MORE);
  EXPECT_EQ(Line(), "c");
}

TEST_F(Editor, LeftRightInsertInTheMiddle) {
  Type("ac" + kLeft + "b");
  EXPECT_EQ(Line(), "abc");
  EXPECT_EQ(Cursor(), 2u);
  TakeOutput();
  Type(kRight + kRight);  // past the end stays at the end
  EXPECT_EQ(Cursor(), 3u);
  Type("\x02");  // Ctrl-B
  EXPECT_EQ(Cursor(), 2u);
  Type("\x06");  // Ctrl-F
  EXPECT_EQ(Cursor(), 3u);
}

TEST_F(Editor, RedrawUsesAnsiOnlyWhenAsked) {
  Type("ab" + kLeft);
  TakeOutput();
  Type("X");
  EXPECT_EQ(TakeOutput(), "\r/ $ aXb\x1b[K\x1b[1D");
  le_free(&editor_);
  le_init(&editor_, &history_, /*ansi=*/false, FakeComplete, &names_);
  le_begin(&editor_, "$ ");
  Type("ab" + kLeft + "X\x7f");
  EXPECT_EQ(Line(), "ab");
  EXPECT_EQ(TakeOutput().find('\x1b'), std::string::npos);
}

TEST_F(Editor, HomeAndEndInEverySpelling) {
  for (const std::string& home : {"\x1b[H", "\x1b[1~", "\x1b[7~", "\x1bOH", "\x01"}) {
    Type("\x05");
    Type(home);
    EXPECT_EQ(Cursor(), 0u) << home.substr(1);
    Type("abc");
    Type(home);
  }
  for (const std::string& end : {"\x1b[F", "\x1b[4~", "\x1b[8~", "\x1bOF", "\x05"}) {
    Type("\x01");
    Type(end);
    EXPECT_EQ(Cursor(), Line().size()) << end.substr(1);
  }
}

TEST_F(Editor, DeleteAndBackspace) {
  Type("abcd\x01\x1b[3~");
  EXPECT_EQ(Line(), "bcd");
  Type("\x05\x7f");
  EXPECT_EQ(Line(), "bc");
  Type("\x08");  // ^H
  EXPECT_EQ(Line(), "b");
  Type("\x01\x7f");  // nothing before the cursor
  EXPECT_EQ(Line(), "b");
  Type("\x1b[3~\x1b[3~");  // nothing after the second time
  EXPECT_EQ(Line(), "");
}

TEST_F(Editor, KillKeys) {
  Type("echo hello world");
  Type("\x17");  // Ctrl-W
  EXPECT_EQ(Line(), "echo hello ");
  Type("\x17");
  EXPECT_EQ(Line(), "echo ");
  Type("abc" + kLeft + kLeft);
  Type("\x0b");  // Ctrl-K
  EXPECT_EQ(Line(), "echo a");
  Type("\x15");  // Ctrl-U
  EXPECT_EQ(Line(), "");
  EXPECT_EQ(Cursor(), 0u);
}

TEST_F(Editor, CtrlLClearsTheScreenAndKeepsTheLine) {
  Type("abc");
  TakeOutput();
  Type("\x0c");
  EXPECT_EQ(TakeOutput(), "\x1b[H\x1b[2J\r/ $ abc\x1b[K");
  EXPECT_EQ(Line(), "abc");
}

TEST_F(Editor, CtrlCAbandonsTheLine) {
  Type("sleep 100");
  TakeOutput();
  EXPECT_EQ(Type("\x03"), LE_MORE);
  EXPECT_EQ(Line(), "");
  EXPECT_EQ(TakeOutput(), "^C\r\n/ $ ");
}

TEST_F(Editor, CtrlDEndsInputOnlyOnAnEmptyLine) {
  Type("ab\x01");
  EXPECT_EQ(Type("\x04"), LE_MORE);  // deletes under the cursor
  EXPECT_EQ(Line(), "b");
  Type("\x05\x15");
  EXPECT_EQ(Type("\x04"), LE_EOF);
}

TEST_F(Editor, UnknownKeysAreIgnored) {
  Type("a\x1b[5~\x1b[1;5C\x07\x1bxb");
  EXPECT_EQ(Line(), "ab");
}

TEST_F(Editor, HistoryUpAndDownKeepTheLineBeingTyped) {
  Enter("one");
  Enter("two");
  Type("thr");
  Type(kUp);
  EXPECT_EQ(Line(), "two");
  Type(kUp);
  EXPECT_EQ(Line(), "one");
  Type(kUp);  // the oldest stays
  EXPECT_EQ(Line(), "one");
  Type(kDown);
  EXPECT_EQ(Line(), "two");
  Type(kDown);
  EXPECT_EQ(Line(), "thr");
  Type(kDown);
  EXPECT_EQ(Line(), "thr");
  Type("\x10");  // Ctrl-P
  EXPECT_EQ(Line(), "two");
  Type("\x0e");  // Ctrl-N
  EXPECT_EQ(Line(), "thr");
}

TEST_F(Editor, HistoryNeverLosesTheNewestEntries) {
  // far more than the predecessor's 16 slots, and than the limit
  const int n = SH_HISTORY_LIMIT + 500;
  for (int i = 0; i < n; i++) Enter("cmd " + std::to_string(i));
  EXPECT_EQ(history_.len, static_cast<size_t>(SH_HISTORY_LIMIT));
  for (int i = n - 1; i >= n - 20; i--) {
    Type(kUp);
    EXPECT_EQ(Line(), "cmd " + std::to_string(i));
  }
  for (int i = 0; i < SH_HISTORY_LIMIT; i++) Type(kUp);
  EXPECT_EQ(Line(), "cmd " + std::to_string(n - SH_HISTORY_LIMIT));  // only the oldest went
}

TEST_F(Editor, HistorySkipsEmptyLinesAndRepeats) {
  EXPECT_EQ(history_add(&history_, "a"), 1);
  EXPECT_EQ(history_add(&history_, "a"), 0);
  EXPECT_EQ(history_add(&history_, ""), 0);
  EXPECT_EQ(history_add(&history_, "b"), 1);
  EXPECT_EQ(history_.len, 2u);
}

TEST_F(Editor, TabCompletesACommandName) {
  names_.commands = {"sleep", "sort", "sysinfo"};
  Type("sl\t");
  EXPECT_TRUE(names_.last_was_command);
  EXPECT_EQ(Line(), "sleep ");
}

TEST_F(Editor, TabCompletesTheCommonPrefixThenListsOnTheSecondTab) {
  names_.files = {"docs/", "download.txt", "dmesg.log"};
  Type("cat do");
  TakeOutput();
  Type("\t");
  EXPECT_FALSE(names_.last_was_command);
  EXPECT_EQ(Line(), "cat do");  // "do" is already the common prefix
  EXPECT_EQ(TakeOutput(), "\a");
  Type("\t");
  EXPECT_EQ(TakeOutput(), "\r\ndocs/  download.txt\r\n/ $ cat do");
  Type("w\t");
  EXPECT_EQ(Line(), "cat download.txt ");
}

TEST_F(Editor, TabExtendsToTheCommonPrefix) {
  names_.files = {"notes-a", "notes-b"};
  Type("cat n\t");
  EXPECT_EQ(Line(), "cat notes-");
}

TEST_F(Editor, TabAfterADirectoryAddsNoSpace) {
  names_.files = {"src/"};
  Type("ls s\t");
  EXPECT_EQ(Line(), "ls src/");
}

TEST_F(Editor, TabAfterAPipeCompletesACommand) {
  names_.commands = {"wc"};
  Type("cat x | w\t");
  EXPECT_TRUE(names_.last_was_command);
  EXPECT_EQ(Line(), "cat x | wc ");
}

TEST_F(Editor, TabWithNoCandidateBells) {
  Type("zz");
  TakeOutput();
  Type("\t");
  EXPECT_EQ(Line(), "zz");
  EXPECT_EQ(TakeOutput(), "\a");
}

TEST_F(Editor, ListShowsTheLastPathComponent) {
  names_.files = {"/bin/cat", "/bin/cp"};
  Type("x /bin/c\t\t");
  EXPECT_NE(TakeOutput().find("\r\ncat  cp\r\n"), std::string::npos);
}

}  // namespace
