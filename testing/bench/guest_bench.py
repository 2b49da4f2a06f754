#!/usr/bin/env python3
"""ViperDOS beside Linux: one benchmark, the same QEMU line, one table.

    testing/bench/guest_bench.py              3 boots each, table + chart into docs/
    testing/bench/guest_bench.py --boots 5
    testing/bench/guest_bench.py --smoke      every figure once, 1 boot each (CI)

Builds userland/bench twice -- for ViperDOS (bazel: //kernel:image_img and
//userland:initrd, booted with init=bin/bench) and for Linux (Debian's
aarch64-linux-gnu-gcc, static, as /init of Debian's arm64 kernel, fetched
with `apt-get download` into the cache) -- and boots them under the same
QEMU command line, interleaved (Linux, ViperDOS, Linux, ...). Under TCG only
a ratio taken in one run on one host means something, so it prints per
figure the median over boots on each side, their min/max, and the ratio
ViperDOS / Linux against the issue's target (docs/performance.md).

It warns when other processes loaded the host during a boot (/proc/stat
against QEMU's own CPU time) and when a canary -- the pure user-code
figures clock_gettime and malloc_free_64 -- moved between boots of one
system: then the host changed speed and the run is suspect.

Only the Python standard library, dpkg/apt and the cross compiler.
"""
import argparse
import fcntl
import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import bench_report  # noqa: E402  (beside this file)

QEMU = "qemu-system-aarch64"
# The one command line both systems boot under. GICv3 because ViperDOS
# drives only that one; Linux takes either.
MACHINE = ["-M", "virt,gic-version=3", "-cpu", "cortex-a72", "-smp", "4", "-m", "512M",
           "-nographic", "-nic", "none", "-no-reboot"]
# nokaslr: with KASLR, Linux turns KPTI on (a Cortex-A72 has no E0PD) and
# every kernel entry flushes QEMU's TLB; ViperDOS has no KPTI
# (../shared/bench/linux-guest/README.md, "Variant A").
LINUX_APPEND = "console=ttyAMA0 quiet nokaslr"
VIPER_APPEND = "init=bin/bench"
CC = "aarch64-linux-gnu-gcc"
CFLAGS = ["-O2", "-static", "-pthread", "-Wall", "-Wextra", "-Werror"]
CROSS_PACKAGES = ["gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross"]
SMOKE_DIV = 50
OTHER_LOAD_LIMIT = 0.05  # of one core, as run.sh
CANARY_SPREAD_LIMIT = 1.25  # max/min over the boots of one system
CANARIES = ("clock_gettime", "malloc_free_64")


def log(message):
    print("[guest_bench] " + message, file=sys.stderr, flush=True)


def fail(message):
    log("ERROR: " + message)
    sys.exit(1)


def as_root(command):
    return command if os.geteuid() == 0 else ["sudo"] + command


def installed(package):
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                            capture_output=True, text=True)
    return result.returncode == 0 and result.stdout.endswith("ok installed")


