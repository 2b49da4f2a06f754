"""viperdos_program: a C or C++ program for ViperDOS user space.

    viperdos_program(name = "hello", srcs = ["hello.c"])

builds `hello.elf`, a static AArch64 ELF linked against picolibc and
ViperDOS's OS layer (//userland/libc) with the user linker script, from any
host command line (the kernel_image transition picks the AArch64 toolchain).
Programs may use FP/SIMD (the kernel keeps it per thread) and ELF TLS.
Put it in a boot archive with boot_archive (boot_archive.bzl).

A portable program (plain POSIX, no <viperdos/...>) may say `host = True`:
the same sources then also build as `NAME_host`, a host binary that host
tests run against the host's libc, beside the QEMU tests of the real one.
`host_deps` are the host build's extra dependencies.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary")
load("//bazel/platforms:defs.bzl", "AARCH64_NONE")
load("//bazel/rules:kernel_image.bzl", "kernel_image")

_USER_LD = "//userland/libc:user.ld"

def viperdos_program(
        name,
        srcs,
        deps = [],
        copts = [],
        host = False,
        host_deps = [],
        visibility = None,
        **kwargs):
    cc_binary(
        name = name + "_binary",
        srcs = srcs,
        copts = ["-ftls-model=local-exec"] + copts,
        additional_linker_inputs = [_USER_LD],
        features = [
            "-freestanding",
            "-general_regs_only",
        ],
        linkopts = ["-Wl,-T,$(location {})".format(_USER_LD)],
        target_compatible_with = AARCH64_NONE,
        visibility = ["//visibility:private"],
        deps = deps + ["//userland/libc"],
        **kwargs
    )
    kernel_image(
        name = name,
        binary = ":" + name + "_binary",
        visibility = visibility,
    )
    if host:
        cc_binary(
            name = name + "_host",
            srcs = srcs,
            copts = copts,
            deps = host_deps,
            visibility = visibility,
            testonly = kwargs.get("testonly", False),
        )
