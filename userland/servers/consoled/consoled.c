/* consoled: owns console input and output (USER-002, RC-021).
 *
 * Its bootstrap channel brings a "console" message with the console handle
 * (init's, passed on), then any number of "session" messages, each with one
 * channel: a client session speaking <viperdos/stream.h>. consoled waits in
 * one pollset for console input, its bootstrap and every session; nothing
 * sleeps or polls at an interval.
 *
 * * Output: each DATA message a client sends is written with one
 *   console_write, so lines of different programs never interleave mid-line.
 * * Input goes to the newest live session (the one init started last,
 *   normally the shell) through that session's line discipline
 *   (line_discipline.h). Bytes for a client whose channel is full wait in
 *   the session's outbox until the channel is WRITABLE again: input is never
 *   dropped because a client is busy.
 * * ^C sends SIGINT to every process of the session's foreground job
 *   (SET_FOREGROUND).
 * * A malformed message (unknown tag, wrong payload or handles) is reported
 *   and ignored; its handles are closed. consoled keeps serving.
 * * Private to consoled (not part of stream.h): a session message whose tag
 *   is CONSOLED_STATS asks for "consoled: wakeups N idle M\n" as input on
 *   that session: how often the pollset wait has returned, and how many of
 *   those returns found nothing to do (the RC-021 tests check that an idle
 *   consoled does not wake, and that a full client channel does not make
 *   it spin). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <viperdos/stream.h>
#include <viperdos/viper.h>

#include "userland/servers/consoled/line_discipline.h"

_Static_assert(LD_COOKED == VIPER_CONSOLE_COOKED, "line discipline modes are stream.h's");
_Static_assert(LD_RAW == VIPER_CONSOLE_RAW, "line discipline modes are stream.h's");

#define CONSOLED_STATS 0x80
#define MAX_SESSIONS 32
#define MAX_FOREGROUND 16
#define OUTBOX_MAX (1024 * 1024) /* per session: far more than anyone types */
#define HELD_INPUT_MAX 16384     /* typed before any session exists */
/* Input messages carry at most this many bytes. A channel queue holds 64
 * messages and 256 KiB (ipc/limits.h): with messages of at most 4 KiB the
 * count limit binds first, so whenever the channel is WRITABLE the next
 * message fits, and WRITABLE never wakes consoled for nothing (RC-021).
 * send_part() covers limits that change. */
#define INPUT_MESSAGE_MAX 4096
#define KEY_CONSOLE 1
#define KEY_BOOTSTRAP 2
#define KEY_SESSION 16 /* + slot */
#define SIGINT_NUMBER 2
#define SESSION_SIGNALS (VIPER_SIGNAL_READABLE | VIPER_SIGNAL_PEER_CLOSED)

struct session {
  viper_handle_t channel; /* 0: a free slot */
  uint64_t started;       /* order of arrival: input goes to the newest */
  struct line_discipline ld;
  viper_handle_t foreground[MAX_FOREGROUND];
  size_t foreground_count;
  /* Messages not yet sent, each as [u32 size][tag][payload]. */
  uint8_t* outbox;
  size_t outbox_size, outbox_capacity;
  size_t last_record; /* offset of the last record (to grow a DATA one) */
  bool waiting_writable;
  bool overflow_reported;
};

static viper_handle_t g_pollset;
static viper_handle_t g_bootstrap;
static viper_handle_t g_console;
static struct session g_sessions[MAX_SESSIONS];
static uint64_t g_arrivals;
static uint64_t g_wakeups;
static uint64_t g_progress;     /* things done: bytes read or sent, messages handled */
static uint64_t g_idle_wakeups; /* pollset returns after which nothing was done */
static uint8_t g_held[HELD_INPUT_MAX];
static size_t g_held_size;

static uint8_t g_message[VIPER_MESSAGE_BYTES_MAX];
static viper_handle_t g_handles[VIPER_MESSAGE_HANDLES_MAX];

