/* What head and tail share: how much (-n LINES, -c BYTES; 10 lines by
 * default) and the "==> NAME <==" header before each input when there is
 * more than one. */
#ifndef VIPERDOS_UTILS_EXTENT_H_
#define VIPERDOS_UTILS_EXTENT_H_

#include <stdint.h>
#include <stdio.h>

struct extent {
  uint64_t count;
  int bytes; /* count is bytes, not lines */
  int headers;
  int inputs_shown;
};

/* Parses the options; then runs `each` on every input as util_each_input
 * does, and returns main's status. */
int extent_main(struct extent* e, int argc, char** argv, int (*each)(FILE* file, const char* name));

/* The header before input `name`, if there is to be one. */
void extent_header(struct extent* e, const char* name);

#endif /* VIPERDOS_UTILS_EXTENT_H_ */
