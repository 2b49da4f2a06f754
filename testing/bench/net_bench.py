#!/usr/bin/env python3
"""Guest <-> host network figures, ViperDOS beside Linux under the same QEMU.

    testing/bench/net_bench.py              3 boots each, a Markdown table on stdout
    testing/bench/net_bench.py --boots 5
    testing/bench/net_bench.py --smoke      1 boot each, fewer requests

Both guests serve /www (a 16 MiB big.bin, a small hello.txt) with the
project's httpd (userland/net_utils/httpd.c) on port 80 at 10.0.2.15,
reached from the host through QEMU's user networking and a hostfwd port,
and testing/net/bench.sh measures each as curl sees it: the 16 MiB
download, a small GET on a new connection, kept-alive GETs.

  ViperDOS  testing/net/guest_peer_test.sh's bench mode: the boot archive's
            init, fsd and netd (static address), httpd serving the disk's /www
  Linux     Debian's arm64 kernel from guest_bench.py's cache, an initrd with
            virtio-mmio, virtio-net and their dependencies and a static /init
            (net_linux_init.c) that loads them, sets the same address and
            route, writes /www into the initramfs and runs httpd built for
            Linux with Debian's aarch64-linux-gnu-gcc

The boots alternate (Linux, ViperDOS, Linux, ...) under guest_bench.py's
machine line with the NIC the testing/qemu harness gives ViperDOS. Per
figure: the median over boots on each side, min/max, and the ratio
ViperDOS / Linux (the median of the ratios of neighbouring boots). A
warning says when other processes loaded the host during a boot.
"""
import argparse
import fcntl
import gzip
import os
import re
import resource
import signal
import statistics
import struct
import subprocess
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import bench_report  # noqa: E402  (beside this file)
import guest_bench as gb  # noqa: E402

# The NIC as testing/qemu's harness builds it for --net=user --hostfwd
# (qemu_command.cc), after the entropy device as there.
def nic_args(port):
    return ["-device", "virtio-rng-device",
            "-netdev", "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:%d-:80" % port,
            "-device", "virtio-net-device,netdev=net0"]


# What eth0 needs on Debian's kernel; their dependencies come from .modinfo.
NET_MODULES = ["drivers/virtio/virtio_mmio.ko", "drivers/net/virtio_net.ko"]
POWER_OFF_GRACE_S = 90
# testing/net/bench.sh's counts: downloads, new-connection GETs, kept-alive GETs.
COUNTS = {"full": (3, 100, 500), "smoke": (1, 10, 50)}
# (key, label, bench.sh's line, higher is better)
FIGURES = [
    ("download", "16 MiB download, MiB/s", r"download 16 MiB: ([\d.]+) MiB/s", True),
    ("get_new", "small GET, new connection, ms", r"small GET, new connection: ([\d.]+) ms",
     False),
    ("keepalive", "kept-alive GETs, requests/s", r"one kept-alive connection: ([\d.]+) requests/s",
     True),
]


# In-guest TCP counters at the end of each boot (lower is better), not
# ratios: Linux's may be 0. (key, label, ViperDOS's netstat -s name,
# Linux's /proc/net/{snmp,netstat} name)
COUNTERS = [
    ("retransmits", "TCP segments retransmitted (in-guest counter)", "tcp_retransmits",
     "RetransSegs"),
    ("timeouts", "TCP retransmission timeouts (in-guest counter)", "tcp_timeouts",
     "TCPTimeouts"),
    ("segments_out", "TCP segments sent (in-guest counter)", "tcp_segments_out", "OutSegs"),
]


def log(message):
    print("[net_bench] " + message, file=sys.stderr, flush=True)


def fail(message):
    log("ERROR: " + message)
    sys.exit(1)