/* consoled's own diagnostics go straight to the console, whole. */
static void say(const char* format, ...) __attribute__((format(printf, 1, 2)));
static void say(const char* format, ...) {
  char line[256];
  va_list args;
  va_start(args, format);
  int n = vsnprintf(line, sizeof(line), format, args);
  va_end(args);
  if (n < 0) return;
  if ((size_t)n >= sizeof(line)) n = sizeof(line) - 1;
  if (g_console) {
    viper_console_write(g_console, line, (size_t)n);
  } else {
    viper_debug_write(line, (size_t)n);
  }
}

static int64_t signal_send(viper_handle_t process, uint64_t signal) {
  /* No libviper wrapper for VIPER_SYS_SIGNAL_SEND to another process yet. */
  register uint64_t x0 __asm__("x0") = process;
  register uint64_t x1 __asm__("x1") = signal;
  register uint64_t x8 __asm__("x8") = VIPER_SYS_SIGNAL_SEND;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x1), "r"(x8) : "memory");
  return (int64_t)x0;
}

static void close_all(const viper_handle_t* handles, size_t count) {
  for (size_t i = 0; i < count; ++i) viper_handle_close(handles[i]);
}

/* ---- Sending to a client: the outbox ---- */

static void watch(struct session* s, bool writable) {
  if (s->waiting_writable == writable) return;
  const uint64_t key = KEY_SESSION + (uint64_t)(s - g_sessions);
  viper_pollset_remove(g_pollset, s->channel);
  viper_pollset_add(g_pollset, s->channel,
                    SESSION_SIGNALS | (writable ? VIPER_SIGNAL_WRITABLE : 0u), key);
  s->waiting_writable = writable;
}

static bool outbox_reserve(struct session* s, size_t more) {
  if (s->outbox_size + more <= s->outbox_capacity) return true;
  if (s->outbox_size + more > OUTBOX_MAX) {
    if (!s->overflow_reported) {
      say("consoled: session %d reads no input; dropping what it does not take\n",
          (int)(s - g_sessions));
      s->overflow_reported = true;
    }
    return false;
  }
  size_t capacity = s->outbox_capacity ? s->outbox_capacity : 4096;
  while (capacity < s->outbox_size + more) capacity *= 2;
  uint8_t* grown = realloc(s->outbox, capacity);
  if (!grown) return false;
  s->outbox = grown;
  s->outbox_capacity = capacity;
  return true;
}

static uint32_t record_size(const struct session* s, size_t at) {
  uint32_t size;
  memcpy(&size, s->outbox + at, sizeof(size));
  return size;
}

static void queue(struct session* s, uint8_t tag, const char* bytes, size_t size) {
  while (size != 0 || tag != VIPER_STREAM_DATA) {
    /* Grow the last DATA record while it has room: fewer, larger messages. */
    if (tag == VIPER_STREAM_DATA && s->outbox_size != 0 &&
        s->outbox[s->last_record + 4] == VIPER_STREAM_DATA) {
      const uint32_t have = record_size(s, s->last_record);
      const size_t room = INPUT_MESSAGE_MAX - have;
      const size_t take = size < room ? size : room;
      if (take != 0 && outbox_reserve(s, take)) {
        memcpy(s->outbox + s->outbox_size, bytes, take);
        s->outbox_size += take;
        const uint32_t grown = have + (uint32_t)take;
        memcpy(s->outbox + s->last_record, &grown, sizeof(grown));
        bytes += take;
        size -= take;
        continue;
      }
      if (take != 0) return; /* outbox full: reported */
    }
    const size_t take = size < INPUT_MESSAGE_MAX - 1 ? size : INPUT_MESSAGE_MAX - 1;
    if (!outbox_reserve(s, 4 + 1 + take)) return;
    const uint32_t record = (uint32_t)(1 + take);
    s->last_record = s->outbox_size;
    memcpy(s->outbox + s->outbox_size, &record, sizeof(record));
    s->outbox[s->outbox_size + 4] = tag;
    memcpy(s->outbox + s->outbox_size + 5, bytes, take);
    s->outbox_size += 5 + take;
    bytes += take;
    size -= take;
    if (tag != VIPER_STREAM_DATA) return;
  }
}

