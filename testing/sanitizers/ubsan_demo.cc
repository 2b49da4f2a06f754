// Deliberately overflows a signed int. Passes without sanitizers; under
// --config=ubsan it must fail with a signed-integer-overflow report.
#include <climits>
#include <cstdio>

int main(int argc, char**) {
  volatile int big = INT_MAX;
  const int sum = big + argc;  // argc >= 1
  std::printf("sum %d\n", sum);
  return 0;
}
