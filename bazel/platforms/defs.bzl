"""Constraint lists for target_compatible_with."""

# Targets that only make sense for the freestanding AArch64 kernel or user
# space. `bazel test //...` on the host skips them; the kernel_image rule
# builds them through a platform transition.
AARCH64_NONE = [
    "@platforms//cpu:aarch64",
    "@platforms//os:none",
]

# Targets that only run on the build machine (tests, tools, benchmarks).
HOST_ONLY = [
    "@platforms//cpu:x86_64",
    "@platforms//os:linux",
]
