/* console_client: a console session client for the QEMU tests of consoled
 * (//kernel:console_session_test). It speaks <viperdos/stream.h> over its
 * bootstrap channel with raw viper_channel_* calls (no fd layer yet) and
 * takes commands typed into the console, one per line; every line it gets
 * it reports as "got N [LINE]" first (N counts lines from 1), so a script
 * sees exactly what the line discipline delivered, and no extra line can
 * hide.
 *
 *   echo ...     nothing more (the "got" line is the test)
 *   busy MS      sleeps MS ms without reading: typed-ahead input waits
 *   paste N      counts the next N bytes, then prints the count and their
 *                FNV-1a checksum
 *   raw N        raw mode for the next N bytes, printed in hex
 *   child        spawns a child that sleeps, makes it the foreground job and
 *                reports how it ended (^C: SIGINT, exit code -2)
 *   threads      8 threads each write 20 long lines concurrently
 *   idle MS      consoled's wakeups over MS ms of silence (RC-021)
 *   flood N      raw mode; sleeps while N bytes of "0123456789abcdef..." are
 *                sent (more than a channel holds: consoled must keep them),
 *                then checks them and how often consoled woke for nothing
 *   bad          malformed messages to consoled, then proof it still serves
 *   quit         exit 0
 * End of file (^D) is reported as "client: EOF after [PARTIAL]".
 *
 * `console_client sleeper` is the child: it sleeps until signalled. */
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <viperdos/stream.h>
#include <viperdos/viper.h>

#define CONSOLED_STATS 0x80 /* consoled's private request (consoled.c) */
#define THREADS 8
#define LINES_PER_THREAD 20

static viper_handle_t session;
static uint8_t message[VIPER_MESSAGE_BYTES_MAX];
static char line[8192];
static size_t line_size;
static int lines;

/* Sends one message, waiting while the channel is full. */
static int64_t send_message(const void* bytes, size_t size, const viper_handle_t* handles,
                            size_t count) {
  for (;;) {
    const int64_t r = viper_channel_write(session, bytes, size, handles, count);
    if (r != VIPER_ERR_WOULD_BLOCK) return r;
    viper_object_wait(session, VIPER_SIGNAL_WRITABLE | VIPER_SIGNAL_PEER_CLOSED,
                      VIPER_DEADLINE_NEVER);
  }
}

/* One DATA message: consoled writes it with one console write. */
static void say(const char* format, ...) __attribute__((format(printf, 1, 2)));
static void say(const char* format, ...) {
  char out[512];
  out[0] = VIPER_STREAM_DATA;
  va_list args;
  va_start(args, format);
  const int n = vsnprintf(out + 1, sizeof(out) - 1, format, args);
  va_end(args);
  if (n > 0)
    send_message(out, 1 + ((size_t)n < sizeof(out) - 1 ? (size_t)n : sizeof(out) - 2), 0, 0);
}

static void set_mode(uint8_t mode) {
  const uint8_t m[2] = {VIPER_STREAM_SET_MODE, mode};
  send_message(m, 2, 0, 0);
}

/* The next message from consoled: its tag, payload in message[1..size). */
static int64_t receive(viper_handle_t* handles, size_t capacity, uint64_t* handle_count) {
  struct viper_message m = {message, 0, sizeof(message), handles, 0, capacity};
  const int64_t r = viper_channel_read(session, &m, VIPER_DEADLINE_NEVER);
  if (handle_count) *handle_count = m.handle_count;
  return r;
}

/* ---- The commands ---- */

static uint32_t fnv1a(uint32_t hash, const uint8_t* bytes, size_t size) {
  for (size_t i = 0; i < size; ++i) hash = (hash ^ bytes[i]) * 16777619u;
  return hash;
}

/* Counts `wanted` bytes of input, whatever the lines. */
static void paste(size_t wanted) {
  say("client: paste ready\n");
  uint32_t hash = 2166136261u;
  size_t got = 0;
  while (got < wanted) {
    const int64_t r = receive(0, 0, 0);
    if (r < 1 || message[0] != VIPER_STREAM_DATA) break;
    size_t n = (size_t)r - 1;
    if (n > wanted - got) n = wanted - got;
    hash = fnv1a(hash, message + 1, n);
    got += n;
  }
  say("client: paste %zu bytes, checksum %08x\n", got, (unsigned)hash);
}

