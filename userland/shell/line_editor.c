#include "userland/shell/line_editor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void le_init(line_editor* e, sh_history* history, bool ansi, le_complete_fn complete,
             void* context) {
  memset(e, 0, sizeof *e);
  e->history = history;
  e->ansi = ansi;
  e->complete = complete;
  e->complete_context = context;
}

void le_free(line_editor* e) {
  buf_free(&e->line);
  buf_free(&e->output);
  free(e->prompt);
  free(e->scratch);
  memset(e, 0, sizeof *e);
}

const char* le_line(const line_editor* e) { return e->line.data ? e->line.data : ""; }
size_t le_cursor(const line_editor* e) { return e->cursor; }
sh_buf* le_output(line_editor* e) { return &e->output; }

static void emit(line_editor* e, const char* s) { buf_puts(&e->output, s); }

/* Redraws the prompt and line, and puts the cursor back in place. */
static void refresh(line_editor* e) {
  if (!e->ansi) return;
  emit(e, "\r");
  emit(e, e->prompt ? e->prompt : "");
  buf_append(&e->output, le_line(e), e->line.len);
  emit(e, "\x1b[K");
  if (e->cursor < e->line.len) {
    char move[24];
    snprintf(move, sizeof move, "\x1b[%zuD", e->line.len - e->cursor);
    emit(e, move);
  }
}

static void set_line(line_editor* e, const char* text) {
  buf_clear(&e->line);
  buf_puts(&e->line, text);
  e->cursor = e->line.len;
  refresh(e);
}

void le_begin(line_editor* e, const char* prompt) {
  free(e->prompt);
  e->prompt = sh_xstrdup(prompt);
  buf_clear(&e->line);
  e->cursor = 0;
  e->history_pos = e->history ? e->history->len : 0;
  free(e->scratch);
  e->scratch = NULL;
  e->escape = 0;
  e->tabs = 0;
  emit(e, prompt);
}

static void insert(line_editor* e, const char* s, size_t n) {
  bool at_end = e->cursor == e->line.len;
  char* tail = sh_xstrdup(le_line(e) + e->cursor);
  e->line.len = e->cursor;
  buf_append(&e->line, s, n);
  buf_puts(&e->line, tail);
  free(tail);
  e->cursor += n;
  if (at_end || !e->ansi)
    buf_append(&e->output, s, n); /* the cheap echo: nothing after it to redraw */
  else
    refresh(e);
}

/* Removes [from, to) from the line; the cursor goes to from. */
static void erase(line_editor* e, size_t from, size_t to) {
  if (from >= to) return;
  bool backspace_at_end = to == e->line.len && to == e->cursor && to - from == 1;
  memmove(e->line.data + from, e->line.data + to, e->line.len - to + 1);
  e->line.len -= to - from;
  e->cursor = from;
  if (!e->ansi && backspace_at_end)
    emit(e, "\b \b");
  else
    refresh(e);
}

static void move_to(line_editor* e, size_t pos) {
  if (pos == e->cursor) return;
  e->cursor = pos;
  refresh(e);
}

static void history_move(line_editor* e, int delta) {
  sh_history* h = e->history;
  if (!h || h->len == 0) return;
  if (delta < 0) {
    if (e->history_pos == 0) return;
    if (e->history_pos == h->len) {
      free(e->scratch);
      e->scratch = sh_xstrdup(le_line(e));
    }
    e->history_pos--;
    set_line(e, history_get(h, e->history_pos));
  } else {
    if (e->history_pos >= h->len) return;
    e->history_pos++;
    set_line(e, e->history_pos == h->len ? (e->scratch ? e->scratch : "")
                                         : history_get(h, e->history_pos));
  }
}

static bool is_space(char c) { return c == ' ' || c == '\t'; }

/* Is position `start` where a command name goes: at the start, or after
 * | ; & (and so && ||)? */
static bool command_position(const char* line, size_t start) {
  while (start > 0 && is_space(line[start - 1])) start--;
  return start == 0 || strchr("|;&", line[start - 1]) != NULL;
}

static size_t common_prefix(const sh_vec* v) {
  size_t n = strlen(v->items[0]);
  for (size_t i = 1; i < v->len; i++) {
    size_t k = 0;
    while (k < n && v->items[i][k] == v->items[0][k]) k++;
    n = k;
  }
  return n;
}

static void list_candidates(line_editor* e, const sh_vec* v) {
  emit(e, "\r\n");
  for (size_t i = 0; i < v->len; i++) {
    const char* name = v->items[i];
    size_t len = strlen(name);
    /* show the last path component, as ls would ("dir/" keeps its '/') */
    const char* shown = name;
    for (size_t k = 0; k + 1 < len; k++)
      if (name[k] == '/') shown = name + k + 1;
    if (i) emit(e, "  ");
    emit(e, shown);
  }
  emit(e, "\r\n");
  emit(e, e->prompt ? e->prompt : "");
  buf_append(&e->output, le_line(e), e->line.len);
  if (e->ansi && e->cursor < e->line.len) {
    char move[24];
    snprintf(move, sizeof move, "\x1b[%zuD", e->line.len - e->cursor);
    emit(e, move);
  }
}

