/* The console handle and consoled's bootstrap, run as init so that this
 * program gets what the kernel gives init (//kernel:console_test, with a
 * script that types when asked): the "console" message and nothing else,
 * console_read/console_write with their rights and bad arguments, typed
 * input waking a pollset, and consoled refusing malformed bootstrap
 * messages, then serving again after a restart with a duplicate. */
#include <string.h>
#include <viperdos/stream.h>
#include <viperdos/viper.h>

#include "userland/testing/utest.h"

#define CONSOLE_RIGHTS                                                              \
  (VIPER_RIGHT_READ | VIPER_RIGHT_WRITE | VIPER_RIGHT_WAIT | VIPER_RIGHT_TRANSFER | \
   VIPER_RIGHT_DUPLICATE)
#define CONSOLED_STATS 0x80 /* consoled's private request (consoled.c) */
#define SECOND 1000000000ull

static viper_handle_t console;

static int64_t say(const char* text) { return viper_console_write(console, text, strlen(text)); }

/* Waits up to `ns` for console input; its bytes (NUL-ended) in `out`. */
static int64_t read_typed(char* out, size_t capacity, uint64_t ns) {
  const int64_t woke = viper_object_wait(console, VIPER_SIGNAL_READABLE, viper_deadline_after(ns));
  if (woke < 0) return woke;
  const int64_t n = viper_console_read(console, out, capacity - 1);
  if (n >= 0) out[n] = 0;
  return n;
}

UTEST(console, init_gets_the_console_and_nothing_else) {
  const viper_handle_t bootstrap = viper_bootstrap_handle();
  UASSERT(bootstrap != 0);
  char tag[16];
  viper_handle_t handles[4];
  struct viper_message m = {tag, 0, sizeof(tag), handles, 0, 4};
  UEXPECT_EQ(viper_channel_read(bootstrap, &m, 0), 7);
  UEXPECT(memcmp(tag, "console", 7) == 0);
  UASSERT(m.handle_count == 1);
  console = handles[0];
  struct viper_object_info info;
  UEXPECT_EQ(viper_object_info(console, &info), 0);
  UEXPECT_EQ(info.type, VIPER_OBJECT_CONSOLE);
  UEXPECT_EQ(info.rights, CONSOLE_RIGHTS);
  struct viper_message more = {tag, 0, sizeof(tag), handles, 0, 4};
  /* The kernel sent one message and closed its end. */
  UEXPECT_EQ(viper_channel_read(bootstrap, &more, 0), VIPER_ERR_PEER_CLOSED);
  viper_handle_close(bootstrap);
}

UTEST(console, write_goes_out_whole) {
  const char line[] = "console_test: one whole line through console_write\n";
  UEXPECT_EQ(say(line), (int64_t)strlen(line));
  UEXPECT_EQ(viper_console_write(console, line, 0), 0);
}

UTEST(console, bad_buffers_and_sizes_are_refused) {
  char buffer[16];
  UEXPECT_EQ(viper_console_read(console, 0, 8), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_console_read(console, (void*)0xffff000040000000ull, 8), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_console_read(console, buffer, 0), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_console_read(console, buffer, VIPER_CONSOLE_IO_MAX + 1), VIPER_ERR_OUT_OF_RANGE);
  UEXPECT_EQ(viper_console_write(console, 0, 8), VIPER_ERR_FAULT);
  UEXPECT_EQ(viper_console_write(console, buffer, VIPER_CONSOLE_IO_MAX + 1),
             VIPER_ERR_OUT_OF_RANGE);
}

UTEST(console, rights_and_handles_are_checked) {
  const int64_t read_only = viper_handle_duplicate(console, VIPER_RIGHT_READ);
  const int64_t write_only = viper_handle_duplicate(console, VIPER_RIGHT_WRITE);
  UASSERT(read_only > 0 && write_only > 0);
  char buffer[8];
  UEXPECT_EQ(viper_console_write((viper_handle_t)read_only, "x", 1), VIPER_ERR_ACCESS_DENIED);
  UEXPECT_EQ(viper_console_read((viper_handle_t)write_only, buffer, 8), VIPER_ERR_ACCESS_DENIED);
  UEXPECT(viper_handle_duplicate(console, VIPER_RIGHTS_ALL) < 0); /* no SIGNAL to grow into */
  const int64_t event = viper_event_create();
  UEXPECT_EQ(viper_console_read((viper_handle_t)event, buffer, 8), VIPER_ERR_BAD_HANDLE);
  UEXPECT_EQ(viper_console_write(0, "x", 1), VIPER_ERR_BAD_HANDLE);
  viper_handle_close((viper_handle_t)read_only);
  viper_handle_close((viper_handle_t)write_only);
  viper_handle_close((viper_handle_t)event);
}