static void end_session(struct session* s);

/* A DATA record the channel has no room for: sends the longest prefix of
 * halves that fits and leaves the rest as the record. WRITABLE means room
 * for one byte, so without this a large record and a nearly full channel
 * would wake consoled for nothing until the client read (RC-021). */
static bool send_part(struct session* s, size_t* at) {
  const uint32_t size = record_size(s, *at);
  if (s->outbox[*at + 4] != VIPER_STREAM_DATA) return false;
  for (size_t part = (size - 1) / 2; part >= 1; part /= 2) {
    if (viper_channel_write(s->channel, s->outbox + *at + 4, 1 + part, 0, 0) != 0) continue;
    /* The rest becomes a record of its own where the sent bytes were. */
    const uint32_t rest = size - (uint32_t)part;
    if (s->last_record == *at) s->last_record = *at + part;
    *at += part;
    ++g_progress;
    memcpy(s->outbox + *at, &rest, sizeof(rest));
    s->outbox[*at + 4] = VIPER_STREAM_DATA;
    return true;
  }
  return false;
}

/* Sends what the outbox holds, in order, until the channel is full. */
static void flush(struct session* s) {
  size_t at = 0;
  while (at < s->outbox_size) {
    const uint32_t size = record_size(s, at);
    const int64_t r = viper_channel_write(s->channel, s->outbox + at + 4, size, 0, 0);
    if (r >= 0) ++g_progress;
    if (r == VIPER_ERR_WOULD_BLOCK) {
      if (send_part(s, &at)) continue;
      break; /* full even for one byte: WRITABLE is clear until it reads */
    }
    if (r < 0) { /* the client is gone (PEER_CLOSED reaches the pollset too) */
      at = s->outbox_size;
      break;
    }
    at += 4 + size;
  }
  if (at != 0) {
    memmove(s->outbox, s->outbox + at, s->outbox_size - at);
    s->outbox_size -= at;
    s->last_record -= s->last_record >= at ? at : s->last_record;
  }
  watch(s, s->outbox_size != 0);
}

/* ---- Typed input ---- */

static char g_echo[8192];
static size_t g_echo_size;

static void flush_echo(void) {
  if (g_echo_size != 0 && g_console) viper_console_write(g_console, g_echo, g_echo_size);
  g_echo_size = 0;
}

static void on_echo(void* context, const char* bytes, size_t size) {
  (void)context;
  if (g_echo_size + size > sizeof(g_echo)) flush_echo();
  memcpy(g_echo + g_echo_size, bytes, size);
  g_echo_size += size;
}

static void on_deliver(void* context, const char* bytes, size_t size) {
  queue(context, VIPER_STREAM_DATA, bytes, size);
}

static void on_eof(void* context) { queue(context, VIPER_STREAM_EOF, 0, 0); }

static void on_interrupt(void* context) {
  struct session* s = context;
  for (size_t i = 0; i < s->foreground_count; ++i) signal_send(s->foreground[i], SIGINT_NUMBER);
}

static struct session* input_target(void) {
  struct session* newest = 0;
  for (int i = 0; i < MAX_SESSIONS; ++i) {
    struct session* s = &g_sessions[i];
    if (s->channel && (!newest || s->started > newest->started)) newest = s;
  }
  return newest;
}

static struct ld_sink sink_of(struct session* s) {
  return (struct ld_sink){s, &on_echo, &on_deliver, &on_eof, &on_interrupt};
}

static void type_into(struct session* s, const uint8_t* bytes, size_t size) {
  const struct ld_sink sink = sink_of(s);
  ld_feed(&s->ld, bytes, size, &sink);
  flush_echo(); /* the echo of one burst: one console write */
  flush(s);
}

