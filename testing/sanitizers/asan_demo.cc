// Deliberately reads past a heap allocation. Passes without sanitizers;
// under --config=asan it must fail with a heap-buffer-overflow report.
#include <cstdio>
#include <memory>

int main(int argc, char**) {
  auto buffer = std::make_unique<int[]>(4);
  volatile int index = 3 + argc;  // 4: one past the end, unknown to the compiler
  std::printf("read %d\n", buffer[index]);
  return 0;
}