def modinfo_depends(path):
    """The module names in the `depends=` field of a .ko's .modinfo section
    (what `modinfo -F depends` says; kmod need not be installed)."""
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        fail("%s is not a 64-bit ELF module" % path)
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)

    def section(i):
        base = shoff + i * shentsize
        name, = struct.unpack_from("<I", elf, base)
        offset, size = struct.unpack_from("<QQ", elf, base + 0x18)
        return name, elf[offset:offset + size]

    _, names = section(shstrndx)
    for i in range(shnum):
        name, data = section(i)
        if names[name:names.index(b"\0", name)] == b".modinfo":
            for field in data.split(b"\0"):
                if field.startswith(b"depends="):
                    return [d for d in field[len(b"depends="):].decode().split(",") if d]
            return []
    fail("%s has no .modinfo section" % path)


def module_name(path):
    return os.path.basename(path)[:-len(".ko")].replace("-", "_")


def with_dependencies(tree):
    """NET_MODULES and everything they depend on, as paths under `tree`."""
    index = {}
    for directory, _, files in os.walk(tree):
        for f in files:
            if f.endswith(".ko"):
                path = os.path.join(directory, f)
                index[module_name(path)] = os.path.relpath(path, tree)
    wanted, todo = [], [module_name(m) for m in NET_MODULES]
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        if name not in index:
            fail("module %s is not in the kernel package" % name)
        wanted.append(name)
        todo += modinfo_depends(os.path.join(tree, index[name]))
    return [index[n] for n in wanted]


def load_order(mdir):
    """The module names of mdir, each after what it depends on."""
    deps = {module_name(f): modinfo_depends(os.path.join(mdir, f)) for f in os.listdir(mdir)}
    order = []

    def visit(name):
        if name not in order:
            for d in deps[name]:
                visit(d)
            order.append(name)

    for name in sorted(deps):
        visit(name)
    return order


def build_linux(cache, mdir):
    """httpd and the init, static for Linux, in a gzipped initrd with the modules."""
    build = os.path.join(cache, "build")
    os.makedirs(build, exist_ok=True)
    flags = [gb.CC] + gb.CFLAGS + ["-ffile-prefix-map=%s=." % ROOT, "-I", ROOT]
    init, httpd = os.path.join(build, "net-init"), os.path.join(build, "net-httpd")
    subprocess.check_call(flags + ["-o", init, os.path.join(HERE, "net_linux_init.c")])
    # httpd.c with the libraries its bazel target links on the host
    # (userland/net_utils:net and util_host: only util.c is needed).
    sources = ["userland/net_utils/httpd.c", "userland/net_utils/lib/http.c",
               "userland/net_utils/lib/sock.c", "userland/utils/lib/util.c"]
    # sock.c's getaddrinfo draws glibc's static-linking warning; httpd never resolves names.
    subprocess.check_call(flags + ["-o", httpd] + [os.path.join(ROOT, s) for s in sources],
                          stderr=subprocess.DEVNULL)

    def read(path):
        with open(path, "rb") as f:
            return f.read()

    order = load_order(mdir)
    entries = [("bin", 0o040755, b"", 0, 0),
               ("bin/httpd", 0o100755, read(httpd), 0, 0),
               ("dev", 0o040755, b"", 0, 0),
               ("dev/console", 0o020600, b"", 5, 1),
               ("etc", 0o040755, b"", 0, 0),
               ("etc/modules", 0o100644, "".join(n + "\n" for n in order).encode(), 0, 0),
               ("init", 0o100755, read(init), 0, 0),
               ("lib", 0o040755, b"", 0, 0),
               ("lib/modules", 0o040755, b"", 0, 0)]
    for name in sorted(os.listdir(mdir)):
        entries.append(("lib/modules/" + name, 0o100644, read(os.path.join(mdir, name)), 0, 0))
    initrd = os.path.join(build, "net-initrd.gz")
    with open(initrd, "wb") as f:
        f.write(gzip.compress(gb.cpio_newc(entries), mtime=0))
    log("Linux initrd: modules " + " ".join(order))
    return initrd


