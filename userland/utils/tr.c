/* tr: translates, deletes or squeezes bytes from stdin to stdout.
 *
 * A SET is expanded, in order, to a list of bytes: characters, escapes
 * (\n \t \\ \NNN octal and the rest of C's), ranges "a-z" and classes
 * "[:alpha:]" (bracket.h's list). Translating maps the Nth byte of SET1
 * to the Nth of SET2, SET2 padded with its last byte, as coreutils. */
#include <stdio.h>
#include <string.h>

#include "userland/utils/lib/bracket.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "tr",
    .usage = "[-cds] SET1 [SET2]",
    .help =
        "Copies stdin to stdout, translating the bytes of SET1 into those of SET2.\n"
        "SETs: characters, escapes (\\n \\t \\\\ \\NNN octal), ranges a-z, classes\n"
        "[:alpha:] [:digit:] [:alnum:] [:upper:] [:lower:] [:space:] [:blank:]\n"
        "[:punct:] [:print:] [:graph:] [:cntrl:] [:xdigit:].\n"
        "  -c  the complement of SET1 (every byte not in it, in ascending order)\n"
        "  -d  delete the bytes of SET1\n"
        "  -s  squeeze each run of a byte of the last SET given into one\n"};

enum { kSetMax = 4096 };

struct set {
  unsigned char bytes[kSetMax];
  int length;
  int other_class; /* a class other than upper and lower appeared */
};

static void push(struct set* s, int c) {
  if (s->length == kSetMax) util_usage_error("set too long");
  s->bytes[s->length++] = (unsigned char)c;
}

/* The byte at *p, an escape taken as one; *p moves past it. */
static int next_byte(const char** p) {
  const char* q = *p;
  if (q[0] != '\\' || q[1] == '\0') {
    *p = q + 1;
    return (unsigned char)q[0];
  }
  ++q;
  if (*q >= '0' && *q <= '7') {
    int value = 0;
    for (int digits = 0; digits < 3 && *q >= '0' && *q <= '7'; ++digits) {
      value = value * 8 + (*q++ - '0');
    }
    *p = q;
    return value & 0xff;
  }
  static const char kFrom[] = "abfnrtv", kTo[] = "\a\b\f\n\r\t\v";
  const char* known = strchr(kFrom, *q);
  *p = q + 1;
  return known != NULL ? kTo[known - kFrom] : (unsigned char)*q;
}

static void expand(struct set* s, const char* text) {
  for (const char* p = text; *p != '\0';) {
    if (p[0] == '[' && p[1] == ':') {
      const char* end = strstr(p + 2, ":]");
      if (end != NULL) {
        const size_t length = (size_t)(end - p - 2);
        const int index = charclass_find(p + 2, length);
        if (index < 0) util_usage_error("invalid character class '%.*s'", (int)length, p + 2);
        if (strncmp(p + 2, "upper", length) != 0 && strncmp(p + 2, "lower", length) != 0) {
          s->other_class = 1;
        }
        for (int c = 0; c < 256; ++c) {
          if (charclass_has(index, c)) push(s, c);
        }
        p = end + 2;
        continue;
      }
    }
    const char* start = p;
    const int low = next_byte(&p);
    if (p[0] == '-' && p[1] != '\0') {
      ++p;
      const int high = next_byte(&p);
      if (high < low) {
        util_usage_error("range-endpoints of '%.*s' are in reverse collating sequence order",
                         (int)(p - start), start);
      }
      for (int c = low; c <= high; ++c) push(s, c);
    } else {
      push(s, low);
    }
  }
}

static void complement(struct set* s) {
  struct charset in = {{0}};
  for (int i = 0; i < s->length; ++i) charset_add(&in, s->bytes[i]);
  s->length = 0;
  for (int c = 0; c < 256; ++c) {
    if (!charset_has(&in, (unsigned char)c)) push(s, c);
  }
}

static struct charset members(const struct set* s) {
  struct charset m = {{0}};
  for (int i = 0; i < s->length; ++i) charset_add(&m, s->bytes[i]);
  return m;
}

static struct set set1, set2;

int main(int argc, char** argv) {
  util_begin(&kProgram);
  struct util_options o;
  util_options_init(&o, argc, argv);
  int complemented = 0, deleting = 0, squeezing = 0;
  for (int c; (c = util_next_option(&o, "cds")) != -1;) {
    if (c == 'c') complemented = 1;
    if (c == 'd') deleting = 1;
    if (c == 's') squeezing = 1;
  }
  const int sets = argc - o.index;
  const int want = deleting && squeezing ? 2 : deleting || squeezing ? 1 : 2;
  if (sets == 0) util_usage_error("missing operand");
  if (sets < want) util_usage_error("missing operand after '%s'", argv[o.index]);
  /* -s with two SETs translates, then squeezes SET2. */
  if (sets > 2 || (sets == 2 && deleting && !squeezing)) {
    util_usage_error("extra operand '%s'", argv[o.index + (sets > 2 ? 2 : 1)]);
  }
  expand(&set1, argv[o.index]);
  if (complemented) complement(&set1);
  if (sets == 2) expand(&set2, argv[o.index + 1]);
  const int translating = sets == 2 && !deleting;

  unsigned char map[256];
  for (int c = 0; c < 256; ++c) map[c] = (unsigned char)c;
  if (translating) {
    if (set2.other_class) {
      util_usage_error(
          "when translating, the only character classes that may appear in SET2 are "
          "'upper' and 'lower'");
    }
    if (set2.length == 0 && set1.length > 0) util_usage_error("SET2 must be non-empty");
    for (int i = 0; i < set1.length; ++i) {
      map[set1.bytes[i]] = set2.bytes[i < set2.length ? i : set2.length - 1];
    }
  }
  const struct charset deleted = members(&set1);
  const struct charset squeezed = members(sets == 2 ? &set2 : &set1);

  int last = -1;
  for (int c; (c = getchar()) != EOF;) {
    if (deleting && charset_has(&deleted, (unsigned char)c)) continue;
    c = map[c];
    if (squeezing && c == last && charset_has(&squeezed, (unsigned char)c)) continue;
    putchar(c);
    last = c;
  }
  return util_finish(UTIL_OK);
}
