/* The interactive line editor: a pure state machine from the bytes a
 * terminal sends to a line buffer and the bytes to send back. It reads and
 * writes nothing itself (the shell feeds it and writes le_output), so every
 * key is tested on the host without a terminal.
 *
 * Keys: printable bytes insert; Left/Right (ESC[D ESC[C, Ctrl-B/F),
 * Home/End (ESC[H ESC[F ESC[1~ ESC[4~ ESC[7~ ESC[8~ ESC OH ESC OF, Ctrl-A/E),
 * Delete (ESC[3~), Backspace (0x7f, ^H), Ctrl-U/K (kill to start/end),
 * Ctrl-W (kill the word before the cursor), Ctrl-L (clear the screen),
 * Up/Down (ESC[A ESC[B, Ctrl-P/N) through the history, Tab (complete;
 * a second Tab lists the candidates), Ctrl-C (abandon the line), Ctrl-D
 * (end of input on an empty line, else Delete), Enter (\r, \n or \r\n).
 *
 * With ansi false (output is no terminal) it emits no escape sequences:
 * typed characters are echoed, edits inside the line are silent. */
#ifndef USERLAND_SHELL_LINE_EDITOR_H_
#define USERLAND_SHELL_LINE_EDITOR_H_

#include <stdbool.h>
#include <stddef.h>

#include "userland/shell/history.h"
#include "userland/shell/util.h"

/* Appends to candidates every completion of word (full replacement words;
 * a directory's ends in '/'). command: word is in command position. */
typedef void (*le_complete_fn)(void* context, const char* word, bool command, sh_vec* candidates);

typedef enum {
  LE_MORE, /* keep feeding */
  LE_LINE, /* a line was entered: le_line() */
  LE_EOF,  /* Ctrl-D on an empty line */
} le_result;

typedef struct {
  sh_buf line;
  size_t cursor;
  char* prompt;
  bool ansi;
  sh_buf output;
  sh_history* history;
  size_t history_pos; /* history->len: the line being typed */
  char* scratch;      /* the line being typed, while browsing history */
  int escape;         /* 0 none, 1 after ESC, 2 after ESC[, 3 after ESC O */
  char escape_arg[8];
  size_t escape_len;
  bool after_cr;
  int tabs;
  le_complete_fn complete;
  void* complete_context;
} line_editor;

void le_init(line_editor* e, sh_history* history, bool ansi, le_complete_fn complete,
             void* context);
void le_free(line_editor* e);
/* Starts a new line: empties it and shows the prompt. */
void le_begin(line_editor* e, const char* prompt);
le_result le_feed(line_editor* e, unsigned char byte);
const char* le_line(const line_editor* e);
size_t le_cursor(const line_editor* e);
/* What to send to the terminal; the caller clears it after writing. */
sh_buf* le_output(line_editor* e);

#endif /* USERLAND_SHELL_LINE_EDITOR_H_ */
