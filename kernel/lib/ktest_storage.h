// Room for one T that a ktest builds when it starts and destroys when it
// ends: kernel globals may not have constructors or destructors.
#pragma once

#include "kernel/lib/utility.h"  // placement new

namespace viper::ktest {

template <class T>
class TestStorage {
 public:
  T& build() { return *new (bytes_) T(); }
  T& get() { return *reinterpret_cast<T*>(bytes_); }
  void destroy() { get().~T(); }

 private:
  alignas(T) unsigned char bytes_[sizeof(T)];
};

}  // namespace viper::ktest
