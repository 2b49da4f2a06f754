"""guest_bench's report: which figures pair up, the table, the canaries, the
section of docs/performance.md and the SVG chart of the ratios. Only the
standard library."""
import html
import math
import os
import platform
import statistics
import subprocess
import time

# (figure, Linux name, ViperDOS name, target ratio or None, note). A target
# is the issue's: ViperDOS / Linux nokaslr, same run, lower is better.
FIGURES = [
    ("null syscall", "null_syscall", "null_syscall", 0.5,
     "getppid on both"),
    ("clock read (CLOCK_MONOTONIC)", "clock_gettime", "clock_gettime", 1.0, "canary"),
    ("IPC round trip: pipe ping-pong", "pipe_pingpong_rtt", "pipe_pingpong_rtt", 0.5, ""),
    ("IPC round trip: channel call vs Linux pipe", "pipe_pingpong_rtt", "channel_call_rtt", 0.25,
     "ViperDOS: not pinned to one CPU"),
    ("channel call between two threads of one process", None, "channel_call_rtt_threads", None,
     "informational: the IPC path without the two address-space switches"),
    ("sched_yield switch, two processes", "sched_yield_switch", "sched_yield_switch", 0.5, ""),
    ("sched_yield switch, two threads", "sched_yield_switch_threads",
     "sched_yield_switch_threads", None, "one process; ViperDOS not pinned"),
    ("fork + _exit + waitpid", "fork_exit_wait", "fork_exit_wait", 0.7, ""),
    ("spawn + exit + wait vs Linux fork", "fork_exit_wait", "spawn_exit_wait", 0.5, ""),
    ("spawn call alone (of spawn + exit + wait)", None, "spawn_call", None,
     "informational: where spawn's time goes"),
    ("anonymous first-touch fault, 4 KiB", "anon_fault_4k", "anon_fault_4k", 0.7,
     "ascending pass: ViperDOS maps ahead, Linux does not"),
    ("anonymous first-touch fault, 4 KiB, pages written top down", "anon_fault_4k_descending",
     "anon_fault_4k_descending", 0.7, "one fault per page on both"),
    ("copy-on-write fault, 4 KiB", "cow_fault_4k", "cow_fault_4k", 0.7, ""),
    ("malloc(64) + free", "malloc_free_64", "malloc_free_64", 1.0, "canary"),
    ("64 MiB sequential read, cold (a file unread since boot)", "file_read_64m_cold",
     "file_read_64m_cold", None, "ext2, same image; 64 KiB reads"),
    ("64 MiB sequential read, warm cache", "file_read_64m_warm", "file_read_64m_warm", 1.0,
     "read once untimed first"),
    ("64 MiB sequential write + fsync", "file_write_64m_sync", "file_write_64m_sync", None,
     "new file; 64 KiB writes"),
    ("64 MiB sequential write, no fsync (cached)", "file_write_64m", "file_write_64m", None, ""),
    ("create + stat + unlink, per small file", "files_create_stat_unlink",
     "files_create_stat_unlink", None, "1 000 files, one directory"),
    ("boot: QEMU start to init's first line", "boot_to_init_host", "boot_to_init_host", 0.2,
     "to the prompt: boot_to_prompt.py, below"),
]


def _stats(results, name):
    if name is None:
        return None
    values = [r["figures"][name] for r in results if name in r["figures"]]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def rows(results):
    """One row per figure: both sides' statistics over the boots and the ratio,
    the median of the ratios of neighbouring boots (Linux boot i, ViperDOS
    boot i): host speed drifts between pairs cancel."""
    out = []
    for label, linux_name, viper_name, target, note in FIGURES:
        linux_boots, viper_boots = results.get("linux", []), results.get("viperdos", [])
        linux, viper = _stats(linux_boots, linux_name), _stats(viper_boots, viper_name)
        pairs = [v["figures"][viper_name] / l["figures"][linux_name]
                 for l, v in zip(linux_boots, viper_boots)
                 if linux_name in l["figures"] and viper_name in v["figures"]
                 and l["figures"][linux_name] > 0]
        ratio = statistics.median(pairs) if pairs else None
        out.append({"label": label, "linux": linux, "viperdos": viper, "ratio": ratio,
                    "target": target, "note": note})
    return out


def canary_warnings(results, canaries, limit):
    """Pure user-code figures that moved between the boots of one system: the
    host changed speed under the run."""
    warnings = []
    for system, boots in results.items():
        for name in canaries:
            values = [b["figures"][name] for b in boots if name in b["figures"]]
            if len(values) > 1 and min(values) > 0 and max(values) / min(values) > limit:
                warnings.append("canary %s on %s moved %.2fx between boots (%s): the host "
                                "changed speed; compare neighbouring boots only" %
                                (name, system, max(values) / min(values),
                                 ", ".join("%.0f" % v for v in values)))
    return warnings


def _ns(value):
    if value >= 1e6:
        return "%.2f ms" % (value / 1e6)
    if value >= 1e4:
        return "%.1f µs" % (value / 1e3)
    return "%.0f ns" % value


