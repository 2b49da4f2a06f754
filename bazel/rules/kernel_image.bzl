"""kernel_image: builds a cc_binary for AArch64 from an ordinary host build.

`bazel build //kernel:image`, `bazel run //:qemu` and `bazel test //...` need
no --platforms flag: this rule's outgoing transition switches its `binary`
to //bazel/platforms:aarch64_none, keeps debug info, and drops host-only settings (sanitizer
features, copts and linkopts given on the command line) so a
`--config=asan` test run still builds a freestanding kernel.
"""

_AARCH64_PLATFORM = "//bazel/platforms:aarch64_none"

def _to_aarch64_impl(settings, attr):
    return {
        "//command_line_option:platforms": _AARCH64_PLATFORM,
        "//command_line_option:copt": [],
        "//command_line_option:cxxopt": [],
        "//command_line_option:linkopt": [],
        "//command_line_option:features": [],
        # Keep debug info in the kernel ELF for gdb and symbolised backtraces.
        "//command_line_option:strip": "never",
    }

_to_aarch64 = transition(
    implementation = _to_aarch64_impl,
    inputs = [],
    outputs = [
        "//command_line_option:platforms",
        "//command_line_option:copt",
        "//command_line_option:cxxopt",
        "//command_line_option:linkopt",
        "//command_line_option:features",
        "//command_line_option:strip",
    ],
)

def _kernel_image_impl(ctx):
    binary = ctx.attr.binary[0][DefaultInfo].files.to_list()
    if len(binary) != 1:
        fail("kernel_image: `binary` must produce exactly one file")
    image = ctx.actions.declare_file(ctx.label.name + ".elf")
    ctx.actions.symlink(output = image, target_file = binary[0])
    outputs = [OutputGroupInfo(boot_image = depset([]))]
    if ctx.attr.boot_image:
        # The raw arm64 Image (objcopy of the ELF, same name with .img):
        # what QEMU boots, because only an Image gets the Linux protocol
        # with the DTB naming the initrd (kernel/arch/aarch64/kernel.ld).
        raw = ctx.actions.declare_file(ctx.label.name + ".img")
        ctx.actions.run_shell(
            inputs = [binary[0]],
            outputs = [raw],
            command = 'llvm-objcopy-19 -O binary "$1" "$2"',
            arguments = [binary[0].path, raw.path],
            mnemonic = "KernelBootImage",
            progress_message = "Writing the boot image " + raw.short_path,
        )
        outputs = [OutputGroupInfo(boot_image = depset([raw]))]
    return [DefaultInfo(files = depset([image]), runfiles = ctx.runfiles(files = [image]))] + outputs

kernel_image = rule(
    implementation = _kernel_image_impl,
    doc = "The kernel ELF, built for AArch64 whatever the command-line platform is.",
    attrs = {
        "binary": attr.label(mandatory = True, cfg = _to_aarch64),
        "boot_image": attr.bool(
            default = False,
            doc = "Also write NAME.img, the raw arm64 Image (output group boot_image).",
        ),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
)
