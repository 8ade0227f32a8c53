#!/usr/bin/env python3
"""Lines lost by copytruncate: rotatectl against logrotate.

A writer (example-writer, O_APPEND, one write(2) per line) writes numbered lines at a fixed rate while
the tool under test rotates the log with `copytruncate` every PERIOD seconds. Afterwards the rotated
copies (oldest first) and the live file are concatenated and the numbers counted: lost lines were
written but are in no file, doubled lines are in two, torn lines are fragments that parse as no line.

    bench.py [--seconds N] [--period S] [--rates 20000,50000] [--rotatectl PATH] [--writer PATH]
             [--dir DIR] [--tools rotatectl,logrotate]

rotatectl is run as `rotatectl run --state STATE --force CONFIG`, logrotate as
`logrotate -f -s STATE CONFIG`, with the same configuration. Each run works in a fresh directory
under --dir (default /tmp; its file system decides whether rotatectl can collapse, see the `fs`
column). Nothing is kept afterwards.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LINE = re.compile(rb"^line (\d+)$")


def find_binary(name, given):
    if given:
        return given
    for config in ("release", "debug"):
        path = os.path.join(ROOT, ".build", config, name)
        if os.access(path, os.X_OK):
            return path
    found = shutil.which(name)
    if not found:
        sys.exit("bench.py: cannot find %s; build it (swift build -c release) or pass its path" % name)
    return found


def fs_type(path):
    best, kind = "", "?"
    with open("/proc/self/mounts") as mounts:
        for entry in mounts:
            fields = entry.split()
            mount = fields[1]
            if (path == mount or path.startswith(mount.rstrip("/") + "/")) and len(mount) >= len(best):
                best, kind = mount, fields[2]
    return kind


def config_text(log):
    return """%s {
    copytruncate
    rotate 100000
    nocompress
    missingok
    ifempty
}
""" % log


def rotated_names(work):
    """The copies, oldest first (app.log.N with the highest N is the oldest)."""
    numbered = []
    for name in os.listdir(work):
        match = re.fullmatch(r"app\.log\.(\d+)", name)
        if match:
            numbered.append((int(match.group(1)), name))
    return [name for _, name in sorted(numbered, reverse=True)]


def count(work, written):
    data = b""
    names = rotated_names(work)
    for name in names + ["app.log"]:
        path = os.path.join(work, name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                data += f.read()
    seen = {}
    torn = 0
    for raw in data.split(b"\n"):
        if not raw:
            continue
        match = LINE.match(raw)
        if match:
            n = int(match.group(1))
            seen[n] = seen.get(n, 0) + 1
        else:
            torn += 1
    found = sum(1 for n in range(1, written + 1) if n in seen)
    doubled = sum(c - 1 for c in seen.values() if c > 1)
    return {"copies": len(names), "lost": written - found, "doubled": doubled, "torn": torn}


def run_one(tool, command, writer, rate, seconds, period, base):
    work = tempfile.mkdtemp(prefix="ct-bench-", dir=base)
    try:
        log = os.path.join(work, "app.log")
        config = os.path.join(work, "bench.conf")
        state = os.path.join(work, "state")
        with open(config, "w") as f:
            f.write(config_text(log))
        os.chmod(config, 0o644)
        written = int(rate * seconds)
        proc = subprocess.Popen([writer, log, str(written), str(rate)])
        while not os.path.exists(log):
            time.sleep(0.001)
        rotations = failures = 0
        slowest = 0.0
        next_at = time.monotonic() + period
        while proc.poll() is None:
            pause = next_at - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            next_at += period
            if proc.poll() is not None:
                break
            started = time.monotonic()
            args = command(state, config)
            result = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            slowest = max(slowest, time.monotonic() - started)
            rotations += 1
            if result.returncode != 0:
                failures += 1
                if failures == 1:
                    sys.stderr.write("%s failed (%d): %s\n" % (tool, result.returncode,
                                                              result.stderr.decode(errors="replace").strip()))
        if proc.wait() != 0:
            sys.exit("bench.py: the writer failed")
        counts = count(work, written)
        counts.update(tool=tool, rate=rate, written=written, rotations=rotations, failures=failures,
                      slowest=slowest, fs=fs_type(work))
        return counts
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--period", type=float, default=0.2)
    parser.add_argument("--rates", default="20000,50000")
    parser.add_argument("--tools", default="rotatectl,logrotate")
    parser.add_argument("--rotatectl")
    parser.add_argument("--logrotate", default=shutil.which("logrotate") or "/usr/sbin/logrotate")
    parser.add_argument("--writer")
    parser.add_argument("--dir", default="/tmp")
    args = parser.parse_args()

    writer = find_binary("example-writer", args.writer)
    commands = {
        "rotatectl": lambda state, config, exe=None: [find_binary("rotatectl", args.rotatectl),
                                                      "run", "--state", state, "--force", config],
        "logrotate": lambda state, config: [args.logrotate, "-f", "-s", state, config],
    }
    rows = []
    for rate in [int(r) for r in args.rates.split(",")]:
        for tool in args.tools.split(","):
            rows.append(run_one(tool, commands[tool], writer, rate, args.seconds, args.period, args.dir))

    header = ("tool", "fs", "lines/s", "written", "rotations", "copies", "lost", "lost %", "doubled", "torn",
              "slowest run")
    table = [header]
    for r in rows:
        table.append((r["tool"], r["fs"], str(r["rate"]), str(r["written"]),
                      "%d%s" % (r["rotations"], " (%d failed)" % r["failures"] if r["failures"] else ""),
                      str(r["copies"]), str(r["lost"]), "%.3f" % (100.0 * r["lost"] / max(1, r["written"])),
                      str(r["doubled"]), str(r["torn"]), "%.0f ms" % (1000 * r["slowest"])))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for i, row in enumerate(table):
        print("  ".join(cell.rjust(widths[j]) if j > 1 else cell.ljust(widths[j]) for j, cell in enumerate(row)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