def _side(s):
    if not s:
        return "—"
    if s["n"] == 1:
        return _ns(s["median"])
    return "%s (%s–%s)" % (_ns(s["median"]), _ns(s["min"]), _ns(s["max"]))


def verdict(row):
    if row["ratio"] is None:
        if row["target"] is None:
            return "—"
        return "not measured" if not (row["viperdos"] and row["linux"]) else "—"
    if row["target"] is None:
        return "no target"
    return "**met**" if row["ratio"] <= row["target"] else "missed"


def markdown_table(rows_, ratios=True):
    lines = ["| figure | Linux median (min–max) | ViperDOS median (min–max) | ratio | target |"
             " verdict | note |", "|---|---|---|---|---|---|---|"]
    for r in rows_:
        ratio = "%.2f" % r["ratio"] if r["ratio"] is not None and ratios else "—"
        target = "≤ %.2g" % r["target"] if r["target"] is not None else "—"
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" %
                     (r["label"], _side(r["linux"]), _side(r["viperdos"]), ratio, target,
                      verdict(r) if ratios else "smoke", r["note"]))
    return "\n".join(lines)


def _first_line(command):
    try:
        return subprocess.check_output(command, text=True, stderr=subprocess.DEVNULL).splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "?"


def metadata(commands, boots, args, stamp):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "stamp": stamp,
        "host": "%s, %d cores, Linux %s" % (cpu, os.cpu_count(), platform.release()),
        "qemu": _first_line(["qemu-system-aarch64", "--version"]),
        "linux": "%s %s (Debian arm64)" % (args.kernel_package, args.kernel_version),
        "boots": boots,
        "commands": commands,
    }


BEGIN = "<!-- guest_bench: begin (written by testing/bench/guest_bench.py) -->"
END = "<!-- guest_bench: end -->"


def write_doc(path, meta, table, warnings, results):
    """Replaces the section between BEGIN and END (or appends it)."""
    def shown(command):
        return " ".join(os.path.basename(a) if a.startswith("/") else a for a in command)

    info = sorted({line for system in results.values() for boot in system
                   for line in boot["info"]})
    body = [BEGIN, "",
            "Latest run: %s, %d boots of each system, interleaved." % (meta["date"], meta["boots"]),
            "", "    testing/bench/guest_bench.py --boots %d" % meta["boots"], "",
            "* host: " + meta["host"],
            "* " + meta["qemu"],
            "* Linux: " + meta["linux"] + ", `" + shown(meta["commands"]["linux"]) + "`",
            "* ViperDOS: this tree, `" + shown(meta["commands"]["viperdos"]) + "`",
            "", "Each side: the median over the boots of each boot's median (min–max over the "
            "boots). Ratio: ViperDOS / Linux, the median of the ratios of neighbouring boots "
            "(Linux boot i beside ViperDOS boot i), so host drift between pairs cancels.", "",
            table, "",
            "![ratios](performance-ratios.svg)", ""]
    if warnings:
        body += ["Warnings of this run:", ""] + ["* " + w for w in warnings] + [""]
    body += ["What the guests said:", ""] + ["    " + line for line in info] + ["", END]
    text = open(path).read() if os.path.exists(path) else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + "\n".join(body) + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(body) + "\n"
    with open(path, "w") as f:
        f.write(text)


def write_svg(path, rows_, meta):
    """Horizontal bars of the ratios on a log scale, 1.0 marked, each
    figure's target as a tick; green where it is met."""
    shown = [r for r in rows_ if r["ratio"] is not None]
    lo, hi = 0.05, 20.0
    for r in shown:
        lo, hi = min(lo, r["ratio"] / 1.5), max(hi, r["ratio"] * 1.5)
    left, width, bar, gap, top = 300, 460, 18, 8, 40
    height = top + len(shown) * (bar + gap) + 40

    def x(v):
        return left + width * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (left + width + 60, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="20" font-size="14">ViperDOS / Linux (nokaslr), same run, log scale; '
           'lower is better (%s)</text>' % html.escape(meta["date"])]
    for tick in (0.01, 0.1, 0.25, 0.5, 1, 2, 5, 10, 100, 1000):
        if lo <= tick <= hi:
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>' %
                       (x(tick), top - 5, x(tick), height - 30, "#444" if tick == 1 else "#ddd"))
            out.append('<text x="%.1f" y="%d" text-anchor="middle">%g</text>' %
                       (x(tick), height - 15, tick))
    for i, r in enumerate(shown):
        y = top + i * (bar + gap)
        met = r["target"] is not None and r["ratio"] <= r["target"]
        colour = "#4a4" if met else ("#999" if r["target"] is None else "#c44")
        x0, x1 = sorted((x(1), x(r["ratio"])))
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>' %
                   (left - 8, y + 13, html.escape(r["label"])))
        out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>' %
                   (x0, y, max(1.0, x1 - x0), bar, colour))
        out.append('<text x="%.1f" y="%d">%.2f</text>' % (x(max(r["ratio"], 1)) + 4, y + 13,
                                                         r["ratio"]))
        if r["target"] is not None:
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black" '
                       'stroke-width="2"/>' % (x(r["target"]), y - 2, x(r["target"]), y + bar + 2))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
