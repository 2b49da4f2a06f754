#include "line_discipline.h"

enum {
  kCtrlC = 0x03,
  kCtrlD = 0x04,
  kBackspace = 0x08,
  kLineFeed = 0x0a,
  kReturn = 0x0d,
  kCtrlU = 0x15,
  kDelete = 0x7f,
};

void ld_init(struct line_discipline* ld) {
  ld->mode = LD_COOKED;
  ld->after_cr = false;
  ld->length = 0;
}

bool ld_set_mode(struct line_discipline* ld, int mode, const struct ld_sink* sink) {
  if (mode != LD_COOKED && mode != LD_RAW) return false;
  if (ld->mode == LD_COOKED && mode == LD_RAW && ld->length != 0) {
    sink->deliver(sink->context, ld->line, ld->length);
    ld->length = 0;
  }
  ld->mode = mode;
  ld->after_cr = false;
  return true;
}

static void echo(const struct ld_sink* sink, const char* bytes, size_t size) {
  if (sink->echo) sink->echo(sink->context, bytes, size);
}

static void deliver_line(struct line_discipline* ld, const struct ld_sink* sink) {
  if (ld->length != 0) sink->deliver(sink->context, ld->line, ld->length);
  ld->length = 0;
}

static bool utf8_continuation(char c) { return ((unsigned char)c & 0xc0) == 0x80; }

/* Other control characters are kept in the line but echoed as ^X, so an
 * arrow key typed in cooked mode shows as ^[[A instead of moving the
 * cursor under the line. */
static bool shown_as_caret(char c) { return (unsigned char)c < 0x20 && c != '\t'; }

/* Erases the last character: its UTF-8 continuation bytes and its lead. */
static void erase_one(struct line_discipline* ld, const struct ld_sink* sink) {
  if (ld->length == 0) return;
  while (ld->length > 1 && utf8_continuation(ld->line[ld->length - 1])) --ld->length;
  --ld->length;
  if (shown_as_caret(ld->line[ld->length])) echo(sink, "\b \b", 3);
  echo(sink, "\b \b", 3);
}

static void cooked(struct line_discipline* ld, char c, const struct ld_sink* sink) {
  const bool after_cr = ld->after_cr;
  ld->after_cr = c == kReturn;
  switch (c) {
    case kLineFeed:
      if (after_cr) return; /* the LF of a CR LF: Enter was already taken */
      /* fall through */
    case kReturn:
      echo(sink, "\n", 1);
      ld->line[ld->length++] = '\n'; /* room: length < LD_LINE_MAX always */
      deliver_line(ld, sink);
      return;
    case kDelete:
    case kBackspace:
      erase_one(ld, sink);
      return;
    case kCtrlU:
      while (ld->length != 0) erase_one(ld, sink);
      return;
    case kCtrlC:
      ld->length = 0;
      echo(sink, "^C\n", 3);
      if (sink->interrupt) sink->interrupt(sink->context);
      return;
    case kCtrlD:
      if (ld->length == 0) {
        if (sink->end_of_file) sink->end_of_file(sink->context);
      } else {
        deliver_line(ld, sink);
      }
      return;
    default:
      if (shown_as_caret(c)) {
        const char caret[2] = {'^', (char)(c + '@')};
        echo(sink, caret, 2);
      } else {
        echo(sink, &c, 1);
      }
      ld->line[ld->length++] = c;
      /* Full (one byte kept free for Enter's '\n'): deliver what there is
       * rather than drop what comes next. */
      if (ld->length == LD_LINE_MAX - 1) deliver_line(ld, sink);
      return;
  }
}

void ld_feed(struct line_discipline* ld, const uint8_t* bytes, size_t size,
             const struct ld_sink* sink) {
  if (ld->mode == LD_RAW) {
    if (size != 0) sink->deliver(sink->context, (const char*)bytes, size);
    return;
  }
  for (size_t i = 0; i < size; ++i) cooked(ld, (char)bytes[i], sink);
}
