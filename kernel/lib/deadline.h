// Time at interfaces: a Duration is relative (how long), a Deadline is
// absolute (a moment of uptime, nanoseconds since boot). Distinct types,
// so a timeout cannot be passed where a deadline is meant; neither
// converts from a bare integer. Freestanding: the kernel and user space
// share it. Deadline::now() is the platform's clock (kernel/lib:lib
// defines it from the arch timer; user space will ask the kernel).
#pragma once

#include <stdint.h>

namespace viper {

class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration nanoseconds(uint64_t ns) { return Duration(ns); }
  static constexpr Duration microseconds(uint64_t us) { return Duration(us * 1000); }
  static constexpr Duration milliseconds(uint64_t ms) { return Duration(ms * 1000'000); }
  static constexpr Duration seconds(uint64_t s) { return Duration(s * 1000'000'000); }

  constexpr uint64_t ns() const { return ns_; }
  constexpr bool operator==(const Duration&) const = default;
  // Spelled out: the freestanding kernel has no <compare>.
  constexpr bool operator<(const Duration& other) const { return ns_ < other.ns_; }
  constexpr bool operator<=(const Duration& other) const { return ns_ <= other.ns_; }
  constexpr bool operator>(const Duration& other) const { return ns_ > other.ns_; }
  constexpr bool operator>=(const Duration& other) const { return ns_ >= other.ns_; }
  constexpr Duration operator+(Duration other) const { return Duration(ns_ + other.ns_); }
  constexpr Duration operator*(uint64_t factor) const { return Duration(ns_ * factor); }

 private:
  explicit constexpr Duration(uint64_t ns) : ns_(ns) {}
  uint64_t ns_ = 0;
};

class Deadline {
 public:
  // No limit: a wait until never() ends only by its condition or a kill.
  static constexpr Deadline never() { return Deadline(~uint64_t{0}); }
  // The moment uptime reaches `uptime_ns`.
  static constexpr Deadline at(uint64_t uptime_ns) { return Deadline(uptime_ns); }
  // The platform's uptime now.
  static Deadline now();
  // `duration` from now (saturating: never overflows into the past).
  static Deadline after(Duration duration) { return now() + duration; }

  constexpr uint64_t uptime_ns() const { return ns_; }
  constexpr bool is_never() const { return ns_ == ~uint64_t{0}; }
  // Whether a clock reading `now_ns` is at or past this deadline.
  constexpr bool passed_at(uint64_t now_ns) const { return now_ns >= ns_; }
  // What is left at `now_ns` (zero once passed).
  constexpr Duration remaining_at(uint64_t now_ns) const {
    return Duration::nanoseconds(now_ns >= ns_ ? 0 : ns_ - now_ns);
  }

  constexpr bool operator==(const Deadline&) const = default;
  // Spelled out: the freestanding kernel has no <compare>.
  constexpr bool operator<(const Deadline& other) const { return ns_ < other.ns_; }
  constexpr bool operator<=(const Deadline& other) const { return ns_ <= other.ns_; }
  constexpr bool operator>(const Deadline& other) const { return ns_ > other.ns_; }
  constexpr bool operator>=(const Deadline& other) const { return ns_ >= other.ns_; }
  constexpr Deadline operator+(Duration duration) const {
    const uint64_t sum = ns_ + duration.ns();
    return Deadline(sum < ns_ ? ~uint64_t{0} : sum);
  }

 private:
  explicit constexpr Deadline(uint64_t ns) : ns_(ns) {}
  uint64_t ns_;
};

}  // namespace viper
