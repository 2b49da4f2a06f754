// Clang thread-safety analysis attributes (-Wthread-safety is an error in
// every ViperDOS build). A lock is a CAPABILITY; data it protects is
// GUARDED_BY it; a function that needs it held says REQUIRES. This turns
// "callers must hold the lock" into a compile error when they do not
// (RC-014).
#pragma once

#define VIPER_TSA(x) __attribute__((x))

#define CAPABILITY(name) VIPER_TSA(capability(name))
#define SCOPED_CAPABILITY VIPER_TSA(scoped_lockable)
#define GUARDED_BY(lock) VIPER_TSA(guarded_by(lock))
#define PT_GUARDED_BY(lock) VIPER_TSA(pt_guarded_by(lock))
#define ACQUIRED_BEFORE(...) VIPER_TSA(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) VIPER_TSA(acquired_after(__VA_ARGS__))
#define REQUIRES(...) VIPER_TSA(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) VIPER_TSA(requires_shared_capability(__VA_ARGS__))
#define ACQUIRE(...) VIPER_TSA(acquire_capability(__VA_ARGS__))
#define RELEASE(...) VIPER_TSA(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) VIPER_TSA(try_acquire_capability(__VA_ARGS__))
#define EXCLUDES(...) VIPER_TSA(locks_excluded(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) VIPER_TSA(assert_capability(x))
#define RETURN_CAPABILITY(x) VIPER_TSA(lock_returned(x))
#define NO_THREAD_SAFETY_ANALYSIS VIPER_TSA(no_thread_safety_analysis)
