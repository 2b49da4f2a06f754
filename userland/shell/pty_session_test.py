#!/usr/bin/env python3
"""A person at a terminal: the host build of sh runs in a pseudo-terminal
and is typed at, key by key. Checks what the keys do end to end (raw mode,
line editor, completion, history, Ctrl-C ending a program while the shell
survives, Ctrl-D leaving). Usage: pty_session_test.py PATH_TO_SH"""
import os
import pty
import select
import sys
import tempfile
import time

SH = os.path.abspath(sys.argv[1])
failures = 0
passes = 0


class Session:
    def __init__(self, cwd):
        env = {"PATH": "/usr/bin:/bin", "HOME": cwd, "TERM": "xterm"}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(cwd)
            os.execve(SH, [SH], env)
        self.seen = b""

    def read_until(self, text, timeout=5.0):
        """Reads until text appears after what was already consumed."""
        want = text.encode()
        deadline = time.monotonic() + timeout
        while want not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    return None
                if not chunk:
                    return None
                self.seen += chunk
        head, _, self.seen = self.seen.partition(want)
        return head.decode(errors="replace")

    def type(self, keys, gap=0.0):
        for ch in keys:
            os.write(self.fd, ch.encode())
            if gap:
                time.sleep(gap)


def check(name, ok, detail=""):
    global failures, passes
    if ok:
        passes += 1
    else:
        failures += 1
        print(f"FAIL: {name} {detail}")


with tempfile.TemporaryDirectory() as work:
    work = os.path.realpath(work)
    with open(os.path.join(work, "uniquefile.txt"), "w") as f:
        f.write("contents of the file\n")
    s = Session(work)
    prompt = f"{work} $ "
    check("the prompt shows the working directory", s.read_until(prompt) is not None)
    # a new prompt starts a line; a redraw of the line being edited does not
    prompt = "\n" + prompt

    s.type("echo hi | cat | wc -c\r", gap=0.01)  # human-like gaps
    out = s.read_until(prompt)
    check("a pipeline", out is not None and "\r\n3\r" in out, repr(out))

    s.type("echo fast typing at full speed\r")
    out = s.read_until(prompt)
    check("typing at full speed", out is not None and "fast typing at full speed" in out, repr(out))

    s.type("sleep 100\r")
    time.sleep(0.3)
    start = time.monotonic()
    s.type("\x03")
    out = s.read_until(prompt, timeout=3)
    check("Ctrl-C ends the foreground program", out is not None and time.monotonic() - start < 3)
    s.type("echo status $?\r")
    out = s.read_until(prompt)
    check("and the shell survives with status 130", out is not None and "status 130" in out, repr(out))

    s.type("echo one\r")
    s.read_until(prompt)
    s.type("echo two\r")
    s.read_until(prompt)
    s.type("\x1b[A\x1b[A\r")  # Up, Up, Enter
    out = s.read_until(prompt)
    check("Up twice runs the entry before last", out is not None and "\r\none\r" in out, repr(out))

    s.type("cat uniq\t\r")
    out = s.read_until(prompt)
    check("Tab completes a file name", out is not None and "contents of the file" in out, repr(out))

    s.type("ech\t completed\r")
    out = s.read_until(prompt)
    check("Tab completes a command name", out is not None and "\r\ncompleted\r" in out, repr(out))

    s.type("echo abc\x1b[D\x1b[DX\x01\x1b[3~e\r")  # Left Left X, Home, Delete, e
    out = s.read_until(prompt)
    check("editing keys", out is not None and "\r\naXbc\r" in out, repr(out))

    s.type("while true; do sleep 1; done\r")
    time.sleep(0.3)
    s.type("\x03")
    out = s.read_until(prompt, timeout=3)
    check("Ctrl-C ends a loop, not only its program", out is not None, repr(out))
    s.type("for i in 1 2; do sleep 100; echo not$i; done; echo notafter\r")
    time.sleep(0.3)
    s.type("\x03")
    out = s.read_until(prompt, timeout=3)
    check("and the rest of the line", out is not None and "\\nnot" not in out, repr(out))

    s.type("echo unfinished\x03")
    out = s.read_until(prompt)
    check("Ctrl-C at the prompt abandons the line", out is not None and "^C" in out, repr(out))
    s.type("nosuchcommand\r")
    out = s.read_until(prompt)
    check("an unknown command says so", out is not None and "nosuchcommand: command not found" in out, repr(out))

    s.type("if true\r")
    check("an unfinished command asks for more", s.read_until("\n> ") is not None)
    s.type("then echo continued\r")
    s.read_until("\n> ")
    s.type("fi\r")
    out = s.read_until(prompt)
    check("and runs once complete", out is not None and "\r\ncontinued\r" in out, repr(out))

    s.type("\x04")  # Ctrl-D on an empty line
    out = s.read_until("exit")
    _, status = os.waitpid(s.pid, 0)
    check("Ctrl-D leaves the shell", out is not None and os.WIFEXITED(status), repr(out))

print(f"{passes} passed, {failures} failed")
sys.exit(1 if failures else 0)