static void raw(size_t wanted) {
  set_mode(VIPER_CONSOLE_RAW);
  say("client: raw ready\n");
  char hex[256] = "";
  size_t got = 0;
  while (got < wanted) {
    const int64_t r = receive(0, 0, 0);
    if (r < 1 || message[0] != VIPER_STREAM_DATA) break;
    for (int64_t i = 1; i < r && got < wanted; ++i, ++got) {
      snprintf(hex + strlen(hex), sizeof(hex) - strlen(hex), " %02x", message[i]);
    }
  }
  set_mode(VIPER_CONSOLE_COOKED);
  say("client: raw bytes%s\n", hex);
}

static void child(void) {
  const char* argv[] = {"bin/console_client", "sleeper"};
  const struct viper_spawn_args args = {
      .path = argv[0], .argv = argv, .argc = 2, .envp = 0, .envc = 0, .bootstrap = 0};
  const int64_t process = viper_process_spawn(&args);
  if (process < 0) {
    say("client: cannot spawn the child: %lld\n", (long long)process);
    return;
  }
  const int64_t copy = viper_handle_duplicate((viper_handle_t)process, VIPER_RIGHTS_ALL);
  const viper_handle_t foreground = (viper_handle_t)copy;
  const uint8_t tag = VIPER_STREAM_SET_FOREGROUND;
  send_message(&tag, 1, &foreground, copy < 0 ? 0 : 1);
  say("client: child running\n");
  int64_t code = 0;
  viper_process_wait((viper_handle_t)process, &code);
  viper_handle_close((viper_handle_t)process);
  send_message(&tag, 1, 0, 0); /* no foreground job now */
  say("client: child ended, exit code %lld\n", (long long)code);
}

static void* writer(void* argument) {
  const int id = (int)(intptr_t)argument;
  char out[256];
  for (int l = 0; l < LINES_PER_THREAD; ++l) {
    out[0] = VIPER_STREAM_DATA;
    int n = snprintf(out + 1, sizeof(out) - 1, "T%d L%02d ", id, l);
    for (int i = 0; i < 150; ++i) out[1 + n++] = (char)('a' + (id + i) % 26);
    n += snprintf(out + 1 + n, sizeof(out) - 1 - (size_t)n, " END\n");
    send_message(out, 1 + (size_t)n, 0, 0);
  }
  return 0;
}

static void threads(void) {
  pthread_t t[THREADS];
  for (int i = 0; i < THREADS; ++i) pthread_create(&t[i], 0, writer, (void*)(intptr_t)i);
  for (int i = 0; i < THREADS; ++i) pthread_join(t[i], 0);
  say("client: threads done\n");
}

/* consoled answers CONSOLED_STATS with a DATA line "consoled: wakeups N
 * idle M"; *idle gets M. */
static long long consoled_stats(long long* idle) {
  const uint8_t tag = CONSOLED_STATS;
  send_message(&tag, 1, 0, 0);
  const int64_t r = receive(0, 0, 0);
  if (r < 1 || message[0] != VIPER_STREAM_DATA) return -1;
  message[r < (int64_t)sizeof(message) ? r : (int64_t)sizeof(message) - 1] = 0;
  long long n = -1;
  long long m = -1;
  sscanf((const char*)message + 1, "consoled: wakeups %lld idle %lld", &n, &m);
  if (idle) *idle = m;
  return n;
}

static long long consoled_wakeups(void) { return consoled_stats(0); }

