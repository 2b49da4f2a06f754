#include "userland/init/config.h"

#include <stdio.h>
#include <string.h>

/* Splits entry->text into words (argv). Returns -1 if there are too many. */
static int split_words(struct init_entry* entry) {
  char* p = entry->text;
  entry->argc = 0;
  for (;;) {
    while (*p == ' ' || *p == '\t') *p++ = '\0';
    if (*p == '\0') break;
    if (entry->argc == INIT_MAX_ARGS) return -1;
    entry->argv[entry->argc++] = p;
    while (*p && *p != ' ' && *p != '\t') ++p;
  }
  entry->argv[entry->argc] = NULL;
  return 0;
}

static void parse_line(const char* line, size_t length, int number, struct init_config* config) {
  while (length > 0 && (line[0] == ' ' || line[0] == '\t')) {
    ++line;
    --length;
  }
  const char* hash = memchr(line, '#', length);
  if (hash) length = (size_t)(hash - line);
  while (length > 0 &&
         (line[length - 1] == ' ' || line[length - 1] == '\t' || line[length - 1] == '\r')) {
    --length;
  }
  if (length == 0) return;
  if (config->count == INIT_MAX_ENTRIES) {
    fprintf(stderr, "init: config line %d: more than %d entries; ignored\n", number,
            INIT_MAX_ENTRIES);
    ++config->errors;
    return;
  }
  if (length >= INIT_MAX_LINE) {
    fprintf(stderr, "init: config line %d: longer than %d characters; ignored\n", number,
            INIT_MAX_LINE - 1);
    ++config->errors;
    return;
  }
  struct init_entry* entry = &config->entries[config->count];
  memcpy(entry->text, line, length);
  entry->text[length] = '\0';
  entry->line = number;
  if (split_words(entry) != 0) {
    fprintf(stderr, "init: config line %d: more than %d words; ignored\n", number, INIT_MAX_ARGS);
    ++config->errors;
    return;
  }
  const char* verb = entry->argv[0];
  static const struct {
    const char* verb;
    enum init_action action;
    int channel_only;
  } kVerbs[] = {
      {"run", INIT_RUN, 0},
      {"start", INIT_START, 0},
      {"console", INIT_CONSOLE, 0},
      {"session", INIT_SESSION, 0},
      {"attach", INIT_ATTACH, 0},
      {"session-channel", INIT_SESSION, 1},
      {"attach-channel", INIT_ATTACH, 1},
      {"fs", INIT_FS, 0},
      {"net", INIT_NET, 0},
  };
  int known = -1;
  for (size_t i = 0; i < sizeof(kVerbs) / sizeof(kVerbs[0]); ++i) {
    if (strcmp(verb, kVerbs[i].verb) == 0) known = (int)i;
  }
  if (known >= 0) {
    if (entry->argc < 2) {
      fprintf(stderr, "init: config line %d: '%s' needs a program\n", number, verb);
      ++config->errors;
      return;
    }
    const enum init_action action = kVerbs[known].action;
    if (action == INIT_FS || action == INIT_NET) {
      for (int i = 0; i < config->count; ++i) {
        if (config->entries[i].action != action) continue;
        fprintf(stderr, "init: config line %d: a second '%s' (line %d has one); ignored\n", number,
                verb, config->entries[i].line);
        ++config->errors;
        return;
      }
    }
    entry->action = kVerbs[known].action;
    entry->channel_only = kVerbs[known].channel_only;
    /* argv becomes the program's own: drop the verb. */
    for (int i = 0; i < entry->argc; ++i) entry->argv[i] = entry->argv[i + 1];
    --entry->argc;
  } else if (strcmp(verb, "poweroff") == 0 && entry->argc == 1) {
    entry->action = INIT_POWEROFF;
  } else {
    fprintf(stderr, "init: config line %d: unknown directive '%s'\n", number, verb);
    ++config->errors;
    return;
  }
  ++config->count;
}

void init_parse_config(const char* text, size_t size, struct init_config* config) {
  config->count = 0;
  config->errors = 0;
  int number = 1;
  size_t start = 0;
  for (size_t i = 0; i <= size; ++i) {
    if (i == size || text[i] == '\n') {
      parse_line(text + start, i - start, number++, config);
      start = i + 1;
    }
  }
}
