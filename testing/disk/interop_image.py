#!/usr/bin/env python3
"""interop_image.py OUT.img BLOCK_SIZE [ENTRIES] [--index]: an ext2 image made on the
host with mke2fs -d, holding what the guest must read byte-exact
(userland/tests/disk_read_test.c), and /.manifest/MANIFEST saying what that
is.

The tree: a dense file that reaches the double indirect blocks on 1 KiB
blocks; a sparse file with data in the direct, single, double and triple
indirect ranges and past 4 GiB (large_file); files with holes and one that
is all hole; a directory of ENTRIES (5 000) entries; hard links across directories;
fast, slow, dangling and directory symlinks; odd names (255 bytes,
spaces, UTF-8, a leading dash); mode bits. --index has e2fsck -fD build
dir_index trees (the guest reads them as the linear entries they also are).

The manifest has one line per entry, "PATH\\tTYPE MODE NLINK SIZE BLOCKS
CONTENT", sorted bytewise, as the guest prints them: TYPE f, d or l; MODE
octal; SIZE and BLOCKS (512-byte units) as e2fsprogs' debugfs reads them
from the image; CONTENT a file's POSIX cksum (or "-" past 64 MiB), a
directory's entry count, a link's target, and " =PATH" after a file with
more than one link, PATH the first (bytewise) of its names. Then "region"
lines, "region\\tPATH\\tOFFSET LENGTH CKSUM", for the parts of the files
too large to read whole. The metadata comes from debugfs, not from the
host's own file system, so the truth is e2fsprogs' reading of the image.
"""
import os
import random
import re
import subprocess
import sys
import tempfile

