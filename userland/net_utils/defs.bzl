"""net_program: one network program of userland/net_utils, NAME.c.

    net_program(name = "fetch")                 # NAME (ViperDOS) and NAME_host
    net_program(name = "ping", host_deps = [":fake_net"])

The host build, NAME_host, runs against the host's sockets (the peer
tests in tests/); ping, ifconfig and netstat, which ask netd through
<viperdos/net.h>, link a fake of those calls on the host instead.

The ViperDOS builds need libc's sockets and <viperdos/net.h>'s calls,
which branch netd brings: until it is merged GUEST is False, and only
the host builds exist (a guest build would break `bazel test //...`).
The integrator flips it, and adds the programs to //userland:initrd.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary")
load("//bazel/platforms:defs.bzl", "HOST_ONLY")
load("//bazel/rules:user_program.bzl", "viperdos_program")

GUEST = True

def net_program(name, host_deps = [":net"]):
    # A host build over the fake netd is only for tests.
    testonly = ":fake_net" in host_deps
    if GUEST:
        viperdos_program(
            name = name,
            srcs = [name + ".c"],
            deps = [":net"],
        )
    cc_binary(
        name = name + "_host",
        srcs = [name + ".c"],
        target_compatible_with = HOST_ONLY,
        testonly = testonly,
        deps = host_deps,
    )
