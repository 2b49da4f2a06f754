"""cc_toolchain_config for ViperDOS's two LLVM 19 toolchains.

`flavor = "host"`: x86_64 Linux, libstdc++, sanitizer features.
`flavor = "aarch64_none"`: freestanding aarch64-none-elf for kernel and user
space; no host headers (-nostdlibinc) and no host libraries (-nostdlib).
"""

load("@bazel_tools//tools/build_defs/cc:action_names.bzl", "ACTION_NAMES")
load(
    "@bazel_tools//tools/cpp:cc_toolchain_config_lib.bzl",
    "feature",
    "flag_group",
    "flag_set",
    "tool_path",
)

_C_COMPILE = [ACTION_NAMES.c_compile]
_CXX_COMPILE = [
    ACTION_NAMES.cpp_compile,
    ACTION_NAMES.cpp_header_parsing,
    ACTION_NAMES.cpp_module_compile,
    ACTION_NAMES.linkstamp_compile,
]
_ASM = [ACTION_NAMES.assemble, ACTION_NAMES.preprocess_assemble]
_ALL_COMPILE = _C_COMPILE + _CXX_COMPILE + _ASM
_LINK = [
    ACTION_NAMES.cpp_link_executable,
    ACTION_NAMES.cpp_link_dynamic_library,
    ACTION_NAMES.cpp_link_nodeps_dynamic_library,
]

def _flags(actions, flags):
    return flag_set(actions = actions, flag_groups = [flag_group(flags = flags)])

def _feature(name, flag_sets, enabled = False, implies = []):
    return feature(name = name, enabled = enabled, flag_sets = flag_sets, implies = implies)

# Warnings are errors everywhere; thread-safety analysis is how "callers must
# hold the lock" is checked rather than hoped (RC-014).
_WARNINGS = [
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wthread-safety",
    "-Werror=thread-safety",
]

# Reproducible output: no absolute paths or build times in objects.
_REPRODUCIBLE = [
    "-fdebug-compilation-dir=.",
    "-Wno-builtin-macro-redefined",
    "-D__DATE__=\"redacted\"",
    "-D__TIMESTAMP__=\"redacted\"",
    "-D__TIME__=\"redacted\"",
]

_AARCH64_TARGET = ["--target=aarch64-none-elf", "-mcpu=cortex-a72"]

def _host_features(ctx):
    lld = ctx.attr.tools["lld"]
    return [
        _feature("default_compile_flags", enabled = True, flag_sets = [
            _flags(_ALL_COMPILE, _WARNINGS + _REPRODUCIBLE + ["-fno-omit-frame-pointer"]),
            _flags(_CXX_COMPILE, ["-std=c++20"]),
        ]),
        _feature("default_link_flags", enabled = True, flag_sets = [
            _flags(_LINK, [
                "--ld-path=" + lld,
                "-Wl,--as-needed",
                "-Wl,--build-id=none",
                "-lstdc++",
                "-lm",
                "-lpthread",
            ]),
        ]),
        _feature("asan", flag_sets = [
            _flags(_ALL_COMPILE, ["-fsanitize=address", "-fno-omit-frame-pointer"]),
            _flags(_LINK, ["-fsanitize=address"]),
        ]),
        _feature("ubsan", flag_sets = [
            _flags(_ALL_COMPILE, ["-fsanitize=undefined", "-fno-sanitize-recover=all"]),
            _flags(_LINK, ["-fsanitize=undefined", "-fsanitize-link-c++-runtime"]),
        ]),
        _feature("tsan", flag_sets = [
            _flags(_ALL_COMPILE, ["-fsanitize=thread"]),
            _flags(_LINK, ["-fsanitize=thread"]),
        ]),
    ]

