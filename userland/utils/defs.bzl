"""utility: one everyday program of userland/utils, NAME.c on the shared frame.

    utility(name = "echo")             # also NAME_host, for the host tests
    utility(name = "ps", host = False) # ViperDOS only (<viperdos/viper.h>)
"""

load("//bazel/rules:user_program.bzl", "viperdos_program")

def utility(name, host = True):
    viperdos_program(
        name = name,
        srcs = [name + ".c"],
        deps = [":util"],
        host = host,
        host_deps = [":util_host"],
    )
