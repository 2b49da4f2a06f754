"""ext2_image: an ext2 file-system image built from files, reproducibly.

`mke2fs -t ext2 -d TREE` with a fixed UUID and directory hash seed, the
superblock's times from E2FSPROGS_FAKE_TIME, and every inode's owner and
times rewritten afterwards (debugfs), so the same inputs give the same
bytes on any machine; the image is checked with `e2fsck -fn` before it is
an output. fsd mounts it (userland/disk, docs/vfs.md).
"""

def _ext2_image_impl(ctx):
    out = ctx.actions.declare_file(ctx.label.name + ".img")
    args = ctx.actions.args()
    args.add(out)
    args.add(str(ctx.attr.size_kib))
    args.add(str(ctx.attr.block_size))
    args.add(ctx.attr.label_name)
    args.add(ctx.attr.uuid)
    args.add(ctx.attr.hash_seed)
    inputs = []
    for target, dest in ctx.attr.files.items():
        files = target.files.to_list()
        if len(files) != 1:
            fail("ext2_image {}: {} must be one file".format(ctx.label, target.label))
        args.add(files[0])
        args.add(dest)
        inputs.append(files[0])
    ctx.actions.run(
        executable = ctx.executable._script,
        arguments = [args],
        inputs = inputs,
        outputs = [out],
        mnemonic = "Ext2Image",
        progress_message = "Making ext2 image %s" % out.short_path,
        use_default_shell_env = True,
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

ext2_image = rule(
    implementation = _ext2_image_impl,
    doc = "An ext2 image (NAME.img) whose tree is `files` (label -> path in the image).",
    attrs = {
        "files": attr.label_keyed_string_dict(
            allow_files = True,
            doc = "file -> its path in the image; a path ending in '/.keep' makes an empty directory",
        ),
        "size_kib": attr.int(default = 32768, doc = "the image's size in KiB"),
        "block_size": attr.int(default = 4096, values = [1024, 2048, 4096]),
        "label_name": attr.string(default = "viperdos", doc = "the volume label"),
        "uuid": attr.string(default = "5650e5d0-5d05-4f1e-9a5b-00000000d15c"),
        "hash_seed": attr.string(default = "5650e5d0-5d05-4f1e-9a5b-0000000005ee"),
        "_script": attr.label(
            default = "//bazel/rules:ext2_image_sh",
            executable = True,
            cfg = "exec",
        ),
    },
)
