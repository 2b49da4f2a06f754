/* primes: an ordinary, portable C99 program — nothing in it knows about
 * ViperDOS. It is built unchanged for ViperDOS (viperdos_program) and for
 * the host (cc_binary), and the two outputs must be the same
 * (docs/porting.md). It uses stdio, stdlib, string, math, time, setjmp and
 * signal.
 *
 *   primes [LIMIT]   primes up to LIMIT (default 100), their sum, the
 *                    prime-counting estimate LIMIT/ln(LIMIT), and a sorted
 *                    list of the last digits' frequencies. */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static jmp_buf bad_input;
static volatile sig_atomic_t interrupted;

static void on_interrupt(int signal) {
  (void)signal;
  interrupted = 1;
}

static long parse_limit(const char* text) {
  char* end = NULL;
  const long limit = strtol(text, &end, 10);
  if (end == text || *end != '\0' || limit < 2 || limit > 10000000) longjmp(bad_input, 1);
  return limit;
}

struct digit_count {
  int digit;
  long count;
};

static int by_count_then_digit(const void* a, const void* b) {
  const struct digit_count* x = a;
  const struct digit_count* y = b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return x->digit - y->digit;
}

int main(int argc, char** argv) {
  long limit = 100;
  if (setjmp(bad_input) != 0) {
    fprintf(stderr, "primes: LIMIT must be a number from 2 to 10000000\n");
    return 2;
  }
  if (argc > 1) limit = parse_limit(argv[1]);
  signal(SIGINT, on_interrupt);

  const clock_t start = clock();
  char* composite = calloc((size_t)limit + 1, 1);
  if (!composite) return 1;
  for (long i = 2; i * i <= limit && !interrupted; ++i) {
    if (!composite[i]) {
      for (long j = i * i; j <= limit; j += i) composite[j] = 1;
    }
  }
  long count = 0;
  long long sum = 0;
  struct digit_count digits[10];
  for (int d = 0; d < 10; ++d) digits[d] = (struct digit_count){d, 0};
  char line[80] = "";
  for (long n = 2; n <= limit; ++n) {
    if (composite[n]) continue;
    ++count;
    sum += n;
    ++digits[n % 10].count;
    if (limit <= 100) {
      char word[16];
      snprintf(word, sizeof(word), "%ld ", n);
      if (strlen(line) + strlen(word) >= sizeof(line)) {
        puts(line);
        line[0] = '\0';
      }
      strcat(line, word);
    }
  }
  if (line[0]) puts(line);
  free(composite);
  qsort(digits, 10, sizeof(digits[0]), by_count_then_digit);
  printf("%ld primes up to %ld, sum %lld\n", count, limit, sum);
  printf("estimate %.3f (ratio %.4f)\n", limit / log((double)limit),
         count / (limit / log((double)limit)));
  printf("last digits:");
  for (int d = 0; d < 10 && digits[d].count > 0; ++d) {
    printf(" %d:%ld", digits[d].digit, digits[d].count);
  }
  printf("\n");
  const double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
  fprintf(stderr, "primes: %.3f s of CPU\n", seconds); /* not compared */
  return 0;
}