def build_viperdos(cache):
    """guest_bench.py's image and boot archive, and what guest_peer_test.sh runs."""
    kernel, initrd = gb.build_viperdos(cache)
    log("bazel build //testing/net:qemu_harness //userland/net_utils:nc_host")
    subprocess.check_call(["bazel", "build", "//testing/net:qemu_harness",
                           "//userland/net_utils:nc_host"], cwd=ROOT, stderr=subprocess.DEVNULL)
    return os.path.join(ROOT, "bazel-bin", "testing", "net", "qemu_harness"), kernel, initrd


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Usage:
    """Host CPU over one boot: the whole host's (/proc/stat) against what this
    script's children (QEMU, the harness, curl, ...) used, once reaped."""

    def __init__(self):
        self.busy, _ = gb.host_jiffies()
        self.ours = self._children()
        self.start = time.monotonic()

    @staticmethod
    def _children():
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    def done(self):
        wall = time.monotonic() - self.start
        busy, _ = gb.host_jiffies()
        ours = self._children() - self.ours
        other = max(0.0, busy - self.busy - ours)
        return {"wall_s": wall, "ours_cpu_s": ours, "other_cpu_s": other,
                "other_load": other / wall}


def run_logged(command, log_path, timeout, env=None, on_line=None):
    """Runs command, its output lines with their host time into log_path;
    returns (status, lines)."""
    start = time.monotonic()
    proc = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env)
    lines = []
    with open(log_path, "w") as out:
        out.write("HOST cmd %s\n" % " ".join(command))
        for raw in proc.stdout:
            line = raw.decode(errors="replace").rstrip("\r\n")
            lines.append(line)
            out.write("%.3f %s\n" % (time.monotonic() - start, line))
            out.flush()
            if on_line:
                on_line(line, proc)
            if time.monotonic() - start > timeout:
                proc.kill()
                break
    return proc.wait(), lines


def qemu_pid_under(pid):
    """The pid of the QEMU somewhere below `pid` (the harness's), or None."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    stat = f.read()
            except OSError:
                continue
            comm_end = stat.rindex(")")
            parents[int(entry)] = (int(stat[comm_end + 2:].split()[1]),
                                   stat[stat.index("(") + 1:comm_end])
    for child, (ppid, comm) in parents.items():
        p = ppid
        while p > 1 and p != pid:
            p = parents.get(p, (0, ""))[0]
        if p == pid and comm.startswith("qemu-system"):
            return child
    return None


def qemu_under(pid):
    """The command line of that QEMU, or None."""
    qemu = qemu_pid_under(pid)
    try:
        with open("/proc/%d/cmdline" % qemu, "rb") as f:
            return [a.decode() for a in f.read().split(b"\0") if a]
    except (OSError, TypeError):
        return None


def kill_stuck(pid, seen):
    seen["killed"] = True
    log("  the guest is still up %d s after bench.sh: killing its QEMU (pid %d)" %
        (POWER_OFF_GRACE_S, pid))
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def viperdos_counters(console_path):
    """COUNTERS from netstat -s, which peer.sh prints after NET-PEER-COUNTERS."""
    try:
        with open(console_path, errors="replace") as f:
            text = f.read()
    except OSError:
        return {}
    text = text[text.find("NET-PEER-COUNTERS"):] if "NET-PEER-COUNTERS" in text else ""
    values = dict(line.split()[:2] for line in text.splitlines() if len(line.split()) == 2)
    return {key: float(values[name]) for key, _, name, _ in COUNTERS
            if values.get(name, "").isdigit()}


def linux_counters(serial_path):
    """COUNTERS from net_linux_init.c's copy of /proc/net's Tcp and TcpExt lines
    (each a line of names, then a line of values)."""
    with open(serial_path, errors="replace") as f:
        lines = [line.strip() for line in f if line.strip().startswith(("Tcp:", "TcpExt:"))]
    values = {}
    for names, numbers in zip(lines[::2], lines[1::2]):
        values.update(zip(names.split()[1:], numbers.split()[1:]))
    return {key: float(values[name]) for key, _, _, name in COUNTERS
            if values.get(name, "").lstrip("-").isdigit()}


def curl_errors(lines):
    """What curl said of broken transfers, and which figure is left out for it."""
    out, errors = [], []
    for line in lines:
        if line.startswith("curl: ("):
            errors.append(line)
        for key, label, pattern, _ in FIGURES:
            if re.search(pattern, line) and errors:
                out.append("%s: %s (this boot's figure is left out)" % (label, "; ".join(errors)))
                errors = []
    return out


def bench_env(counts):
    """bench.sh's counts; guest_peer_test.sh passes BENCH_RUNS on as its RUNS."""
    runs, gets, keepalive = counts
    return dict(os.environ, BENCH_RUNS=str(runs), BENCH_GETS=str(gets),
                BENCH_KEEPALIVE=str(keepalive))


