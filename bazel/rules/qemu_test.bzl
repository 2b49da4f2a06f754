"""qemu_test: boots a kernel image in QEMU as a Bazel test.

The test passes or fails from what the kernel reports on its serial console
(see testing/qemu/kernel_report.h). The serial log is echoed to the test log
and saved as serial.log among the test's undeclared outputs
(bazel-testlogs/<target>/test.outputs/).

A test whose command line says `ktest=` boots the test kernel
(//kernel:test_image, which links every package's ktest library); any other
boots the production //kernel:image, which has no ktests.
"""

load("@rules_cc//cc:defs.bzl", "cc_test")

def _shell_quote(text):
    # A test's `args` are split like a Bourne shell line: without quoting,
    # `append = "a=1 b=2"` reached the harness as "--append=a=1" and a
    # stray "b=2", and an expected "timer 250 Hz" as "--expect=timer".
    return "'" + text.replace("'", "'\\''") + "'"

def qemu_test(
        name,
        kernel = None,
        smp = 4,
        mem = "512M",
        append = "",
        dtb = None,
        initrd = None,
        expect = [],
        expect_panic = False,
        check_clock = False,
        virtualization = False,
        timeout_seconds = 60,
        script = None,
        disks = [],
        read_only_disks = [],
        net = None,
        hostfwd = [],
        guestfwd = [],
        size = "medium",
        **kwargs):
    """Defines a test that boots `kernel` and judges its console output.

    Args:
      name: test name.
      kernel: a kernel_image target; by default //kernel:test_image if
        `append` runs ktests, else //kernel:image.
      smp: number of CPUs.
      mem: RAM size (QEMU -m syntax: 256M, 1G, ...).
      append: kernel command line.
      dtb: a device tree file (label) to boot with instead of QEMU's own.
      initrd: a boot archive (boot_archive target) for -initrd.
      expect: substrings the console must show.
      expect_panic: the test passes only if the kernel panics.
      check_clock: compare the kernel's VIPER-CLOCK lines with the host clock.
      virtualization: enter the kernel at EL2.
      timeout_seconds: limit for the boot; the harness kills QEMU after it.
      script: an input script (testing/qemu/script.h: `expect`, `type`,
        `send` lines) typed into the serial console; every step must
        complete before the run ends.
      disks: raw disk images (labels of one file each), attached as
        virtio-blk devices in this order; each run boots a fresh writable
        copy (the harness's --disk).
      read_only_disks: more images, attached read-only after `disks`.
      net: a NIC (virtio-net, after the disks): "user" (QEMU user
        networking, restrict=on) or "udp:LOCALPORT:REMOTEPORT" (raw frames
        over UDP on 127.0.0.1); None: no NIC.
      hostfwd: with net = "user", host-to-guest forwards
        ("tcp:127.0.0.1:18080-:80").
      guestfwd: with net = "user", guest-to-host forwards
        ("tcp:10.0.2.100:80-tcp:127.0.0.1:18081").
      size: Bazel test size.
      **kwargs: passed to the underlying test rule (tags, flaky, ...).
    """
    runs_ktests = "ktest=" in append
    if kernel == None:
        kernel = "//kernel:test_image" if runs_ktests else "//kernel:image"
    elif runs_ktests and kernel == "//kernel:image":
        fail("qemu_test {}: the production //kernel:image has no ktests; ".format(name) +
             "`ktest=` needs //kernel:test_image")
    # QEMU boots the raw Image (kernel_image's boot_image output group, a
    # filegroup named after the image with "_img"); the ELF comes along
    # for symbols.
    boot_image = kernel + "_img"
    args = [
        "--kernel=$(rootpath {})".format(boot_image),
        "--smp={}".format(smp),
        "--mem={}".format(mem),
        "--timeout={}s".format(timeout_seconds),
    ]
    if append:
        args.append(_shell_quote("--append=" + append))
    data = [kernel, boot_image]
    if initrd:
        args.append("--initrd=$(rootpath {})".format(initrd))
        data.append(initrd)
    if dtb:
        args.append("--dtb=$(rootpath {})".format(dtb))
        data.append(dtb)
    if expect:
        args.append(_shell_quote("--expect=" + ",".join(expect)))
    if script:
        args.append("--script=$(rootpath {})".format(script))
        data.append(script)
    disk_args = ["$(rootpath {})".format(d) for d in disks]
    disk_args += ["$(rootpath {}):ro".format(d) for d in read_only_disks]
    if disk_args:
        args.append("--disk=" + ",".join(disk_args))
        data += disks + read_only_disks
    if net:
        args.append("--net=" + net)
    elif hostfwd or guestfwd:
        fail("qemu_test {}: hostfwd and guestfwd need net = \"user\"".format(name))
    if hostfwd:
        args.append("--hostfwd=" + ",".join(hostfwd))
    if guestfwd:
        args.append(_shell_quote("--guestfwd=" + ",".join(guestfwd)))
    if expect_panic:
        args.append("--expect_panic")
    if check_clock:
        args.append("--check_clock")
    if virtualization:
        args.append("--virtualization")
    cc_test(
        name = name,
        args = args,
        data = data,
        size = size,
        # One at a time: 4-8 vCPUs per QEMU on a 2-core machine are already
        # more than the cores, and the clock and timer checks compare with
        # the host's time.
        tags = kwargs.pop("tags", []) + ["qemu", "exclusive"],
        deps = ["//testing/qemu:harness_main"],
        **kwargs
    )
