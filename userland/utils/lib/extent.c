/* head's and tail's shared part (extent.h). */
#include "userland/utils/lib/extent.h"

#include "userland/utils/lib/util.h"

int extent_main(struct extent* e, int argc, char** argv,
                int (*each)(FILE* file, const char* name)) {
  *e = (struct extent){.count = 10};
  struct util_options o;
  util_options_init(&o, argc, argv);
  for (int c; (c = util_next_option(&o, "n:c:")) != -1;) {
    e->bytes = c == 'c';
    e->count =
        util_parse_number(o.arg, e->bytes ? "number of bytes" : "number of lines", UINT64_MAX);
  }
  e->headers = argc - o.index > 1;
  return util_finish(util_each_input(argc, argv, o.index, each));
}

void extent_header(struct extent* e, const char* name) {
  if (e->headers) printf("%s==> %s <==\n", e->inputs_shown++ ? "\n" : "", name);
}