def ensure_tools():
    """The cross compiler and the arm64 architecture for the kernel package."""
    if not shutil.which(QEMU):
        fail(QEMU + " not found: ./setup installs qemu-system-arm")
    missing = [p for p in CROSS_PACKAGES if not installed(p)]
    if missing:
        log("installing " + " ".join(missing))
        subprocess.check_call(as_root(["apt-get", "update", "-qq"]))
        subprocess.check_call(as_root(["apt-get", "install", "-y", "-qq"] + missing),
                              env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


# What the Linux side needs to mount the storage figures' disk: Debian builds
# virtio-mmio, virtio-blk and ext4 (which serves ext2) as modules. Loaded in
# this order by userland/bench/os_linux.c (dependencies first).
MODULES = ["lib/crc16.ko", "fs/mbcache.ko", "fs/jbd2/jbd2.ko", "crypto/crc32c_generic.ko",
           "lib/libcrc32c.ko", "fs/ext4/ext4.ko", "drivers/virtio/virtio_mmio.ko",
           "drivers/block/virtio_blk.ko"]


def ensure_modules(cache, package, version, kdir, pick=lambda tree: MODULES, subdir="modules"):
    """The MODULES, extracted once from the kernel's .deb beside its vmlinuz
    into kdir/subdir. `pick` chooses other ones (paths under the package's
    kernel/ tree, given that tree: net_bench.py follows dependencies)."""
    mdir = os.path.join(kdir, subdir)
    if os.path.isdir(mdir):
        return mdir
    deb = os.path.join(cache, "%s_%s_arm64.deb" % (package, version))
    if not os.path.exists(deb):
        fail("%s is gone from the cache: remove %s to fetch both again" % (deb, kdir))
    tmp = os.path.join(cache, subdir + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.check_call(["dpkg-deb", "-x", deb, tmp])
    release = package[len("linux-image-"):]
    src = os.path.join(tmp, "lib", "modules", release, "kernel")
    os.makedirs(mdir + ".tmp", exist_ok=True)
    for module in pick(src):
        shutil.copyfile(os.path.join(src, module),
                        os.path.join(mdir + ".tmp", os.path.basename(module)))
    shutil.rmtree(tmp)
    os.rename(mdir + ".tmp", mdir)
    return mdir


def ensure_kernel(cache, package, version):
    """Debian's arm64 kernel Image, extracted once from its .deb into the cache."""
    kdir = os.path.join(cache, "kernel-%s-%s" % (package, version))
    vmlinuz = os.path.join(kdir, "vmlinuz")
    if os.path.exists(vmlinuz):
        return vmlinuz
    deb = os.path.join(cache, "%s_%s_arm64.deb" % (package, version))
    if not os.path.exists(deb):
        arches = subprocess.check_output(["dpkg", "--print-foreign-architectures"], text=True)
        if "arm64" not in arches.split():
            log("enabling the arm64 foreign architecture (for apt-get download only)")
            subprocess.check_call(as_root(["dpkg", "--add-architecture", "arm64"]))
            subprocess.check_call(as_root(["apt-get", "update", "-qq"]))
        for attempt in range(2):
            log("downloading %s:arm64=%s" % (package, version))
            subprocess.run(["apt-get", "download", "-q", "%s:arm64=%s" % (package, version)],
                           cwd=cache, stderr=subprocess.DEVNULL)
            if os.path.exists(deb):
                break
            subprocess.run(as_root(["apt-get", "update", "-qq"]))
        if not os.path.exists(deb):
            fail("cannot download %s:arm64=%s (it may have left the archive): pick the current "
                 "one with `apt-cache show linux-image-arm64:arm64` and pass --kernel-package "
                 "and --kernel-version (a new kernel is a new anchor)" % (package, version))
    log("extracting vmlinuz from " + os.path.basename(deb))
    tmp = kdir + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "root"))
    subprocess.check_call(["dpkg-deb", "-x", deb, os.path.join(tmp, "root")])
    boot = os.path.join(tmp, "root", "boot")
    image = [f for f in os.listdir(boot) if f.startswith("vmlinuz-")][0]
    os.rename(os.path.join(boot, image), os.path.join(tmp, "vmlinuz"))
    shutil.rmtree(os.path.join(tmp, "root"))
    shutil.rmtree(kdir, ignore_errors=True)
    os.rename(tmp, kdir)
    return vmlinuz


def cpio_newc(entries):
    """A cpio "newc" archive: (name, mode, data, rdev_major, rdev_minor). mtime
    0 and fixed inode numbers, so the same init gives the same bytes."""
    out = bytearray()

    def pad():
        out.extend(b"\0" * (-len(out) % 4))

    for inode, (name, mode, data, major, minor) in enumerate(
            entries + [("TRAILER!!!", 0, b"", 0, 0)], start=1):
        fields = [inode, mode, 0, 0, 1, 0, len(data), 0, 0, major, minor, len(name) + 1, 0]
        out.extend(b"070701" + b"".join(b"%08X" % f for f in fields))
        out.extend(name.encode() + b"\0")
        pad()
        out.extend(data)
        pad()
    return bytes(out)


