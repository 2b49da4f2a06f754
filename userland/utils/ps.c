/* ps: every live process — id, parent, state, the CPU one of its threads
 * last ran on, memory, threads, CPU time, name. */
#include <stdio.h>
#include <stdlib.h>
#include <viperdos/viper.h>

#include "userland/utils/lib/native.h"
#include "userland/utils/lib/util.h"

static const struct util_program kProgram = {
    .name = "ps",
    .usage = "",
    .help =
        "Lists every live process: PID, parent PID, state (run, exit: ending),\n"
        "the CPU it last ran on, its user memory in KiB, threads, CPU time in\n"
        "seconds, and its name.\n"};

static const char* state_name(uint32_t state) {
  switch (state) {
    case VIPER_PROCESS_RUNNING:
      return "run";
    case VIPER_PROCESS_EXITING:
      return "exit";
    case VIPER_PROCESS_TERMINATED:
      return "done";
    default:
      return "?";
  }
}

int main(int argc, char** argv) {
  util_begin(&kProgram);
  util_no_operands(argc, argv);
  /* The list can grow between two calls: ask again with room for it. */
  size_t capacity = 64;
  struct viper_process_entry* entries = NULL;
  int64_t count;
  for (;;) {
    free(entries);
    entries = malloc(capacity * sizeof(*entries));
    if (entries == NULL) {
      util_error("out of memory");
      return UTIL_FAILURE;
    }
    count = viper_process_list(entries, capacity);
    if (count < 0) {
      util_error("cannot list the processes: %s", util_viper_error(count));
      return UTIL_FAILURE;
    }
    if ((size_t)count <= capacity) break;
    capacity = (size_t)count + 16;
  }
  printf("%5s %5s %-5s %3s %9s %4s %9s %s\n", "PID", "PPID", "STATE", "CPU", "MEM(KiB)", "THR",
         "TIME", "NAME");
  for (int64_t i = 0; i < count; ++i) {
    const struct viper_process_entry* p = &entries[i];
    printf("%5llu %5llu %-5s %3u %9llu %4u %5llu.%03llu %.*s\n", (unsigned long long)p->id,
           (unsigned long long)p->parent_id, state_name(p->state), p->last_cpu,
           (unsigned long long)(p->memory_bytes >> 10), p->threads,
           (unsigned long long)(p->cpu_ns / 1000000000ull),
           (unsigned long long)(p->cpu_ns / 1000000ull % 1000), (int)sizeof(p->name), p->name);
  }
  free(entries);
  return util_finish(UTIL_OK);
}