def _aarch64_none_features(ctx):
    lld = ctx.attr.tools["lld"]
    return [
        _feature("default_compile_flags", enabled = True, flag_sets = [
            _flags(_ALL_COMPILE, _AARCH64_TARGET + _WARNINGS + _REPRODUCIBLE + [
                "-nostdlibinc",
                "-fno-stack-protector",
                "-fno-omit-frame-pointer",
                "-ffunction-sections",
                "-fdata-sections",
            ]),
            _flags(_CXX_COMPILE, [
                "-std=c++20",
                "-fno-exceptions",
                "-fno-rtti",
                "-fno-threadsafe-statics",
                "-fno-use-cxa-atexit",
            ]),
        ]),
        # The kernel has no C library underneath. User programs, which have
        # picolibc, opt out with features = ["-freestanding"] so the compiler
        # may treat memcpy, printf and friends as the standard functions.
        _feature("freestanding", enabled = True, flag_sets = [
            _flags(_ALL_COMPILE, ["-ffreestanding"]),
        ]),
        # Kernel code must not touch FP/SIMD registers: they belong to user
        # tasks and are saved lazily. User-space targets opt out with
        # features = ["-general_regs_only"].
        _feature("general_regs_only", enabled = True, flag_sets = [
            _flags(_ALL_COMPILE, ["-mgeneral-regs-only"]),
        ]),
        _feature("default_link_flags", enabled = True, flag_sets = [
            _flags(_LINK, _AARCH64_TARGET + [
                "--ld-path=" + lld,
                "-nostdlib",
                "-static",
                "-Wl,--build-id=none",
                "-Wl,--gc-sections",
                "-Wl,-z,max-page-size=4096",
            ]),
        ]),
    ]

def _compilation_mode_features():
    return [
        _feature("fastbuild", flag_sets = [_flags(_ALL_COMPILE, ["-O1", "-g"])]),
        _feature("dbg", flag_sets = [_flags(_ALL_COMPILE, ["-O0", "-g"])]),
        _feature("opt", flag_sets = [
            _flags(_ALL_COMPILE, ["-O2", "-g"]),
            _flags(_LINK, ["-Wl,--icf=safe"]),
        ]),
    ]

def _llvm_cc_toolchain_config_impl(ctx):
    tools = ctx.attr.tools
    host = ctx.attr.flavor == "host"
    features = (_host_features(ctx) if host else _aarch64_none_features(ctx)) + \
               _compilation_mode_features() + [
        feature(name = "supports_param_files", enabled = True),
    ]
    return cc_common.create_cc_toolchain_config_info(
        ctx = ctx,
        features = features,
        cxx_builtin_include_directories = ctx.attr.builtin_include_dirs,
        toolchain_identifier = "llvm19-" + ctx.attr.flavor,
        host_system_name = "x86_64-unknown-linux-gnu",
        target_system_name = "x86_64-unknown-linux-gnu" if host else "aarch64-none-elf",
        target_cpu = "k8" if host else "aarch64",
        target_libc = "glibc" if host else "none",
        compiler = "clang",
        abi_version = "clang19",
        abi_libc_version = "glibc" if host else "none",
        tool_paths = [
            tool_path(name = "gcc", path = tools["clang"]),
            tool_path(name = "cpp", path = tools["clang"]),
            tool_path(name = "ld", path = tools["lld"]),
            tool_path(name = "ar", path = tools["ar"]),
            tool_path(name = "nm", path = tools["nm"]),
            tool_path(name = "objcopy", path = tools["objcopy"]),
            tool_path(name = "objdump", path = tools["objdump"]),
            tool_path(name = "strip", path = tools["strip"]),
            tool_path(name = "gcov", path = "/bin/false"),
        ],
    )

llvm_cc_toolchain_config = rule(
    implementation = _llvm_cc_toolchain_config_impl,
    attrs = {
        "builtin_include_dirs": attr.string_list(mandatory = True),
        "flavor": attr.string(mandatory = True, values = ["host", "aarch64_none"]),
        "resource_dir": attr.string(mandatory = True),
        "tools": attr.string_dict(mandatory = True),
    },
    provides = [CcToolchainConfigInfo],
)
