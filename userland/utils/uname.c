/* uname: the system's names. */
#include <stdio.h>

#include "userland/utils/lib/fs.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "uname",
    .usage = "[-asnrvm]",
    .help =
        "Prints the system's name (-s, the default), or the ones asked for in this order:\n"
        "  -s  the kernel's name    -n  the machine's network name\n"
        "  -r  the kernel release   -v  the kernel version\n"
        "  -m  the hardware         -a  all of them\n"};

int main(int argc, char** argv) {
  util_begin(&kProgram);
  enum { kS = 1, kN = 2, kR = 4, kV = 8, kM = 16 };
  unsigned want = 0;
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "asnrvm")) != -1;) {
    want |= c == 'a' ? 31u : c == 's' ? kS : c == 'n' ? kN : c == 'r' ? kR : c == 'v' ? kV : kM;
  }
  if (o.index < argc) util_usage_error("extra operand '%s'", argv[o.index]);
  if (want == 0) want = kS;
  struct fs_system_name name;
  if (fs_system_name(&name) != 0) {
    util_errno("cannot get the system name");
    return UTIL_FAILURE;
  }
  const char* fields[] = {name.sysname, name.nodename, name.release, name.version, name.machine};
  const char* separator = "";
  for (int i = 0; i < 5; ++i) {
    if (want & (1u << i)) {
      printf("%s%s", separator, fields[i]);
      separator = " ";
    }
  }
  putchar('\n');
  return util_finish(UTIL_OK);
}
