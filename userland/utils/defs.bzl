"""utility: one everyday program of userland/utils, NAME.c on the shared frame.

    utility(name = "echo")             # also NAME_host, for the host tests
    utility(name = "ps", host = False) # ViperDOS only (<viperdos/viper.h>)
    utility(name = "xargs", deps = ["//kernel/lib/abi"])  # more deps, both builds
"""

load("//bazel/rules:user_program.bzl", "viperdos_program")

def utility(name, host = True, deps = []):
    viperdos_program(
        name = name,
        srcs = [name + ".c"],
        deps = [":util"] + deps,
        host = host,
        host_deps = [":util_host"] + deps,
    )
