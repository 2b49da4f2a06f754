"""Repository rule that finds Debian's LLVM 19 and declares ViperDOS's C++ toolchains.

Two toolchains come out of one LLVM installation:
  * `host_toolchain`: x86_64 Linux clang-19 for tests, tools and benchmarks;
  * `aarch64_none_toolchain`: freestanding aarch64-none-elf for the kernel and
    user space (no host headers, no host libraries).
Both compile with -Wall -Wextra -Werror and -Werror=thread-safety.
"""

_REQUIRED_MAJOR = "19"

# tool name -> Debian package that provides it
_TOOLS = {
    "clang": ("clang-19", "clang-19"),
    "lld": ("ld.lld-19", "lld-19"),
    "ar": ("llvm-ar-19", "llvm-19"),
    "nm": ("llvm-nm-19", "llvm-19"),
    "objcopy": ("llvm-objcopy-19", "llvm-19"),
    "objdump": ("llvm-objdump-19", "llvm-19"),
    "strip": ("llvm-strip-19", "llvm-19"),
}

def _find(rctx, binary, package):
    path = rctx.which(binary)
    if path == None:
        fail("ViperDOS needs `{}`, which was not found on PATH. ".format(binary) +
             "Install the Debian package `{}` (./setup does this).".format(package))
    return str(path)

def _run(rctx, args):
    result = rctx.execute(args)
    if result.return_code != 0:
        fail("`{}` failed: {}".format(" ".join(args), result.stderr))
    return result

def _host_include_dirs(rctx, clang):
    # clang prints its default include search list on stderr with -v.
    result = rctx.execute([clang, "-E", "-x", "c++", "-", "-v"])
    dirs = []
    inside = False
    for line in result.stderr.splitlines():
        if line.startswith("#include <...> search starts here:"):
            inside = True
        elif line.startswith("End of search list."):
            inside = False
        elif inside:
            dirs.append(str(rctx.path(line.strip()).realpath))
    if not dirs:
        fail("could not read clang-19's include search list:\n" + result.stderr)
    return dirs

def _libclang_rt_check(rctx, resource_dir):
    asan = resource_dir + "/lib/linux/libclang_rt.asan-x86_64.a"
    if not rctx.path(asan).exists:
        fail("clang-19's sanitizer runtimes are missing ({}). ".format(asan) +
             "Install the Debian package `libclang-rt-19-dev` (./setup does this).")

def _llvm_toolchain_repository_impl(rctx):
    tools = {key: _find(rctx, binary, package) for key, (binary, package) in _TOOLS.items()}
    version = _run(rctx, [tools["clang"], "--version"]).stdout
    if ("version " + _REQUIRED_MAJOR + ".") not in version:
        fail("ViperDOS needs clang {}, but `{}` reports:\n{}".format(
            _REQUIRED_MAJOR,
            tools["clang"],
            version,
        ) + "Install the Debian package `clang-19`.")
    resource_dir = _run(rctx, [tools["clang"], "-print-resource-dir"]).stdout.strip()
    _libclang_rt_check(rctx, resource_dir)

    host_dirs = _host_include_dirs(rctx, tools["clang"])
    rctx.template(
        "BUILD.bazel",
        Label("//bazel/toolchains:BUILD.llvm_toolchain.tpl"),
        substitutions = {
            "%{clang}": tools["clang"],
            "%{lld}": tools["lld"],
            "%{ar}": tools["ar"],
            "%{nm}": tools["nm"],
            "%{objcopy}": tools["objcopy"],
            "%{objdump}": tools["objdump"],
            "%{strip}": tools["strip"],
            "%{resource_dir}": resource_dir,
            "%{host_include_dirs}": repr(host_dirs + [resource_dir + "/share"]),
        },
    )
    rctx.file("WORKSPACE", "workspace(name = \"{}\")\n".format(rctx.name))

llvm_toolchain_repository = repository_rule(
    implementation = _llvm_toolchain_repository_impl,
    environ = ["PATH"],
    local = True,
)