static void flood(size_t wanted) {
  static const char pattern[] = "0123456789abcdef";
  long long idle_before = 0;
  long long idle_after = 0;
  consoled_stats(&idle_before);
  set_mode(VIPER_CONSOLE_RAW);
  say("client: flood ready\n");
  /* Not reading: the channel fills and consoled must hold the rest. */
  viper_thread_sleep(viper_deadline_after(6000000000ull));
  size_t got = 0;
  size_t broken_at = (size_t)-1;
  while (got < wanted) {
    const int64_t r = receive(0, 0, 0);
    if (r < 1 || message[0] != VIPER_STREAM_DATA) break;
    for (int64_t i = 1; i < r; ++i, ++got) {
      if (broken_at == (size_t)-1 && message[i] != (uint8_t)pattern[got % 16]) broken_at = got;
    }
  }
  set_mode(VIPER_CONSOLE_COOKED);
  consoled_stats(&idle_after);
  if (broken_at == (size_t)-1) {
    say("client: flood %zu bytes, pattern intact, idle wakeups %lld\n", got,
        idle_after - idle_before);
  } else {
    say("client: flood %zu bytes, BROKEN at byte %zu\n", got, broken_at);
  }
}

static void idle(uint64_t ms) {
  const long long before = consoled_wakeups();
  viper_thread_sleep(viper_deadline_after(ms * 1000000ull));
  const long long after = consoled_wakeups();
  /* The second request is itself one wakeup; anything more was polling. */
  say("client: idle wakeups %lld\n", after - before);
}

static void bad(void) {
  const uint8_t unknown[3] = {99, 1, 2};
  const uint8_t bad_mode[2] = {VIPER_STREAM_SET_MODE, 7};
  const uint8_t mode_too_long[3] = {VIPER_STREAM_SET_MODE, 0, 0};
  send_message(unknown, sizeof(unknown), 0, 0);
  send_message(bad_mode, sizeof(bad_mode), 0, 0);
  send_message(mode_too_long, sizeof(mode_too_long), 0, 0);
  send_message(unknown, 0, 0, 0); /* empty */
  const long long n = consoled_wakeups();
  say("client: still served (%s)\n", n > 0 ? "yes" : "no");
}

static void command(const char* text) {
  say("got %d [%s]\n", ++lines, text);
  if (strncmp(text, "busy ", 5) == 0) {
    say("client: busy\n");
    viper_thread_sleep(viper_deadline_after(strtoull(text + 5, 0, 10) * 1000000ull));
    say("client: awake\n");
  } else if (strncmp(text, "paste ", 6) == 0) {
    paste(strtoull(text + 6, 0, 10));
  } else if (strncmp(text, "raw ", 4) == 0) {
    raw(strtoull(text + 4, 0, 10));
  } else if (strcmp(text, "child") == 0) {
    child();
  } else if (strcmp(text, "threads") == 0) {
    threads();
  } else if (strncmp(text, "idle ", 5) == 0) {
    idle(strtoull(text + 5, 0, 10));
  } else if (strncmp(text, "flood ", 6) == 0) {
    flood(strtoull(text + 6, 0, 10));
  } else if (strcmp(text, "bad") == 0) {
    bad();
  } else if (strcmp(text, "quit") == 0) {
    say("client: bye\n");
    exit(0);
  }
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "sleeper") == 0) {
    viper_thread_sleep(VIPER_DEADLINE_NEVER);
    return 1;
  }
  session = viper_bootstrap_handle();
  if (!session) {
    fprintf(stderr, "console_client: no session (start it with init's `session`)\n");
    return 2;
  }
  say("client: ready\n");
  for (;;) {
    const int64_t r = receive(0, 0, 0);
    if (r == VIPER_ERR_PEER_CLOSED) return 3;
    if (r < 1) continue;
    if (message[0] == VIPER_STREAM_EOF) {
      line[line_size] = 0;
      say("client: EOF after [%s]\n", line);
      line_size = 0;
      continue;
    }
    if (message[0] != VIPER_STREAM_DATA) continue;
    /* A command may read messages itself: take this one's bytes first. */
    static char pending[VIPER_MESSAGE_BYTES_MAX];
    const size_t size = (size_t)r - 1;
    memcpy(pending, message + 1, size);
    for (size_t i = 0; i < size; ++i) {
      const char c = pending[i];
      if (c == '\n') {
        line[line_size] = 0;
        line_size = 0;
        command(line);
      } else if (line_size + 1 < sizeof(line)) {
        line[line_size++] = c;
      }
    }
  }
}