UTEST(console, no_input_would_block_and_does_not_wake) {
  char buffer[8];
  UEXPECT_EQ(viper_console_read(console, buffer, sizeof(buffer)), VIPER_ERR_WOULD_BLOCK);
  UEXPECT_EQ(viper_object_wait(console, VIPER_SIGNAL_READABLE, viper_deadline_after(SECOND / 20)),
             VIPER_ERR_TIMED_OUT);
}

UTEST(console, typed_input_wakes_a_pollset) {
  const int64_t set = viper_pollset_create();
  UASSERT(set > 0);
  UEXPECT_EQ(viper_pollset_add((viper_handle_t)set, console, VIPER_SIGNAL_READABLE, 5), 0);
  say("console_test: type abc\n");
  struct viper_poll_event event;
  UEXPECT_EQ(viper_pollset_wait((viper_handle_t)set, &event, 1, viper_deadline_after(20 * SECOND)),
             1);
  UEXPECT_EQ(event.key, 5);
  char typed[16] = "";
  size_t got = 0;
  while (got < 3) { /* typed a byte at a time: it may come in pieces */
    const int64_t n = read_typed(typed + got, sizeof(typed) - got, 5 * SECOND);
    if (n <= 0) break;
    got += (size_t)n;
  }
  UEXPECT(got == 3 && memcmp(typed, "abc", 3) == 0);
  viper_handle_close((viper_handle_t)set);
}

/* consoled with a bootstrap channel of ours; *server is our end. */
static int64_t start_consoled(viper_handle_t* server) {
  viper_handle_t pair[2];
  if (viper_channel_create(pair) < 0) return -1;
  const int64_t copy = viper_handle_duplicate(console, CONSOLE_RIGHTS);
  const viper_handle_t moved = (viper_handle_t)copy;
  if (copy < 0 || viper_channel_write(pair[0], "console", 7, &moved, 1) < 0) return -1;
  const char* argv[] = {"bin/consoled"};
  const struct viper_spawn_args args = {
      .path = argv[0], .argv = argv, .argc = 1, .envp = 0, .envc = 0, .bootstrap = pair[1]};
  *server = pair[0];
  return viper_process_spawn(&args);
}

/* A new session of consoled's; our end, or 0. */
static viper_handle_t open_session(viper_handle_t server) {
  viper_handle_t pair[2];
  if (viper_channel_create(pair) < 0) return 0;
  if (viper_channel_write(server, "session", 7, &pair[1], 1) < 0) return 0;
  return pair[0];
}

/* consoled's answer to its private stats request: proof it serves. */
static bool served(viper_handle_t session) {
  const uint8_t tag = CONSOLED_STATS;
  if (viper_channel_write(session, &tag, 1, 0, 0) < 0) return false;
  char reply[64];
  struct viper_message m = {reply, 0, sizeof(reply), 0, 0, 0};
  const int64_t n = viper_channel_read(session, &m, viper_deadline_after(10 * SECOND));
  return n > 10 && reply[0] == VIPER_STREAM_DATA && memcmp(reply + 1, "consoled:", 9) == 0;
}

UTEST(consoled, refuses_malformed_bootstrap_messages_and_keeps_serving) {
  viper_handle_t server = 0;
  const int64_t process = start_consoled(&server);
  UASSERT(process > 0);
  UEXPECT_EQ(viper_channel_write(server, "bogus", 5, 0, 0), 0);
  const int64_t event = viper_event_create();
  const viper_handle_t not_a_channel = (viper_handle_t)event;
  UEXPECT_EQ(viper_channel_write(server, "session", 7, &not_a_channel, 1), 0);
  UEXPECT_EQ(viper_channel_write(server, "session", 7, 0, 0), 0); /* no handle */
  const viper_handle_t session = open_session(server);
  UASSERT(session != 0);
  UEXPECT(served(session));
  const char data[] =
      "\x01"
      "console_test: a line through consoled\n";
  UEXPECT_EQ(viper_channel_write(session, data, sizeof(data) - 1, 0, 0), 0);
  UEXPECT(served(session)); /* after the DATA: written by now */

  /* A restarted consoled gets the console again (a duplicate) and types
   * reach its session. */
  UEXPECT_EQ(viper_process_kill((viper_handle_t)process), 0);
  int64_t code = 0;
  viper_process_wait((viper_handle_t)process, &code);
  viper_handle_close((viper_handle_t)process);
  viper_handle_close(session);
  viper_handle_close(server);
  const int64_t again = start_consoled(&server);
  UASSERT(again > 0);
  const viper_handle_t second = open_session(server);
  UASSERT(second != 0);
  UEXPECT(served(second));
  say("console_test: type hi for consoled\n");
  char reply[64];
  struct viper_message m = {reply, 0, sizeof(reply), 0, 0, 0};
  const int64_t n = viper_channel_read(second, &m, viper_deadline_after(20 * SECOND));
  UEXPECT(n == 4 && memcmp(reply,
                           "\x01"
                           "hi\n",
                           4) == 0);
  viper_process_kill((viper_handle_t)again);
  viper_process_wait((viper_handle_t)again, &code);
}
