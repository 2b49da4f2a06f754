"""Repository rules for third-party C++ that comes from Debian packages.

Nothing is downloaded: each rule checks that its Debian package is installed
and fails with the package name otherwise.
"""

def _require(rctx, path, package):
    if not rctx.path(path).exists:
        fail("`{}` is missing. Install the Debian package `{}` (./setup does this).".format(
            path,
            package,
        ))

_GOOGLETEST_BUILD = """
load("@rules_cc//cc:defs.bzl", "cc_library")

package(default_visibility = ["//visibility:public"])

# Built from Debian's sources with the host toolchain, so the sanitizer
# configs instrument it too. Third-party code: warnings are not ours to fix.
cc_library(
    name = "gtest",
    srcs = ["googletest/src/gtest-all.cc"],
    hdrs = glob([
        "googletest/include/**/*.h",
        "googletest/src/*.h",
        "googletest/src/*.cc",
    ]),
    copts = ["-w"],
    includes = [
        "googletest",
        "googletest/include",
    ],
)

cc_library(
    name = "gmock",
    srcs = ["googlemock/src/gmock-all.cc"],
    hdrs = glob([
        "googlemock/include/**/*.h",
        "googlemock/src/*.cc",
    ]),
    copts = ["-w"],
    includes = [
        "googlemock",
        "googlemock/include",
    ],
    deps = [":gtest"],
)

cc_library(
    name = "gtest_main",
    srcs = ["googlemock/src/gmock_main.cc"],
    copts = ["-w"],
    deps = [":gmock"],
)
"""

def _debian_googletest_impl(rctx):
    root = "/usr/src/googletest"
    _require(rctx, root + "/googletest/src/gtest-all.cc", "googletest")
    rctx.symlink(root + "/googletest", "googletest")
    rctx.symlink(root + "/googlemock", "googlemock")
    rctx.file("BUILD.bazel", _GOOGLETEST_BUILD)
    rctx.file("WORKSPACE", "workspace(name = \"{}\")\n".format(rctx.name))

debian_googletest = repository_rule(implementation = _debian_googletest_impl, local = True)

_LIBDIR = "/usr/lib/x86_64-linux-gnu"

def _shared_libs(rctx, prefix):
    result = rctx.execute(["/bin/sh", "-c", "cd {} && ls {}*.so".format(_LIBDIR, prefix)])
    return sorted([f[len("lib"):-len(".so")] for f in result.stdout.splitlines() if f])

def _debian_abseil_impl(rctx):
    _require(rctx, "/usr/include/absl/flags/flag.h", "libabsl-dev")
    libs = _shared_libs(rctx, "libabsl_")
    if not libs:
        fail("no libabsl_*.so in {}: install the Debian package `libabsl-dev`.".format(_LIBDIR))

    # Debian ships Abseil as many shared libraries that depend on each other;
    # this is the one place that lists them. --as-needed (host toolchain)
    # keeps only the ones a binary really uses.
    rctx.file("BUILD.bazel", """
load("@rules_cc//cc:defs.bzl", "cc_library")

package(default_visibility = ["//visibility:public"])

# Headers come from /usr/include (a builtin include dir of the host toolchain).
cc_library(
    name = "abseil",
    linkopts = {},
    target_compatible_with = ["@platforms//os:linux"],
)
""".format(repr(["-l" + lib for lib in libs])))
    rctx.file("WORKSPACE", "workspace(name = \"{}\")\n".format(rctx.name))

debian_abseil = repository_rule(implementation = _debian_abseil_impl, local = True)

def _debian_benchmark_impl(rctx):
    _require(rctx, "/usr/include/benchmark/benchmark.h", "libbenchmark-dev")
    _require(rctx, _LIBDIR + "/libbenchmark.so", "libbenchmark-dev")
    rctx.file("BUILD.bazel", """
load("@rules_cc//cc:defs.bzl", "cc_library")

package(default_visibility = ["//visibility:public"])

cc_library(
    name = "benchmark",
    linkopts = ["-lbenchmark"],
    target_compatible_with = ["@platforms//os:linux"],
)

cc_library(
    name = "benchmark_main",
    linkopts = ["-lbenchmark_main", "-lbenchmark"],
    target_compatible_with = ["@platforms//os:linux"],
)
""")
    rctx.file("WORKSPACE", "workspace(name = \"{}\")\n".format(rctx.name))

debian_benchmark = repository_rule(implementation = _debian_benchmark_impl, local = True)

def _debian_allocators_impl(rctx):
    _require(rctx, "/usr/include/jemalloc/jemalloc.h", "libjemalloc-dev")
    _require(rctx, "/usr/include/mimalloc.h", "libmimalloc-dev")
    rctx.file("BUILD.bazel", """
load("@rules_cc//cc:defs.bzl", "cc_library")

package(default_visibility = ["//visibility:public"])

# Other allocators, for benchmarks only: jemalloc through mallocx/dallocx,
# mimalloc through mi_malloc/mi_free, so all can be measured in one process.
cc_library(
    name = "jemalloc",
    linkopts = ["-ljemalloc"],
    target_compatible_with = ["@platforms//os:linux"],
)

cc_library(
    name = "mimalloc",
    linkopts = ["-lmimalloc"],
    target_compatible_with = ["@platforms//os:linux"],
)
""")
    rctx.file("WORKSPACE", "workspace(name = \"{}\")\n".format(rctx.name))

debian_allocators = repository_rule(implementation = _debian_allocators_impl, local = True)

_PICOLIBC = "/usr/lib/picolibc/aarch64-linux-gnu"
_LIBGCC_AARCH64 = "/usr/lib/gcc-cross/aarch64-linux-gnu/12/libgcc.a"

def _debian_picolibc_impl(rctx):
    _require(rctx, _PICOLIBC + "/lib/release/libc.a", "picolibc-aarch64-linux-gnu")
    _require(rctx, _LIBGCC_AARCH64, "gcc-aarch64-linux-gnu")
    rctx.symlink(_PICOLIBC + "/include/release", "include")
    rctx.symlink(_PICOLIBC + "/lib/release/libc.a", "libc.a")
    rctx.symlink(_LIBGCC_AARCH64, "libgcc.a")
    rctx.file("BUILD.bazel", """
load("@rules_cc//cc:defs.bzl", "cc_library")

package(default_visibility = ["//visibility:public"])

# Debian's picolibc for EL0 programs, release variant (Arm's assembly string
# routines), plus gcc's libgcc.a for the compiler runtime (outline atomics,
# 128-bit shifts). ViperDOS's OS layer (//userland/libc) supplies what
# picolibc leaves to the OS: _start, the system calls, stdio objects, locks.
cc_library(
    name = "picolibc",
    srcs = [
        "libc.a",
        "libgcc.a",
    ],
    hdrs = glob(["include/**/*.h"]),
    includes = ["include"],
    linkstatic = True,
    target_compatible_with = ["@platforms//cpu:aarch64"],
)
""")
    rctx.file("WORKSPACE", "workspace(name = \"{}\")\n".format(rctx.name))

debian_picolibc = repository_rule(implementation = _debian_picolibc_impl, local = True)
