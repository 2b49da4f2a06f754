/* free: the machine's memory, in the layout of procps' free. */
#include <stdio.h>
#include <viperdos/viper.h>

#include "userland/utils/lib/native.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "free",
    .usage = "[-b | -k | -m]",
    .help =
        "Shows total, used, free and reserved physical memory (used + free +\n"
        "reserved = total) and the kernel heap's share of used. ViperDOS has no\n"
        "swap; the Swap line says so.\n"
        "  -b  in bytes    -k  in KiB (the default)    -m  in MiB\n"};

int main(int argc, char** argv) {
  util_begin(&kProgram);
  unsigned shift = 10;
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "bkm")) != -1;) shift = c == 'b' ? 0 : c == 'k' ? 10 : 20;
  if (o.index < argc) util_usage_error("extra operand '%s'", argv[o.index]);
  struct viper_system_info info;
  if (util_system_info(&info) != 0) return UTIL_FAILURE;
  printf("%15s %11s %11s %11s %11s\n", "total", "used", "free", "reserved", "heap");
  printf("%-7s %11llu %11llu %11llu %11llu %11llu\n",
         "Mem:", (unsigned long long)(info.total_memory >> shift),
         (unsigned long long)(info.used_memory >> shift),
         (unsigned long long)(info.free_memory >> shift),
         (unsigned long long)(info.reserved_memory >> shift),
         (unsigned long long)(info.heap_bytes >> shift));
  printf("%-7s %11d %11d %11d\n", "Swap:", 0, 0, 0);
  return util_finish(UTIL_OK);
}