static void console_input(void) {
  uint8_t burst[4096];
  for (;;) {
    const int64_t n = viper_console_read(g_console, burst, sizeof(burst));
    if (n <= 0) return; /* VIPER_ERR_WOULD_BLOCK: all taken; kReadable is clear */
    ++g_progress;
    struct session* target = input_target();
    if (target) {
      type_into(target, burst, (size_t)n);
    } else {
      /* Nobody to type to yet: hold it for the first session. */
      const size_t room = sizeof(g_held) - g_held_size;
      const size_t keep = (size_t)n < room ? (size_t)n : room;
      memcpy(g_held + g_held_size, burst, keep);
      g_held_size += keep;
      if (keep < (size_t)n)
        say("consoled: no session yet; dropped %lld typed bytes\n", (long long)((size_t)n - keep));
    }
  }
}

/* ---- Sessions ---- */

static void end_session(struct session* s) {
  viper_pollset_remove(g_pollset, s->channel);
  viper_handle_close(s->channel);
  close_all(s->foreground, s->foreground_count);
  free(s->outbox);
  memset(s, 0, sizeof(*s));
}

static void set_foreground(struct session* s, size_t count) {
  close_all(s->foreground, s->foreground_count);
  s->foreground_count = 0;
  for (size_t i = 0; i < count; ++i) {
    if (i < MAX_FOREGROUND) {
      s->foreground[s->foreground_count++] = g_handles[i];
    } else {
      viper_handle_close(g_handles[i]);
    }
  }
}

/* One message from a client. */
static void client_message(struct session* s, size_t size, size_t handles) {
  const int slot = (int)(s - g_sessions);
  const uint8_t tag = size ? g_message[0] : 0;
  if (tag == VIPER_STREAM_DATA && handles == 0) {
    if (size > 1 && g_console) viper_console_write(g_console, g_message + 1, size - 1);
    return;
  }
  if (tag == VIPER_STREAM_SET_MODE && size == 2 && handles == 0) {
    const struct ld_sink sink = sink_of(s);
    if (ld_set_mode(&s->ld, g_message[1], &sink)) {
      flush(s); /* typed-ahead bytes it delivered go out now */
      return;
    }
  }
  if (tag == VIPER_STREAM_SET_FOREGROUND && size == 1) {
    set_foreground(s, handles);
    return;
  }
  if (tag == CONSOLED_STATS && size == 1 && handles == 0) {
    char line[64];
    const int n = snprintf(line, sizeof(line), "consoled: wakeups %llu idle %llu\n",
                           (unsigned long long)g_wakeups, (unsigned long long)g_idle_wakeups);
    queue(s, VIPER_STREAM_DATA, line, (size_t)n);
    flush(s);
    return;
  }
  say("consoled: session %d: malformed message (tag %u, %zu bytes, %zu handles) ignored\n", slot,
      tag, size, handles);
  close_all(g_handles, handles);
}

static void session_readable(struct session* s) {
  for (;;) {
    struct viper_message m = {g_message, 0, sizeof(g_message),
                              g_handles, 0, VIPER_MESSAGE_HANDLES_MAX};
    const int64_t r = viper_channel_read(s->channel, &m, 0);
    if (r == VIPER_ERR_PEER_CLOSED) {
      ++g_progress;
      end_session(s);
      return;
    }
    if (r < 0) return; /* nothing more now */
    ++g_progress;
    client_message(s, m.byte_count, m.handle_count);
  }
}