static void complete(line_editor* e) {
  if (!e->complete) return;
  const char* line = le_line(e);
  size_t start = e->cursor;
  while (start > 0 && !is_space(line[start - 1]) && !strchr("|;&<>", line[start - 1])) start--;
  char* word = sh_xstrndup(line + start, e->cursor - start);
  sh_vec candidates = {0};
  e->complete(e->complete_context, word, command_position(line, start), &candidates);
  vec_sort(&candidates);
  /* duplicates (a program in two PATH directories) are one candidate */
  size_t kept = 0;
  for (size_t i = 0; i < candidates.len; i++) {
    if (kept && strcmp(candidates.items[kept - 1], candidates.items[i]) == 0) {
      free(candidates.items[i]);
      continue;
    }
    candidates.items[kept++] = candidates.items[i];
  }
  candidates.len = kept;
  if (candidates.items) candidates.items[kept] = NULL;
  size_t word_len = strlen(word);
  if (candidates.len == 0) {
    if (e->ansi) emit(e, "\a");
  } else {
    size_t prefix = common_prefix(&candidates);
    const char* first = candidates.items[0];
    bool one = candidates.len == 1;
    if (prefix > word_len || one) {
      /* replace the word by the longer common prefix (only the new part
       * when it extends the word, so the screen just gets more text) */
      if (strncmp(first, word, word_len) == 0 && prefix >= word_len) {
        insert(e, first + word_len, prefix - word_len);
      } else {
        erase(e, start, e->cursor);
        insert(e, first, prefix);
      }
      if (one && first[prefix - 1] != '/') insert(e, " ", 1);
    } else if (e->tabs >= 2) {
      list_candidates(e, &candidates);
    } else if (e->ansi) {
      emit(e, "\a");
    }
  }
  vec_free(&candidates);
  free(word);
}

/* The final byte of an escape sequence; arg is what came between. */
static void escape_key(line_editor* e, char final, const char* arg) {
  switch (final) {
    case 'A':
      history_move(e, -1);
      break;
    case 'B':
      history_move(e, +1);
      break;
    case 'C':
      if (e->cursor < e->line.len) move_to(e, e->cursor + 1);
      break;
    case 'D':
      if (e->cursor > 0) move_to(e, e->cursor - 1);
      break;
    case 'H':
      move_to(e, 0);
      break;
    case 'F':
      move_to(e, e->line.len);
      break;
    case '~':
      if (strcmp(arg, "1") == 0 || strcmp(arg, "7") == 0)
        move_to(e, 0);
      else if (strcmp(arg, "4") == 0 || strcmp(arg, "8") == 0)
        move_to(e, e->line.len);
      else if (strcmp(arg, "3") == 0)
        erase(e, e->cursor, e->cursor < e->line.len ? e->cursor + 1 : e->cursor);
      break;
    default:
      break; /* an unknown key: ignored, never inserted */
  }
}

static le_result feed_escape(line_editor* e, unsigned char c) {
  if (e->escape == 1) {
    e->escape = c == '[' ? 2 : c == 'O' ? 3 : 0;
    e->escape_len = 0;
    return LE_MORE;
  }
  if (e->escape == 2 && ((c >= '0' && c <= '9') || c == ';')) {
    if (e->escape_len + 1 < sizeof e->escape_arg) e->escape_arg[e->escape_len++] = (char)c;
    return LE_MORE;
  }
  e->escape_arg[e->escape_len] = '\0';
  e->escape = 0;
  escape_key(e, (char)c, e->escape_arg);
  return LE_MORE;
}

static size_t word_start_before(const line_editor* e) {
  const char* s = le_line(e);
  size_t p = e->cursor;
  while (p > 0 && is_space(s[p - 1])) p--;
  while (p > 0 && !is_space(s[p - 1])) p--;
  return p;
}

le_result le_feed(line_editor* e, unsigned char c) {
  if (e->escape) return feed_escape(e, c);
  bool after_cr = e->after_cr;
  e->after_cr = false;
  e->tabs = c == '\t' ? e->tabs + 1 : 0;
  switch (c) {
    case '\n':
      if (after_cr) return LE_MORE; /* the \n of a \r\n: that line was entered */
      /* fall through */
    case '\r':
      e->after_cr = c == '\r';
      move_to(e, e->line.len);
      emit(e, e->ansi ? "\r\n" : "\n");
      return LE_LINE;
    case 0x1b:
      e->escape = 1;
      return LE_MORE;
    case 0x7f:
    case 0x08:
      if (e->cursor > 0) erase(e, e->cursor - 1, e->cursor);
      return LE_MORE;
    case 0x01:
      move_to(e, 0);
      return LE_MORE;
    case 0x05:
      move_to(e, e->line.len);
      return LE_MORE;
    case 0x02:
      if (e->cursor > 0) move_to(e, e->cursor - 1);
      return LE_MORE;
    case 0x06:
      if (e->cursor < e->line.len) move_to(e, e->cursor + 1);
      return LE_MORE;
    case 0x15:
      erase(e, 0, e->cursor);
      return LE_MORE;
    case 0x0b:
      erase(e, e->cursor, e->line.len);
      return LE_MORE;
    case 0x17:
      erase(e, word_start_before(e), e->cursor);
      return LE_MORE;
    case 0x0c:
      if (e->ansi) emit(e, "\x1b[H\x1b[2J");
      refresh(e);
      return LE_MORE;
    case 0x10:
      history_move(e, -1);
      return LE_MORE;
    case 0x0e:
      history_move(e, +1);
      return LE_MORE;
    case 0x03:
      emit(e, e->ansi ? "^C\r\n" : "^C\n");
      buf_clear(&e->line);
      e->cursor = 0;
      e->history_pos = e->history ? e->history->len : 0;
      emit(e, e->prompt ? e->prompt : "");
      return LE_MORE;
    case 0x04:
      if (e->line.len == 0) return LE_EOF;
      erase(e, e->cursor, e->cursor < e->line.len ? e->cursor + 1 : e->cursor);
      return LE_MORE;
    case '\t':
      complete(e);
      return LE_MORE;
    default:
      if (c < 0x20) return LE_MORE; /* other control keys do nothing */
      insert(e, (const char*)&c, 1);
      return LE_MORE;
  }
}
