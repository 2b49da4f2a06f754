#!/usr/bin/env python3
"""Boot to prompt: host time from starting QEMU to the shell's prompt.

    testing/bench/boot_to_prompt.py [--runs 20] [--smp 4] [--expect TEXT]

Builds //:qemu with --config=opt (the production kernel and boot archive), then boots it
`--runs` times and times each boot from QEMU's start until the serial
console shows TEXT (the shell's first prompt by default), and reports the
median and the worst. A boot that does not get there within --timeout
seconds counts as a failure and the script exits non-zero: every boot must
reach the prompt. Recorded in docs/performance.md.
"""
import argparse
import os
import select
import statistics
import subprocess
import sys
import time


def workspace_root():
    return subprocess.check_output(["bazel", "info", "workspace"], text=True).strip()


def boot_once(command, expect, timeout):
    """Seconds from spawn until `expect` appears on the console, or None."""
    start = time.monotonic()
    qemu = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    seen = b""
    try:
        while time.monotonic() - start < timeout:
            ready, _, _ = select.select([qemu.stdout], [], [], 0.05)
            if not ready:
                if qemu.poll() is not None:
                    break
                continue
            chunk = os.read(qemu.stdout.fileno(), 65536)
            if not chunk:
                break
            seen += chunk
            if expect.encode() in seen:
                return time.monotonic() - start, seen
        return None, seen
    finally:
        qemu.kill()
        qemu.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--smp", type=int, default=4)
    parser.add_argument("--expect", default=" $ ", help="what the console shows at the prompt")
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()

    os.chdir(workspace_root())
    # The production build (-O2, no lockdep, no slab debug checks), as
    # guest_bench.py measures.
    subprocess.check_call(["bazel", "build", "--config=opt", "//:qemu"], stderr=subprocess.DEVNULL)
    bin_dir = subprocess.check_output(["bazel", "info", "--config=opt", "bazel-bin"],
                                      text=True).strip()
    runner = os.path.join(bin_dir, "qemu")
    command = [runner, "--kernel=" + os.path.join(bin_dir, "kernel/image.img"),
               "--initrd=" + os.path.join(bin_dir, "userland/initrd.cpio"),
               "--smp=%d" % args.smp]
    times = []
    for run in range(args.runs):
        seconds, seen = boot_once(command, args.expect, args.timeout)
        if seconds is None:
            sys.stdout.write(seen.decode(errors="replace")[-2000:])
            print("\nFAIL: boot %d of %d did not reach %r within %.0f s" %
                  (run + 1, args.runs, args.expect, args.timeout))
            return 1
        times.append(seconds)
    print("boot to %r at -smp %d, %d boots: median %.3f s, worst %.3f s, best %.3f s" %
          (args.expect, args.smp, args.runs, statistics.median(times), max(times), min(times)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
