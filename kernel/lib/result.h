// Result<T>: a value or an Error, never both; errors are values and every
// failure path names one. TRY(expr) returns the error from the enclosing
// function or yields the value.
#pragma once

#include "kernel/lib/error.h"
#include "kernel/lib/utility.h"

namespace viper {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : error_(Error::kOk), has_value_(true) {  // NOLINT: implicit by design
    new (&storage_.value) T(move(value));
  }
  Result(Error error) : error_(error), has_value_(false) {  // NOLINT: implicit by design
    // A Result<T> without a value must carry a real error.
    if (error == Error::kOk) __builtin_trap();
  }
  Result(Result&& other) : error_(other.error_), has_value_(other.has_value_) {
    if (has_value_) new (&storage_.value) T(move(other.storage_.value));
  }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  Result& operator=(Result&& other) {
    if (this != &other) {
      this->~Result();
      new (this) Result(move(other));
    }
    return *this;
  }
  ~Result() {
    if (has_value_) storage_.value.~T();
  }

  bool ok() const { return has_value_; }
  Error error() const { return error_; }
  T& value() & { return storage_.value; }
  const T& value() const& { return storage_.value; }
  T&& value() && { return move(storage_.value); }
  T* operator->() { return &storage_.value; }
  const T* operator->() const { return &storage_.value; }
  T& operator*() { return storage_.value; }
  const T& operator*() const { return storage_.value; }

 private:
  union Storage {
    Storage() {}
    ~Storage() {}
    T value;
  } storage_;
  Error error_;
  bool has_value_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() : error_(Error::kOk) {}
  Result(Error error) : error_(error) {}  // NOLINT: implicit by design
  bool ok() const { return error_ == Error::kOk; }
  Error error() const { return error_; }
  void value() const {}

 private:
  Error error_;
};

using Status = Result<void>;

inline Status ok_status() { return Status(); }

// The outcome of a Result without its value.
template <class T>
Status status_of(const Result<T>& result) {
  return result.ok() ? ok_status() : Status(result.error());
}

}  // namespace viper

// Evaluates `expr` (a Result); on error returns the error from the enclosing
// function, otherwise the expression's value is the Result's value.
#define TRY(expr)                             \
  ({                                          \
    auto viper_try_result_ = (expr);          \
    if (!viper_try_result_.ok()) {            \
      return viper_try_result_.error();       \
    }                                         \
    ::viper::move(viper_try_result_).value(); \
  })
