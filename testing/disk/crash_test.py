#!/usr/bin/env python3
"""crash_test.py KERNEL INITRD: QEMU killed right after an fsync returns
loses nothing that fsync covered (//kernel:disk_crash_test).

For each case of userland/tests/disk_crash_test.c (overwrite, rename,
large): a fresh 1 KiB-block ext2 image made here with mke2fs -d, ViperDOS
booted on it (etc/disk-crash-CASE.conf), and QEMU killed with SIGKILL the
instant the console shows "CRASH-POINT CASE" (the guest goes on writing
meanwhile). Then `e2fsck -fn` must find the image clean, or `e2fsck -fy`
must repair it (and a second -fn find it clean), and debugfs must read
back exactly the bytes fsync covered.

QEMU's command line is the one testing/qemu/qemu_command.cc builds (the
harness cannot stop QEMU at a line, so this script runs QEMU itself).
"""
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ENV = dict(os.environ, PATH=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
TIMEOUT = 300  # seconds from boot to the marker


def pattern(seed, size):
    """disk_crash_test.c's pattern(seed, i) for i in [0, size)."""
    return bytes((i * 7 + i // 4096 + seed) & 0xFF for i in range(size))


# Each case: what debugfs must read back (None: the name must be gone).
CASES = {
    "overwrite": {"/crash/existing": pattern(1, 200 * 1024)},
    "rename": {"/crash/final": pattern(2, 5000), "/crash/new.tmp": None},
    "large": {"/crash/large": pattern(3, 8 << 20)},
}


def qemu_argv(kernel, initrd, case, image):
    return [
        "qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "cortex-a72", "-smp", "4",
        "-m", "512M", "-nographic", "-no-reboot", "-nic", "none",
        "-semihosting-config", "enable=on,target=native", "-kernel", kernel,
        "-initrd", initrd, "-append", "init=bin/init initarg=etc/disk-crash-%s.conf" % case,
        "-drive", "file=%s,if=none,format=raw,id=disk0" % image,
        "-device", "virtio-blk-device,drive=disk0", "-device", "virtio-rng-device",
    ]


def make_image(work, image):
    tree = os.path.join(work, "tree")
    os.makedirs(os.path.join(tree, "crash"))
    for name, data in (("existing", b"A" * 65536), ("final", b"old\n"), ("large", b"")):
        with open(os.path.join(tree, "crash", name), "wb") as f:
            f.write(data)
    with open(image, "wb") as f:
        f.truncate(32 << 20)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", "-d", tree, image],
                   env=ENV, check=True)
    shutil.rmtree(tree)


def boot_until_marker(argv, marker):
    """Runs QEMU until the console shows the line `marker` (the serial
    console ends lines with \r\n), then SIGKILLs it at once. True if the
    marker came."""
    qemu = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    seen = b""
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([qemu.stdout], [], [], 1.0)
            if not ready:
                continue
            chunk = os.read(qemu.stdout.fileno(), 65536)
            if not chunk:
                break  # QEMU ended by itself
            seen += chunk
            if re.search(re.escape(marker) + rb"\r?\n", seen):
                qemu.send_signal(signal.SIGKILL)  # first, then the echo
                sys.stdout.buffer.write(chunk)
                break
            sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        return re.search(re.escape(marker) + rb"\r?\n", seen) is not None
    finally:
        if qemu.poll() is None:
            qemu.kill()
        qemu.wait()


def e2fsck(args, image):
    r = subprocess.run(["e2fsck"] + args + [image], env=ENV, capture_output=True)
    return r.returncode, r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")


def check_case(kernel, initrd, case, work):
    image = os.path.join(work, "crash-%s.img" % case)
    make_image(work, image)
    print("== %s" % case, flush=True)
    if not boot_until_marker(qemu_argv(kernel, initrd, case, image),
                             b"CRASH-POINT %s" % case.encode()):
        return "no CRASH-POINT on the console within %d s (the log is above)" % TIMEOUT
    status, out = e2fsck(["-fn"], image)
    if status != 0:
        print("%s: e2fsck -fn after the kill (%d), to be repaired:\n%s" % (case, status, out))
        status, out = e2fsck(["-fy"], image)
        if status > 2:
            return "e2fsck -fy cannot repair the image (%d):\n%s" % (status, out)
        status, out = e2fsck(["-fn"], image)
        if status != 0:
            return "still unclean after e2fsck -fy (%d):\n%s" % (status, out)
    else:
        print("%s: e2fsck -fn finds the image clean after the kill" % case)
    for path, want in CASES[case].items():
        got = subprocess.run(["debugfs", "-R", "cat %s" % path, image], env=ENV,
                             capture_output=True)
        if want is None:
            found = subprocess.run(["debugfs", "-R", "stat %s" % path, image], env=ENV,
                                   capture_output=True)
            if b"not found" not in found.stderr + found.stdout:
                return "%s is still there after the fsynced rename" % path
            continue
        if got.stdout != want:
            return "%s: %d bytes read back, %d fsynced; first difference at byte %s" % (
                path, len(got.stdout), len(want),
                next((i for i, (a, b) in enumerate(zip(got.stdout, want)) if a != b),
                     min(len(got.stdout), len(want))))
    print("%s: everything fsync covered is on the image" % case, flush=True)
    os.unlink(image)
    return None


def main():
    if len(sys.argv) < 3 or any(case not in CASES for case in sys.argv[3:]):
        sys.exit("usage: crash_test.py KERNEL INITRD [%s]..." % "|".join(CASES))
    kernel, initrd = sys.argv[1:3]
    work = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
    failures = 0
    for case in sys.argv[3:] or CASES:
        why = check_case(kernel, initrd, case, work)
        if why:
            print("FAIL %s: %s" % (case, why), flush=True)
            failures += 1
    print("%d passed, %d failed" % (len(sys.argv[3:] or CASES) - failures, failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