def build_linux(cache, modules):
    """userland/bench as a static Linux /init, in a gzipped initrd, with the
    modules for the disk in /lib/modules."""
    build = os.path.join(cache, "build")
    os.makedirs(build, exist_ok=True)
    src = os.path.join(ROOT, "userland", "bench")
    sources = sorted(os.path.join(src, f) for f in os.listdir(src) if f.endswith(".c"))
    init = os.path.join(build, "init")
    subprocess.check_call([CC] + CFLAGS + ["-ffile-prefix-map=%s=." % ROOT, "-o", init] + sources)
    with open(init, "rb") as f:
        binary = f.read()
    entries = [("dev", 0o040755, b"", 0, 0),
               ("dev/console", 0o020600, b"", 5, 1),
               ("init", 0o100755, binary, 0, 0),
               ("lib", 0o040755, b"", 0, 0),
               ("lib/modules", 0o040755, b"", 0, 0)]
    for name in sorted(os.listdir(modules)):
        with open(os.path.join(modules, name), "rb") as f:
            entries.append(("lib/modules/" + name, 0o100644, f.read(), 0, 0))
    archive = cpio_newc(entries)
    initrd = os.path.join(build, "initrd.gz")
    with open(initrd, "wb") as f:
        f.write(gzip.compress(archive, mtime=0))
    return initrd


# The production build: -O2, no lockdep, no slab debug checks
# (//bazel/platforms:aarch64_opt), as Linux's side is Debian's release
# kernel. The tests run the default build, which keeps both checks on.
PRODUCTION = ["--config=opt"]


def build_viperdos(cache):
    """The production kernel and boot archive (with bin/bench), copied out of
    bazel-bin so a rebuild during the run cannot change them."""
    log("bazel build %s //kernel:image_img //userland:initrd" % " ".join(PRODUCTION))
    subprocess.check_call(["bazel", "build"] + PRODUCTION + ["//kernel:image_img",
                                                             "//userland:initrd"], cwd=ROOT,
                          stderr=subprocess.DEVNULL)
    bin_dir = subprocess.check_output(["bazel", "info"] + PRODUCTION + ["bazel-bin"], cwd=ROOT,
                                      text=True, stderr=subprocess.DEVNULL).strip()
    build = os.path.join(cache, "build")
    os.makedirs(build, exist_ok=True)
    kernel, initrd = os.path.join(build, "viperdos.img"), os.path.join(build, "viperdos.cpio")
    for src, dst in ((os.path.join(bin_dir, "kernel", "image.img"), kernel),
                     (os.path.join(bin_dir, "userland", "initrd.cpio"), initrd)):
        shutil.copyfile(src, dst)
    return kernel, initrd


DISK_MIB = 320  # 3 files of 64 MiB, room for the 64 MiB written, the small files
COLD_FILES = 2  # userland/bench/fig_storage.c: kColdFiles


def build_disk(cache):
    """The storage figures' ext2 image (userland/bench/fig_storage.c): bench/cold0, cold1
    and bench/warm, 64 MiB of pattern each, an empty bench/small. Made once with
    Debian's mke2fs as the project's images are (4 KiB blocks, 256-byte inodes, no
    journal); every boot gets a fresh copy of it."""
    image = os.path.join(cache, "build", "storage-%d.img" % DISK_MIB)
    if os.path.exists(image):
        return image
    mke2fs = shutil.which("mke2fs") or "/usr/sbin/mke2fs"
    if not os.path.exists(mke2fs):
        fail("mke2fs not found: ./setup installs e2fsprogs")
    tree = image + ".tree"
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(os.path.join(tree, "bench", "small"))
    chunk = bytes(range(256)) * 4096  # 1 MiB
    for name in ["cold%d" % i for i in range(COLD_FILES)] + ["warm"]:
        with open(os.path.join(tree, "bench", name), "wb") as f:
            for _ in range(64):
                f.write(chunk)
    tmp = image + ".tmp"
    subprocess.check_call([mke2fs, "-q", "-F", "-t", "ext2", "-b", "4096", "-I", "256", "-m", "0",
                           "-E", "root_owner=0:0", "-d", tree, tmp, "%dM" % DISK_MIB])
    shutil.rmtree(tree)
    os.rename(tmp, image)
    return image


