"""ktest_library: a package's in-kernel tests (or in-guest benchmarks).

A ktest library sits in the package it tests and is built under that
package's visibility, so its tests reach only what the package may reach
(an upward dependency is a visibility error, testing/layering/check.sh).
It is

  * `testonly`: the production //kernel:image cannot link it, only the test
    kernel (//kernel:test_image) and tests;
  * `alwayslink`: nothing calls a ktest by name; the runner finds the cases
    in the `ktests` section, so every object must reach the link;
  * AArch64 only: host builds of //... skip it.
"""

load("@rules_cc//cc:defs.bzl", "cc_library")
load("//bazel/platforms:defs.bzl", "AARCH64_NONE")

def ktest_library(name, srcs, deps = [], **kwargs):
    """Defines a library of KTEST cases (kernel/lib/ktest.h).

    Args:
      name: target name; by convention `ktests`, or `kbench` for the
        package's in-guest benchmarks (`*_kbench.cc`).
      srcs: the `*_ktest.cc` / `*_kbench.cc` files (and private headers).
      deps: what the tests use; //kernel/lib:ktest is added.
      **kwargs: passed to cc_library (visibility, tags, ...).
    """
    cc_library(
        name = name,
        srcs = srcs,
        deps = deps + ["//kernel/lib:ktest"],
        testonly = True,
        alwayslink = True,
        target_compatible_with = AARCH64_NONE,
        **kwargs
    )