ENV = dict(os.environ, PATH=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
WHOLE_LIMIT = 64 << 20  # files up to this size are checksummed whole


def crc_table():
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else (r << 1)
        table.append(r & 0xFFFFFFFF)
    return table


TABLE = crc_table()


def cksum(data):
    """POSIX cksum of `data` (what coreutils' cksum and bin/cksum print)."""
    crc = 0
    for b in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ TABLE[(crc >> 24) ^ b]
    n = len(data)
    while n:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ TABLE[(crc >> 24) ^ (n & 0xFF)]
        n >>= 8
    return (~crc) & 0xFFFFFFFF


def file_cksum(path):
    if os.path.getsize(path) <= 65536:
        with open(path, "rb") as f:
            return cksum(f.read())
    # coreutils' cksum is much faster than Python for the large ones.
    out = subprocess.run(["cksum", path], check=True, capture_output=True).stdout
    return int(out.split()[0])


def pseudo_random(seed, count):
    return random.Random(seed).randbytes(count)


def write(path, data, mode=0o644):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def make_tree(root, many):
    """The tree (`many` entries in /many); returns the region lines'
    (path, offset, length) list."""
    j = os.path.join
    # Dense, not block-aligned: 12 direct + 256 single + double on 1 KiB.
    write(j(root, "big"), pseudo_random(1, (3 << 20) + 1234))
    write(j(root, "empty"), b"")
    write(j(root, "one-block"), pseudo_random(2, 1024))
    write(j(root, "script.sh"), b"#!/bin/sh\necho hi\n", 0o755)
    write(j(root, "secret"), b"private\n", 0o600)
    os.mkdir(j(root, "sparse"))
    # Data at the start, in the single (200 KiB), double (10 MiB) and
    # triple (70 MiB on 1 KiB blocks) indirect ranges, and past 4 GiB.
    pieces = [(0, 1000), (200 << 10, 3000), (10 << 20, 5000), (70 << 20, 4096),
              ((5 << 30) + 17, 6000)]
    regions = []
    huge = j(root, "sparse", "huge")
    with open(huge, "wb") as f:
        for n, (offset, length) in enumerate(pieces):
            f.seek(offset)
            f.write(pseudo_random(10 + n, length))
            regions.append(("/sparse/huge", max(0, offset - 700), length + 1000))
        f.truncate((5 << 30) + 17 + 6000 + 333)  # a hole at the end too
    # Each region: a piece, some hole before it and some after (the last
    # one's ends at the end of the file).
    regions.append(("/sparse/huge", 30 << 20, 1 << 20))  # a hole: zeros
    regions.append(("/sparse/huge", (5 << 30) + 17 + 6000, 333))  # the tail hole
    with open(j(root, "sparse", "holes"), "wb") as f:
        for n in range(0, 16, 3):
            f.seek(n * 65536 + 100)
            f.write(pseudo_random(20 + n, 5000))
        f.truncate(1 << 20)
    with open(j(root, "sparse", "all-hole"), "wb") as f:
        f.truncate(300 << 10)
    os.mkdir(j(root, "many"))
    for i in range(many):
        write(j(root, "many", "entry-%04d" % i), b"entry %d\n" % i)
    os.mkdir(j(root, "links"))
    write(j(root, "links", "one"), b"one inode, three names\n")
    os.link(j(root, "links", "one"), j(root, "links", "two"))
    os.link(j(root, "links", "one"), j(root, "also-one"))
    os.symlink("one", j(root, "links", "fast"))
    os.symlink("../" + "x" * 60 + "/../links/one", j(root, "links", "slow"))
    os.symlink("/no/such/target", j(root, "links", "dangling"))
    os.symlink("../many", j(root, "links", "to-dir"))
    odd = j(root, "odd")
    os.mkdir(odd)
    os.chmod(odd, 0o700)
    write(j(odd, "n" * 251 + ".txt"), b"a name of 255 bytes\n")
    write(j(odd, "with  two  spaces "), b"spaces\n")
    write(j(odd, "gr\u00fc\u00dfe-\u65e5\u672c\u8a9e-\U0001f642"), b"utf-8\n")
    write(j(odd, "-dash#%"), b"dash\n")
    os.mkdir(j(root, ".manifest"))
    write(j(root, ".manifest", "MANIFEST"), b"placeholder\n")
    return regions


def walk(root):
    """Every path in the tree (bytes, "/"-rooted), "/" first."""
    paths = [b"/"]
    broot = os.fsencode(root)
    for dirpath, dirnames, filenames in os.walk(broot):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            paths.append(b"/" + os.path.relpath(full, broot))
    return paths


def debugfs_stats(image, paths):
    """path -> {ino, mode, links, size, blocks} as debugfs reads the image."""
    with tempfile.NamedTemporaryFile("wb", delete=False) as cmds:
        for p in paths:
            cmds.write(b'stat "' + p + b'"\n')
    out = subprocess.run(["debugfs", "-f", cmds.name, image], env=ENV, check=True,
                         capture_output=True).stdout
    os.unlink(cmds.name)
    stats = {}
    chunks = out.split(b"debugfs: stat \"")[1:]
    for chunk in chunks:
        path, body = chunk.split(b"\"\n", 1)
        m = re.search(rb"Inode: (\d+)\s+Type: (\w+)\s+Mode:\s+(\d+)", body)
        size = re.search(rb"Size: (\d+)\n", body)
        links = re.search(rb"Links: (\d+)\s+Blockcount: (\d+)", body)
        if not (m and size and links):
            sys.exit("interop_image: debugfs cannot stat %r: %r" % (path, body[:200]))
        stats[path] = dict(ino=int(m.group(1)), type=m.group(2), mode=int(m.group(3), 8),
                           size=int(size.group(1)), links=int(links.group(1)),
                           blocks=int(links.group(2)))
    return stats


def manifest(root, image, regions):
    paths = [p for p in walk(root) if not p.startswith(b"/.manifest/")] + [b"/lost+found"]
    stats = debugfs_stats(image, paths)
    leaders = {}
    for p in sorted(paths):
        leaders.setdefault(stats[p]["ino"], p)
    lines = []
    for p in paths:
        s = stats[p]
        host = os.path.join(os.fsencode(root), p.lstrip(b"/"))
        kind = {b"regular": b"f", b"directory": b"d", b"symlink": b"l"}[s["type"]]
        if kind == b"f":
            content = b"%d" % file_cksum(host) if s["size"] <= WHOLE_LIMIT else b"-"
            if s["links"] > 1:
                content += b" =" + leaders[s["ino"]]
        elif kind == b"d":
            # The host tree has no lost+found: mke2fs adds it to the root.
            count = 0 if p == b"/lost+found" else len(os.listdir(host)) + (p == b"/")
            content = b"%d" % count
        else:
            content = os.readlink(host)
        lines.append(b"%s\t%s %o %d %d %d %s" % (p, kind, s["mode"], s["links"], s["size"],
                                                  s["blocks"], content))
    lines.sort()
    for path, offset, length in regions:
        with open(os.path.join(root, path.lstrip("/")), "rb") as f:
            f.seek(offset)
            data = f.read(length)
        if len(data) != length:
            sys.exit("interop_image: region %s@%d+%d is past the end" % (path, offset, length))
        lines.append(b"region\t%s\t%d %d %d" % (path.encode(), offset, length, cksum(data)))
    return b"".join(line + b"\n" for line in lines)


def main():
    args = sys.argv[1:]
    index = "--index" in args
    if index:
        args.remove("--index")
    if len(args) not in (2, 3) or args[1] not in ("1024", "2048", "4096"):
        sys.exit("usage: interop_image.py OUT.img 1024|2048|4096 [ENTRIES] [--index]")
    image, block = args[0], args[1]
    many = int(args[2]) if len(args) == 3 else 5000
    work = tempfile.mkdtemp()
    root = os.path.join(work, "tree")
    os.mkdir(root)
    regions = make_tree(root, many)
    with open(image, "wb") as f:
        f.truncate(64 << 20)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", block, "-I", "256", "-N", "8192",
                    "-d", root, image], env=ENV, check=True)
    if index:
        # 1 = repaired (the indexes it built); anything more is a failure.
        status = subprocess.run(["e2fsck", "-fyD", image], env=ENV, capture_output=True).returncode
        if status > 1:
            sys.exit("interop_image: e2fsck -fyD failed with %d" % status)
    listing = os.path.join(work, "MANIFEST")
    with open(listing, "wb") as f:
        f.write(manifest(root, image, regions))
    subprocess.run(["debugfs", "-w", "-f", "-", image], env=ENV, check=True, capture_output=True,
                   input=b"rm /.manifest/MANIFEST\nwrite %s /.manifest/MANIFEST\n"
                   % listing.encode())
    subprocess.run(["e2fsck", "-fn", image], env=ENV, check=True, capture_output=True)
    subprocess.run(["rm", "-rf", work], check=True)


if __name__ == "__main__":
    main()