static void add_session(viper_handle_t channel) {
  struct viper_object_info info;
  if (viper_object_info(channel, &info) < 0 || info.type != VIPER_OBJECT_CHANNEL) {
    say("consoled: a session must be a channel (got object type %u); refused\n",
        (unsigned)info.type);
    viper_handle_close(channel);
    return;
  }
  for (int i = 0; i < MAX_SESSIONS; ++i) {
    struct session* s = &g_sessions[i];
    if (s->channel) continue;
    s->channel = channel;
    s->started = ++g_arrivals;
    ld_init(&s->ld);
    if (viper_pollset_add(g_pollset, channel, SESSION_SIGNALS, KEY_SESSION + (uint64_t)i) < 0) {
      say("consoled: cannot wait on session %d; refused\n", i);
      viper_handle_close(channel);
      s->channel = 0;
      return;
    }
    if (g_held_size != 0) { /* typed before anyone listened */
      type_into(s, g_held, g_held_size);
      g_held_size = 0;
    }
    return;
  }
  say("consoled: %d sessions already; refused\n", MAX_SESSIONS);
  viper_handle_close(channel);
}

/* ---- The bootstrap channel ---- */

static bool is(const char* word, size_t size) {
  return size == strlen(word) && memcmp(g_message, word, size) == 0;
}

static void bootstrap_message(size_t size, size_t handles) {
  if (is("console", size) && handles == 1) {
    if (g_console) {
      viper_pollset_remove(g_pollset, g_console);
      viper_handle_close(g_console);
    }
    g_console = g_handles[0];
    if (viper_pollset_add(g_pollset, g_console, VIPER_SIGNAL_READABLE, KEY_CONSOLE) < 0) {
      say("consoled: the console handle cannot be waited on\n");
    }
    console_input(); /* what was typed before consoled started */
    return;
  }
  if (is("session", size) && handles == 1) {
    add_session(g_handles[0]);
    return;
  }
  say("consoled: malformed bootstrap message (%zu bytes, %zu handles) ignored\n", size, handles);
  close_all(g_handles, handles);
}

static void bootstrap_readable(void) {
  for (;;) {
    struct viper_message m = {g_message, 0, sizeof(g_message),
                              g_handles, 0, VIPER_MESSAGE_HANDLES_MAX};
    const int64_t r = viper_channel_read(g_bootstrap, &m, 0);
    if (r == VIPER_ERR_PEER_CLOSED) { /* init is gone: serve who is there */
      ++g_progress;
      viper_pollset_remove(g_pollset, g_bootstrap);
      viper_handle_close(g_bootstrap);
      g_bootstrap = 0;
      return;
    }
    if (r == VIPER_ERR_OUT_OF_RANGE) {
      say("consoled: oversized bootstrap message ignored\n");
      continue;
    }
    if (r < 0) return;
    ++g_progress;
    bootstrap_message(m.byte_count, m.handle_count);
  }
}

int main(void) {
  g_bootstrap = viper_bootstrap_handle();
  const int64_t set = viper_pollset_create();
  if (g_bootstrap == 0 || set < 0) {
    say("consoled: started without a bootstrap channel; nothing to serve\n");
    return 1;
  }
  g_pollset = (viper_handle_t)set;
  viper_pollset_add(g_pollset, g_bootstrap, VIPER_SIGNAL_READABLE | VIPER_SIGNAL_PEER_CLOSED,
                    KEY_BOOTSTRAP);
  for (;;) {
    struct viper_poll_event events[VIPER_POLL_EVENTS_MAX];
    const int64_t n =
        viper_pollset_wait(g_pollset, events, VIPER_POLL_EVENTS_MAX, VIPER_DEADLINE_NEVER);
    ++g_wakeups;
    const uint64_t progress = g_progress;
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t key = events[i].key;
      if (key == KEY_CONSOLE) {
        console_input();
      } else if (key == KEY_BOOTSTRAP) {
        if (g_bootstrap) bootstrap_readable();
      } else if (key >= KEY_SESSION && key < KEY_SESSION + MAX_SESSIONS) {
        struct session* s = &g_sessions[key - KEY_SESSION];
        if (!s->channel) continue; /* ended earlier in this batch */
        if (events[i].signals & VIPER_SIGNAL_WRITABLE) flush(s);
        if (s->channel && (events[i].signals & SESSION_SIGNALS)) session_readable(s);
      }
    }
    if (g_progress == progress) ++g_idle_wakeups;
  }
}