def parse_figures(lines):
    """bench.sh's figures, without one a curl failure came before (bench.sh
    goes on after a broken transfer, and its median would count it)."""
    figures, failed = {}, False
    for line in lines:
        failed = failed or line.startswith("curl: (")
        for key, _, pattern, _ in FIGURES:
            m = re.search(pattern, line)
            if m:
                if not failed:
                    figures[key] = float(m.group(1))
                failed = False
    return figures


def boot_viperdos(built, counts, raw_path, timeout):
    harness, kernel, initrd = built
    outputs = raw_path + ".outputs"
    os.makedirs(outputs, exist_ok=True)
    env = dict(bench_env(counts), TEST_UNDECLARED_OUTPUTS_DIR=outputs)
    seen = {}

    def on_line(line, proc):
        if "httpd answers" in line and "command" not in seen:
            seen["command"] = qemu_under(proc.pid)
        if re.search(FIGURES[-1][2], line):
            # bench.sh is done; if the guest misses the PUT of /done
            # (its httpd answered 500 once), the harness would wait out its
            # 1200 s: end QEMU (its own process group) after a grace period.
            qemu = seen.get("command") and qemu_pid_under(proc.pid)
            if qemu:
                seen["timer"] = threading.Timer(POWER_OFF_GRACE_S, kill_stuck, (qemu, seen))
                seen["timer"].start()

    status, lines = run_logged(["bash", os.path.join(ROOT, "testing", "net", "guest_peer_test.sh"),
                                harness, kernel, initrd, "bench"], raw_path, timeout, env, on_line)
    if "timer" in seen:
        seen["timer"].cancel()
    figures = parse_figures(lines)
    if status != 0 and not (seen.get("killed") and re.search(FIGURES[-1][2], "\n".join(lines))):
        log("ViperDOS boot failed (status %d); log: %s (console.log in %s)" %
            (status, raw_path, outputs))
        for line in lines[-15:]:
            log("  | " + line)
        return None
    result = {"figures": figures, "command": seen.get("command"), "problems": curl_errors(lines),
              "broken": len(curl_errors(lines)),
              "counters": viperdos_counters(os.path.join(outputs, "console.log"))}
    if seen.get("killed"):
        result["problems"].append("the guest did not power off after bench.sh (QEMU killed "
                                  "after %d s)" % POWER_OFF_GRACE_S)
    return result


def linux_command(vmlinuz, initrd, port):
    return ([gb.QEMU] + gb.MACHINE + ["-kernel", vmlinuz, "-initrd", initrd,
                                      "-append", gb.LINUX_APPEND] + nic_args(port))


