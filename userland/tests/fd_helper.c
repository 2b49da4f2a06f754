/* What fd_test spawns: one program whose first argument says what to do
 * with the fds it was given.
 *
 *   cat              copies stdin to stdout until end of file
 *   where A B...     prints "cwd=<getcwd> args=A B..." on stdout
 *   fds              prints "open:" and each open fd below 64 on stdout
 *   lines T N L      T threads each print N lines of L bytes with printf
 *                    (USER-002): "t<thread> n<line> <letters...> <sum>"
 *   yes              prints "y" lines until a write fails
 *   exit N           returns N
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cat(void) {
  static char buffer[8192];
  for (;;) {
    const ssize_t n = read(STDIN_FILENO, buffer, sizeof(buffer));
    if (n == 0) return 0;
    if (n < 0) return 20;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = write(STDOUT_FILENO, buffer + done, (size_t)(n - done));
      if (w <= 0) return 21;
      done += w;
    }
  }
}

static int where(int argc, char** argv) {
  char cwd[256];
  if (!getcwd(cwd, sizeof(cwd))) return 30;
  printf("cwd=%s args=", cwd);
  for (int i = 2; i < argc; ++i) printf(i > 2 ? " %s" : "%s", argv[i]);
  printf("\n");
  return 0;
}

static int fds(void) {
  printf("open:");
  for (int fd = 0; fd < 64; ++fd) {
    if (fcntl(fd, F_GETFD) >= 0) printf(" %d", fd);
  }
  printf("\n");
  return 0;
}

struct lines {
  int thread, count, length;
};

/* A line fd_test can check: its letters follow from the thread and line
 * numbers, and its last field is the sum of its letters. */
static void* print_lines(void* arg) {
  const struct lines* l = arg;
  char* line = malloc((size_t)l->length + 1);
  for (int n = 0; line && n < l->count; ++n) {
    int at = snprintf(line, (size_t)l->length, "t%d n%d ", l->thread, n);
    unsigned sum = 0;
    while (at < l->length - 12) {
      line[at] = (char)('a' + (l->thread * 7 + n + at) % 26);
      sum += (unsigned char)line[at++];
    }
    line[at] = 0;
    printf("%s %08u\n", line, sum);
  }
  free(line);
  return 0;
}

static int lines(int threads, int count, int length) {
  pthread_t ids[16];
  struct lines args[16];
  if (threads < 1 || threads > 16 || length < 32) return 40;
  for (int t = 0; t < threads; ++t) {
    args[t] = (struct lines){t, count, length};
    if (pthread_create(&ids[t], 0, print_lines, &args[t]) != 0) return 41;
  }
  for (int t = 0; t < threads; ++t) pthread_join(ids[t], 0);
  return 0;
}

static int yes(void) {
  for (;;) {
    if (write(STDOUT_FILENO, "y\n", 2) != 2) return errno == EPIPE ? 50 : 51;
  }
}

int main(int argc, char** argv) {
  if (argc < 2) return 100;
  const char* mode = argv[1];
  if (strcmp(mode, "cat") == 0) return cat();
  if (strcmp(mode, "where") == 0) return where(argc, argv);
  if (strcmp(mode, "fds") == 0) return fds();
  if (strcmp(mode, "lines") == 0 && argc == 5) {
    return lines(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
  }
  if (strcmp(mode, "yes") == 0) return yes();
  if (strcmp(mode, "exit") == 0 && argc == 3) return atoi(argv[2]);
  return 101;
}
