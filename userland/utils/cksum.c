/* cksum: the POSIX checksum and byte count of each file (lib/crc.h), as
 * coreutils' `cksum` prints them. */
#include "userland/utils/lib/crc.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "cksum",
    .usage = "[FILE]...",
    .help =
        "Prints the POSIX CRC checksum, the byte count and the name of each FILE\n"
        "(none: stdin, printed without a name; \"-\": stdin, named \"-\").\n"};

static int named; /* operands given: each line ends with its name */

static int sum(FILE* file, const char* name) {
  struct crc_state s;
  crc_begin(&s);
  static unsigned char buffer[16384];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), file)) > 0) crc_add(&s, buffer, n);
  if (ferror(file)) return 1; /* util_each_input says why */
  const unsigned long long length = (unsigned long long)s.length;
  const unsigned long crc = crc_end(&s);
  if (!named) {
    printf("%lu %llu\n", crc, length);
  } else {
    printf("%lu %llu %s\n", crc, length, name);
  }
  return 0;
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  const int first = util_operands(argc, argv);
  named = first < argc;
  return util_finish(util_each_input(argc, argv, first, sum));
}