def fresh_disk(image, runs_dir):
    """A copy of `image` for one boot (both systems write to it)."""
    copy = os.path.join(runs_dir, "disk.img")
    subprocess.check_call(["cp", "--sparse=always", image, copy])
    return copy


def disk_args(path):
    """The disk as testing/qemu attaches one (qemu_command.cc): virtio-blk on virtio-mmio."""
    return ["-drive", "file=%s,if=none,format=raw,id=disk0" % path,
            "-device", "virtio-blk-device,drive=disk0"]


def host_jiffies():
    """(busy, steal) seconds of the whole host from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    hz = os.sysconf("SC_CLK_TCK")
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq) / hz, steal / hz


def boot_once(system, command, timeout, raw_path):
    """One boot: QEMU's output with the host time of every line, the BENCH
    lines, the boot figure and the host's load. None if BENCH_DONE never came."""
    busy0, steal0 = host_jiffies()
    start = time.monotonic()
    qemu = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    lines = []
    deadline = start + timeout
    for raw in qemu.stdout:  # QEMU ends (powers off) after BENCH_DONE
        lines.append((time.monotonic() - start, raw.decode(errors="replace").rstrip("\r\n")))
        if time.monotonic() > deadline:
            qemu.kill()
            break
    _, status, usage = os.wait4(qemu.pid, 0)
    wall = time.monotonic() - start
    busy1, steal1 = host_jiffies()
    qemu_cpu = usage.ru_utime + usage.ru_stime
    other = max(0.0, (busy1 - busy0) - qemu_cpu)
    host = {"wall_s": wall, "qemu_cpu_s": qemu_cpu, "other_cpu_s": other,
            "steal_s": steal1 - steal0, "other_load": other / wall}
    with open(raw_path, "w") as f:
        f.write("HOST cmd %s\n" % " ".join(command))
        for t, line in lines:
            f.write("%.6f %s\n" % (t, line))
        f.write("HOST %s\n" % " ".join("%s=%.2f" % kv for kv in host.items()))
    text = [line for _, line in lines]
    if "BENCH_DONE" not in text:
        log("%s boot did not finish (exit status %d); serial log: %s" % (system, status, raw_path))
        for line in text[-15:]:
            log("  | " + line)
        return None
    figures = {}
    for t, line in lines:
        if line.startswith("BENCH name="):
            fields = dict(kv.split("=", 1) for kv in line.split()[1:])
            figures[fields["name"]] = float(fields["ns_per_op"])
        elif line.startswith("BOOT init_started") and "boot_to_init_host" not in figures:
            figures["boot_to_init_host"] = t * 1e9
    info = [line for line in text if line.startswith("INFO ")]
    return {"figures": figures, "host": host, "info": info}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boots", type=int, default=3, help="boots of each system")
    parser.add_argument("--smoke", action="store_true",
                        help="iterations / %d, one boot each, nothing written to docs/" % SMOKE_DIV)
    parser.add_argument("--cache", default=os.path.expanduser("~/.cache/viperdos-bench"))
    parser.add_argument("--kernel-package", default="linux-image-6.1.0-56-arm64")
    parser.add_argument("--kernel-version", default="6.1.192-2")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per boot")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/")
    parser.add_argument("--only", default="",
                        help="comma-separated figures to run (BENCH_ONLY; a quick look: "
                        "implies --no-doc, and with --smoke it is ignored)")
    parser.add_argument("--systems", default="linux,viperdos",
                        help="which systems to boot (a quick look at one side: implies --no-doc)")
    args = parser.parse_args()
    if args.boots < 1:
        fail("--boots must be at least 1")
    boots = 1 if args.smoke else args.boots
    systems = [s for s in ("linux", "viperdos") if s in args.systems.split(",")]
    if not systems:
        fail("--systems names neither linux nor viperdos")
    if args.only and args.smoke:
        args.only = ""
    if args.only or len(systems) < 2:
        args.no_doc = True

    os.makedirs(args.cache, exist_ok=True)
    # One run at a time: two QEMUs on a small host skew each other.
    lock = open(os.path.join(args.cache, ".lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        log("another guest_bench holds the lock; waiting")
        fcntl.flock(lock, fcntl.LOCK_EX)

    ensure_tools()
    vmlinuz = ensure_kernel(args.cache, args.kernel_package, args.kernel_version)
    modules = ensure_modules(args.cache, args.kernel_package, args.kernel_version,
                             os.path.dirname(vmlinuz))
    linux_initrd = build_linux(args.cache, modules)
    viper_kernel, viper_initrd = build_viperdos(args.cache)
    disk = build_disk(args.cache)

    div = SMOKE_DIV if args.smoke else 1
    linux_append = LINUX_APPEND + (" BENCH_DIV=%d" % div if div > 1 else "")
    viper_append = VIPER_APPEND + (" initarg=BENCH_DIV=%d" % div if div > 1 else "")
    if args.only:  # ViperDOS's init takes one argument: BENCH_ONLY replaces BENCH_DIV there
        linux_append += " BENCH_ONLY=" + args.only
        viper_append = VIPER_APPEND + " initarg=BENCH_ONLY=" + args.only
    commands = {
        "linux": [QEMU] + MACHINE + ["-kernel", vmlinuz, "-initrd", linux_initrd,
                                     "-append", linux_append] + disk_args("disk.img"),
        "viperdos": [QEMU] + MACHINE + ["-kernel", viper_kernel, "-initrd", viper_initrd,
                                        "-append", viper_append] + disk_args("disk.img"),
    }
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    runs_dir = os.path.join(args.cache, "runs")
    os.makedirs(runs_dir, exist_ok=True)
    results = {system: [] for system in systems}
    warnings = []
    for i in range(boots):
        for system in systems:  # interleaved: host drift hits both
            raw = os.path.join(runs_dir, "%s-%s-boot%d.serial" % (stamp, system, i + 1))
            fresh = fresh_disk(disk, runs_dir)
            command = [a.replace("file=disk.img,", "file=%s," % fresh) for a in commands[system]]
            log("%s boot %d/%d: %s" % (system, i + 1, boots, " ".join(command)))
            result = boot_once(system, command, args.timeout, raw)
            if result is None:
                fail("%s did not finish boot %d; see %s" % (system, i + 1, raw))
            host = result["host"]
            log("  HOST " + " ".join("%s=%.2f" % kv for kv in host.items()))
            log("  " + " ".join("%s=%.0f" % kv for kv in sorted(result["figures"].items())))
            if host["other_load"] > OTHER_LOAD_LIMIT:
                warnings.append("%s boot %d: other processes used %.0f%% of a core (%.1f s); "
                                "its figures are suspect" %
                                (system, i + 1, 100 * host["other_load"], host["other_cpu_s"]))
                log("WARNING: " + warnings[-1])
            results[system].append(result)

    warnings += bench_report.canary_warnings(results, CANARIES, CANARY_SPREAD_LIMIT)
    rows = bench_report.rows(results)
    meta = bench_report.metadata(commands, boots, args, stamp)
    table = bench_report.markdown_table(rows, ratios=not args.smoke)
    print(table)
    for w in warnings:
        print("WARNING: " + w)
    if args.smoke:
        print("smoke run: every figure ran on both systems; no ratio asserted")
        return 0
    if not args.no_doc:
        bench_report.write_doc(os.path.join(ROOT, "docs", "performance.md"), meta, table,
                               warnings, results)
        bench_report.write_svg(os.path.join(ROOT, "docs", "performance-ratios.svg"), rows, meta)
        log("wrote docs/performance.md and docs/performance-ratios.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
