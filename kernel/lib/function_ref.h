// FunctionRef<R(Args...)>: a non-owning reference to any callable — a
// lambda, a functor — for interfaces that call back before they return
// (a wait's ready predicate). Two words, no heap, no std::function; the
// callable must outlive the FunctionRef, so never store one.
#pragma once

#include "kernel/lib/utility.h"

namespace viper {

template <class Signature>
class FunctionRef;

template <class R, class... Args>
class FunctionRef<R(Args...)> {
 public:
  template <class F>
    requires(!__is_same(typename RemoveReference<F>::Type, FunctionRef))
  constexpr FunctionRef(F&& callable)  // NOLINT: implicit by design
      : object_(const_cast<void*>(static_cast<const void*>(&callable))),
        call_([](void* object, Args... args) -> R {
          return (*static_cast<typename RemoveReference<F>::Type*>(object))(forward<Args>(args)...);
        }) {}

  R operator()(Args... args) const { return call_(object_, forward<Args>(args)...); }

 private:
  void* object_;
  R (*call_)(void*, Args...);
};

}  // namespace viper
