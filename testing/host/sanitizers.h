// Whether this test binary runs under ASan or TSan, to scale stress loops
// down (the same checks, fewer iterations) where instrumentation is slow.
#pragma once

namespace viper::testing {

#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
inline constexpr bool kSlowSanitizer = true;
#else
inline constexpr bool kSlowSanitizer = false;
#endif
#else
inline constexpr bool kSlowSanitizer = false;
#endif

}  // namespace viper::testing