def http_ok(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status == 200
    except OSError:
        return False


def wait_http(url, qemu, serial_path, deadline):
    """True once url answers; False if the init said it failed, QEMU ended or time ran out."""
    while not http_ok(url):
        with open(serial_path, errors="replace") as f:
            if "NET-LINUX-FAIL" in f.read():
                return False
        if qemu.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(1)
    return True


def boot_linux(vmlinuz, initrd, counts, raw_path, timeout):
    port = free_port()
    command = linux_command(vmlinuz, initrd, port)
    base = "http://127.0.0.1:%d" % port
    start = time.monotonic()
    with open(raw_path, "w") as serial:
        serial.write("HOST cmd %s\n" % " ".join(command))
        serial.flush()
        qemu = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=serial,
                                stderr=subprocess.STDOUT)
    try:
        if wait_http(base + "/hello.txt", qemu, raw_path, start + timeout):
            log("  Linux's httpd answers after %.1f s" % (time.monotonic() - start))
            status, lines = run_logged(["bash", os.path.join(ROOT, "testing", "net", "bench.sh"),
                                        base, str(counts[0])], raw_path + ".bench", timeout, bench_env(counts))
            for line in lines:
                log("  " + line)
            # The init powers off once /www/done exists (as peer.sh ends ViperDOS's run).
            subprocess.run(["curl", "-sS", "-m", "30", "-o", "/dev/null", "-T", "/dev/null",
                            base + "/done"], stderr=subprocess.DEVNULL)
            qemu.wait(timeout=60)
            if status == 0:
                return {"figures": parse_figures(lines), "command": command,
                        "problems": curl_errors(lines), "broken": len(curl_errors(lines)),
                        "counters": linux_counters(raw_path)}
        log("Linux boot failed; serial log: %s" % raw_path)
        with open(raw_path, errors="replace") as f:
            for line in f.read().splitlines()[-15:]:
                log("  | " + line)
        return None
    finally:
        if qemu.poll() is None:
            qemu.kill()
            qemu.wait()


