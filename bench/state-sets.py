#!/usr/bin/env python3
"""Many one-log sets, forced: rotatectl against logrotate, side by side in one run.

Every set of the config names one small log (`rotate 1`, `missingok`), and both tools run forced
(`rotatectl run -f -s STATE CONF`, `logrotate -f -s STATE CONF`), so every set rotates and each tool
records every log in its state file. This measures what a run costs per set (the state file above all:
issue 16), not compression. Before every timed run the logs are laid out again, the state files removed
and the file system synced (untimed). Run as root (logrotate's rules for config and log directories).

    python3 bench/state-sets.py --sets 1000,3000 --rotatectl .build/release/rotatectl
    python3 bench/state-sets.py --sets 3000 --rotatectl before=/tmp/rotatectl-old --rotatectl after=.build/release/rotatectl
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def lay_out(work, n):
    logs = os.path.join(work, "logs")
    shutil.rmtree(logs, ignore_errors=True)
    os.makedirs(logs, mode=0o755)
    for i in range(n):
        with open(os.path.join(logs, "l%d.log" % i), "w") as f:
            f.write("line %d\n" % i)
    for name in ("rotatectl.state", "logrotate.state"):
        for suffix in ("", ".lock", ".pending"):
            try:
                os.unlink(os.path.join(work, name + suffix))
            except FileNotFoundError:
                pass
    os.sync()


def config(work, n):
    path = os.path.join(work, "sets.conf")
    with open(path, "w") as f:
        for i in range(n):
            f.write("%s/logs/l%d.log {\n    rotate 1\n    missingok\n}\n" % (work, i))
    os.chmod(path, 0o644)
    return path


def timed(argv):
    start = time.monotonic()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.monotonic() - start
    if p.returncode != 0:
        print("%s exited %d: %s" % (argv[0], p.returncode, p.stderr.decode(errors="replace")[-400:]), file=sys.stderr)
    return seconds


def check(work, n, label):
    rotated = sum(1 for name in os.listdir(os.path.join(work, "logs")) if name.endswith(".log.1"))
    if rotated != n:
        print("%s rotated %d of %d logs" % (label, rotated, n), file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sets", default="1000,3000", help="comma-separated numbers of one-log sets (default 1000,3000)")
    p.add_argument("--rotatectl", action="append", default=[],
                   help="binary to measure, as PATH or LABEL=PATH; repeat to compare builds (default .build/release/rotatectl)")
    p.add_argument("--logrotate", default="/usr/sbin/logrotate")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--tmp", default=None, help="parent of the work directory (default $TMPDIR or /tmp)")
    args = p.parse_args()
    tools = []
    for spec in args.rotatectl or [os.path.join(ROOT, ".build/release/rotatectl")]:
        label, _, path = spec.rpartition("=")
        tools.append((label or "rotatectl", os.path.abspath(path)))
    work = tempfile.mkdtemp(prefix="rotatectl-state-sets-", dir=args.tmp)
    os.chmod(work, 0o755)
    try:
        rows = []
        for n in [int(x) for x in args.sets.split(",")]:
            conf = config(work, n)
            times = {label: [] for label, _ in tools}
            times["logrotate"] = []
            runs = [(label, [path, "run", "-f", "-s", os.path.join(work, "rotatectl.state"), conf]) for label, path in tools]
            runs.append(("logrotate", [args.logrotate, "-f", "-s", os.path.join(work, "logrotate.state"), conf]))
            for rep in range(args.reps):
                order = runs if rep % 2 == 0 else list(reversed(runs))
                for label, argv in order:
                    lay_out(work, n)
                    times[label].append(timed(argv))
                    check(work, n, label)
            lr = statistics.median(times["logrotate"])
            for label, _ in tools:
                t = statistics.median(times[label])
                rows.append((n, label, t, lr))
                print("%6d sets  %-10s %8.3f s (min %.3f)  logrotate %7.3f s  ratio %.2fx  (%.2f ms/set)"
                      % (n, label, t, min(times[label]), lr, lr / t, 1000 * t / n), flush=True)
        print()
        print("| sets | build | rotatectl | logrotate | logrotate/rotatectl | ms per set |")
        print("|---:|---|---:|---:|---:|---:|")
        for n, label, t, lr in rows:
            print("| %d | %s | %.3f s | %.3f s | %.2fx | %.2f |" % (n, label, t, lr, lr / t, 1000 * t / n))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
