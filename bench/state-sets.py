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


def log_path(work, i, spread):
    """Log i: all in logs/, or (spread) each in a directory of its own, logs/dI/, so that what a set's
    own snapshot costs does not grow with the number of sets and the state is what remains."""
    return os.path.join(work, "logs", "d%d" % i, "l.log") if spread else os.path.join(work, "logs", "l%d.log" % i)


def lay_out(work, n, spread):
    logs = os.path.join(work, "logs")
    shutil.rmtree(logs, ignore_errors=True)
    os.makedirs(logs, mode=0o755)
    for i in range(n):
        path = log_path(work, i, spread)
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        with open(path, "w") as f:
            f.write("line %d\n" % i)
    for name in ("rotatectl.state", "logrotate.state"):
        for suffix in ("", ".lock", ".pending"):
            try:
                os.unlink(os.path.join(work, name + suffix))
            except FileNotFoundError:
                pass
    os.sync()


def config(work, n, spread):
    path = os.path.join(work, "sets.conf")
    with open(path, "w") as f:
        for i in range(n):
            f.write("%s {\n    rotate 1\n    missingok\n}\n" % log_path(work, i, spread))
    os.chmod(path, 0o644)
    return path


def timed(argv):
    """(wall seconds, CPU seconds user+sys) of one run. CPU time does not include waiting for the
    disk, so it shows the work a tool does per set even where fsync latency, shared with whatever
    else the machine does, makes the wall time noisy."""
    start = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print("%s exited %d: %s" % (argv[0], code, err.decode(errors="replace")[-400:]), file=sys.stderr)
    return seconds, usage.ru_utime + usage.ru_stime


def check(work, n, label):
    rotated = sum(1 for _, _, names in os.walk(os.path.join(work, "logs")) for name in names if name.endswith(".log.1"))
    if rotated != n:
        print("%s rotated %d of %d logs" % (label, rotated, n), file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sets", default="1000,3000", help="comma-separated numbers of one-log sets (default 1000,3000)")
    p.add_argument("--rotatectl", action="append", default=[],
                   help="binary to measure, as PATH or LABEL=PATH; repeat to compare builds (default .build/release/rotatectl)")
    p.add_argument("--logrotate", default="/usr/sbin/logrotate")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--spread", action="store_true",
                   help="each log in a directory of its own (default: all in one directory, whose listing every set reads)")
    p.add_argument("--tmp", default=None, help="parent of the work directory (default $TMPDIR or /tmp; a tmpfs there "
                   "makes fsync free and leaves what each tool computes)")
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
            conf = config(work, n, args.spread)
            times = {label: [] for label, _ in tools}
            times["logrotate"] = []
            runs = [(label, [path, "run", "-f", "-s", os.path.join(work, "rotatectl.state"), conf]) for label, path in tools]
            runs.append(("logrotate", [args.logrotate, "-f", "-s", os.path.join(work, "logrotate.state"), conf]))
            for rep in range(args.reps):
                order = runs if rep % 2 == 0 else list(reversed(runs))
                for label, argv in order:
                    lay_out(work, n, args.spread)
                    times[label].append(timed(argv))
                    check(work, n, label)
            lr = statistics.median(w for w, _ in times["logrotate"])
            lrcpu = statistics.median(c for _, c in times["logrotate"])
            for label, _ in tools:
                t = statistics.median(w for w, _ in times[label])
                cpu = statistics.median(c for _, c in times[label])
                rows.append((n, label, t, cpu, lr, lrcpu))
                print("%6d sets  %-10s wall %8.3f s (min %.3f) cpu %7.3f s   logrotate wall %7.3f s cpu %6.3f s   "
                      "ratio %.3fx  (%.2f ms/set)" % (n, label, t, min(w for w, _ in times[label]), cpu, lr, lrcpu,
                                                     lr / t, 1000 * t / n), flush=True)
        print()
        print("| sets | build | rotatectl wall | CPU | logrotate wall | CPU | logrotate/rotatectl (wall) | ms per set |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|")
        for n, label, t, cpu, lr, lrcpu in rows:
            print("| %d | %s | %.3f s | %.3f s | %.3f s | %.3f s | %.3fx | %.2f |" % (n, label, t, cpu, lr, lrcpu, lr / t, 1000 * t / n))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