def stats(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def table(results, ratios):
    most = max(len(b) for b in results.values())

    def side(s, precision):
        if s is None:
            return "—"
        f = "%%.%df" % precision
        shown = (f + " (" + f + "–" + f + ")") % (s["median"], s["min"], s["max"])
        return shown + (", %d of %d boots" % (s["n"], most) if s["n"] < most else "")

    lines = ["| figure | Linux median (min–max) | ViperDOS median (min–max) | ViperDOS / Linux |",
             "|---|---|---|---|"]
    for key, label, _, higher in FIGURES:
        values = {system: [r["figures"][key] for r in boots if key in r["figures"]]
                  for system, boots in results.items()}
        linux = stats(values["linux"]) if values.get("linux") else None
        viper = stats(values["viperdos"]) if values.get("viperdos") else None
        pairs = [v["figures"][key] / l["figures"][key]
                 for l, v in zip(results.get("linux", []), results.get("viperdos", []))
                 if key in l["figures"] and key in v["figures"] and l["figures"][key] > 0]
        ratio = "—"
        if pairs and ratios:
            r = statistics.median(pairs)
            ratio = "%.2f" % r if r >= 0.1 else "%.1g" % r
        precision = 2 if key == "get_new" else (1 if key == "download" else 0)
        lines.append("| %s (%s is better) | %s | %s | %s |" %
                     (label, "higher" if higher else "lower", side(linux, precision),
                      side(viper, precision), ratio))
    for key, label, _, _ in COUNTERS:
        values = {system: [r["counters"][key] for r in boots if key in r.get("counters", {})]
                  for system, boots in results.items()}
        shown = [side(stats(values[s]), 0) if values.get(s) else "—" for s in ("linux", "viperdos")]
        lines.append("| %s | %s | %s | — |" % (label, shown[0], shown[1]))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boots", type=int, default=3, help="boots of each system")
    parser.add_argument("--smoke", action="store_true",
                        help="one boot each, bench.sh with fewer requests (%d, %d, %d)" %
                        COUNTS["smoke"])
    parser.add_argument("--cache", default=os.path.expanduser("~/.cache/viperdos-bench"))
    parser.add_argument("--kernel-package", default="linux-image-6.1.0-56-arm64")
    parser.add_argument("--kernel-version", default="6.1.192-2")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds per boot")
    parser.add_argument("--systems", default="linux,viperdos", help="which systems to boot")
    args = parser.parse_args()
    if args.boots < 1:
        fail("--boots must be at least 1")
    systems = [s for s in ("linux", "viperdos") if s in args.systems.split(",")]
    if not systems:
        fail("--systems names neither linux nor viperdos")
    boots = 1 if args.smoke else args.boots
    counts = COUNTS["smoke" if args.smoke else "full"]

    os.makedirs(args.cache, exist_ok=True)
    # guest_bench.py's lock: one benchmark at a time on this host.
    lock = open(os.path.join(args.cache, ".lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        log("another benchmark holds %s; waiting" % lock.name)
        fcntl.flock(lock, fcntl.LOCK_EX)

    gb.ensure_tools()
    if "linux" in systems:
        vmlinuz = gb.ensure_kernel(args.cache, args.kernel_package, args.kernel_version)
        mdir = gb.ensure_modules(args.cache, args.kernel_package, args.kernel_version,
                                 os.path.dirname(vmlinuz), pick=with_dependencies,
                                 subdir="net-modules")
        linux_initrd = build_linux(args.cache, mdir)
    if "viperdos" in systems:
        viperdos = build_viperdos(args.cache)

    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    runs_dir = os.path.join(args.cache, "runs")
    os.makedirs(runs_dir, exist_ok=True)
    results = {system: [] for system in systems}
    commands, warnings = {}, []
    for i in range(boots):
        for system in systems:  # interleaved: host drift hits both
            raw = os.path.join(runs_dir, "%s-net-%s-boot%d.log" % (stamp, system, i + 1))
            log("%s boot %d/%d (log %s)" % (system, i + 1, boots, raw))
            usage = Usage()
            if system == "linux":
                result = boot_linux(vmlinuz, linux_initrd, counts, raw, args.timeout)
            else:
                result = boot_viperdos(viperdos, counts, raw, args.timeout)
            host = usage.done()
            if result is None:
                fail("%s did not finish boot %d" % (system, i + 1))
            if len(result["figures"]) + result["broken"] != len(FIGURES):
                fail("%s boot %d: bench.sh gave only %s; see %s" %
                        (system, i + 1, sorted(result["figures"]), raw))
            commands.setdefault(system, result["command"] or ["?"])
            for problem in result["problems"]:
                warnings.append("%s boot %d: %s" % (system, i + 1, problem))
                log("WARNING: " + warnings[-1])
            log("  HOST " + " ".join("%s=%.2f" % kv for kv in host.items()))
            log("  " + " ".join("%s=%g" % kv for kv in sorted(result["figures"].items())))
            log("  counters " + " ".join("%s=%g" % kv for kv in sorted(result["counters"].items())))
            if host["other_load"] > gb.OTHER_LOAD_LIMIT:
                warnings.append("%s boot %d: other processes used %.0f%% of a core (%.1f s of "
                                "%.1f s); its figures are suspect" %
                                (system, i + 1, 100 * host["other_load"], host["other_cpu_s"],
                                 host["wall_s"]))
                log("WARNING: " + warnings[-1])
            results[system].append(result)

    meta = bench_report.metadata(commands, boots, args, stamp)
    flags = (" --smoke" if args.smoke else (" --boots %d" % boots if boots != 3 else "")) + (
        " --systems " + systems[0] if len(systems) == 1 else "")
    print("Measured %s with `testing/bench/net_bench.py%s` (%d boot%s %s; bench.sh per boot: "
          "downloads %d, new-connection GETs %d, kept-alive GETs %d)." %
          (meta["date"], flags, boots, "s" if boots > 1 else "",
           "each, interleaved" if len(systems) == 2 else "of " + systems[0], *counts))
    print("Host: %s; %s; Linux guest: %s.\n" % (meta["host"], meta["qemu"], meta["linux"]))
    print(table(results, ratios=len(systems) == 2))
    print("\nRatio: ViperDOS / Linux of the figure as shown, the median of the ratios of "
          "neighbouring boots (below 1 is slower for MiB/s and requests/s, above 1 for ms).")
    for system, command in commands.items():
        print("\n%s: `%s`" % (system, " ".join(command)))
    for w in warnings:
        print("\nWARNING: " + w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
