"""qemu_script_test: a script that boots ViperDOS itself, as a Bazel test.

For tests whose judge runs on the host beside QEMU (a peer on raw frames,
e2fsck and debugfs on the disk afterwards, images made per run): the
script gets the QEMU harness (//kernel:qemu_harness), the kernel's boot
image and the boot archive as its first three arguments, then `args`, and
runs serially with the other QEMU tests (`exclusive`, tagged `qemu`).
"""

def qemu_script_test(name, script, size = "large", args = [], data = [], **kwargs):
    native.sh_test(
        name = name,
        size = size,
        srcs = [script],
        args = [
            "$(rootpath //kernel:qemu_harness)",
            "$(rootpath //kernel:image_img)",
            "$(rootpath //userland:initrd)",
        ] + args,
        data = [
            "//kernel:image",
            "//kernel:image_img",
            "//kernel:qemu_harness",
            "//userland:initrd",
        ] + data,
        tags = [
            "exclusive",
            "qemu",
        ],
        **kwargs
    )
