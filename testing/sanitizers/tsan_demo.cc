// Deliberately races two threads on a plain int. Passes without sanitizers;
// under --config=tsan it must fail with a data-race report.
#include <cstdio>
#include <thread>

int shared_counter = 0;

int main() {
  auto bump = [] {
    for (int i = 0; i < 100000; ++i) shared_counter = shared_counter + 1;
  };
  std::thread a(bump), b(bump);
  a.join();
  b.join();
  std::printf("counter %d\n", shared_counter);
  return 0;
}
