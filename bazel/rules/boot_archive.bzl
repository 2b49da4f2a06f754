"""boot_archive: the cpio newc archive the kernel starts from (QEMU -initrd).

    boot_archive(
        name = "initrd",
        files = {
            "//userland/init": "bin/init",
            "init.conf": "etc/init.conf",
        },
    )

Each label's single file is placed at its path; GNU cpio writes the archive
with fixed metadata (--reproducible, sorted names), so the same inputs give
the same bytes.
"""

def _boot_archive_impl(ctx):
    out = ctx.actions.declare_file(ctx.label.name + ".cpio")
    inputs = []
    copies = []
    for target, path in ctx.attr.files.items():
        files = target[DefaultInfo].files.to_list()
        if len(files) != 1:
            fail("boot_archive: {} must give exactly one file".format(target.label))
        if path.startswith("/") or ".." in path.split("/"):
            fail("boot_archive: path {} must be relative and stay inside".format(path))
        inputs.append(files[0])
        mode = "0755" if path.startswith("bin/") else "0644"
        copies.append('install -D -m {} "{}" "$root/{}"'.format(mode, files[0].path, path))
    ctx.actions.run_shell(
        inputs = inputs,
        outputs = [out],
        command = "\n".join([
            "set -e",
            "root=$(mktemp -d)",
            "trap 'rm -rf \"$root\"' EXIT",
        ] + copies + [
            "find \"$root\" -exec touch -h -d @0 {} +",
            "out=$PWD/" + out.path,
            "(cd \"$root\" && find . -mindepth 1 | LC_ALL=C sort | " +
            "cpio --quiet -o -H newc --reproducible --owner=0:0 >\"$out\")",
        ]),
        mnemonic = "BootArchive",
        progress_message = "Writing boot archive " + out.short_path,
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

boot_archive = rule(
    implementation = _boot_archive_impl,
    doc = "A cpio newc boot archive from labelled files placed at paths.",
    attrs = {
        "files": attr.label_keyed_string_dict(allow_files = True, mandatory = True),
    },
)
