#!/usr/bin/env python3
"""Benchmark `rotatectl watch` (issue 20), side by side with `run` from a timer, in one run.

  flood  a writer appending at --rate MB/s (default 50) for --seconds (default 20) to a log with
         `maxsize 10M` (--cap), under `rotatectl watch` and under `rotatectl run` every --timer
         seconds (default 60; the flood under `run` lasts one timer period plus 5 s). For each: the largest size the
         live log reached (and as a multiple of the cap), and the delay from the write that crossed the cap
         to the rename (seen by the writer as a new inode on its next open): p50, p99, max.
  beside the same flood, while the same watcher compresses a --big MiB log (default 512) in another
         directory, rotated at the watcher's start: the flooded log's largest size and delays, and how long
         the compression took; a watcher that ran sets one after another would let the flooded log grow
         for the whole compression.
  samedir the same, with the big log in the flooded log's own directory: a run holds a directory's lock
         only while it renames, so the flooded log is rotated while the big one is compressed beside it.
  idle   an idle watcher over --logs logs (default 10,000) in --dirs directories (default 100): CPU
         used over --idle-seconds (default 30) as a share of one core, and RSS (VmRSS, VmHWM).

The writer opens the log by name for each chunk (O_APPEND), so a rotated file keeps every byte. Goals
from the issue: flood max size under 2x the cap and p99 delay under 1 s; idle CPU under 1% of a core,
RSS under 32 MiB. Standard library only; builds nothing (give --rotatectl, default .build/release).
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MiB = 1024 * 1024


def config(path, logs_glob, cap):
    with open(path, "w") as f:
        f.write(f"{logs_glob} {{\n    maxsize {cap // MiB}M\n    size 100G\n    rotate 3\n    missingok\n}}\n")


def flood(log, cap, rate, seconds, chunk=64 * 1024):
    """Appends at `rate` bytes/s for `seconds`; returns (largest size seen, [delays crossing → rename])."""
    data = b"x" * (chunk - 1) + b"\n"
    start = time.monotonic()
    written = 0
    inode = None
    crossed_at = None
    largest = 0
    delays = []
    while True:
        now = time.monotonic()
        if now - start >= seconds:
            break
        due = start + written / rate
        if due > now:
            time.sleep(due - now)
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        st = os.fstat(fd)
        if inode is not None and st.st_ino != inode and crossed_at is not None:
            delays.append(time.monotonic() - crossed_at)
            crossed_at = None
        if st.st_ino != inode:
            inode = st.st_ino
        os.write(fd, data)
        size = os.fstat(fd).st_size
        os.close(fd)
        written += chunk
        largest = max(largest, size)
        if size > cap and crossed_at is None:
            crossed_at = time.monotonic()
    return largest, delays


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def wait_started(out, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(out) and b'"started"' in open(out, "rb").read():
            return True
        time.sleep(0.05)
    return False


def start_watch(binary, work, conf, state, extra=()):
    out = os.path.join(work, "watch.jsonl")
    p = subprocess.Popen([binary, "watch", "--json", "-s", state, *extra, conf], stdout=open(out, "wb"),
                         stderr=subprocess.STDOUT)
    if not wait_started(out):
        p.kill()
        sys.exit("rotatectl watch did not start; see " + out)
    return p, out


def flood_watch(binary, work, a):
    logs = os.path.join(work, "w")
    os.makedirs(logs)
    conf = os.path.join(work, "w.conf")
    config(conf, logs + "/*.log", a.cap)
    p, out = start_watch(binary, work, conf, os.path.join(work, "w.state"))
    largest, delays = flood(os.path.join(logs, "app.log"), a.cap, a.rate * 1e6, a.seconds)
    p.send_signal(signal.SIGTERM)
    p.wait()
    held = open(out, "rb").read().count(b"watch-held")
    return largest, delays, held


def flood_timer(binary, work, a):
    logs = os.path.join(work, "r")
    os.makedirs(logs)
    conf = os.path.join(work, "r.conf")
    config(conf, logs + "/*.log", a.cap)
    state = os.path.join(work, "r.state")
    done = threading.Event()

    def timer():
        while not done.wait(a.timer):
            subprocess.run([binary, "run", "-s", state, conf])

    t = threading.Thread(target=timer)
    t.start()
    largest, delays = flood(os.path.join(logs, "app.log"), a.cap, a.rate * 1e6, a.timer + 5)
    done.set()
    t.join()
    return largest, delays


def flood_beside(binary, work, a, same=False):
    logs = os.path.join(work, "s" if same else "b")
    big = logs if same else os.path.join(work, "big")
    os.makedirs(logs)
    if not same:
        os.makedirs(big)
    subprocess.run([sys.executable, os.path.join(HERE, "genlogs.py"), "--style", "mixed", "--size", str(a.big * MiB),
                    os.path.join(big, "big.log")], check=True)
    conf = os.path.join(work, "s.conf" if same else "b.conf")
    config(conf, logs + "/app.log", a.cap)
    with open(conf, "a") as f:
        f.write(f"{big}/big.log {{\n    maxsize 1M\n    size 100G\n    rotate 3\n    compress\n    missingok\n}}\n")
    # No state yet: the watcher's first run only records the logs; touching big.log then makes it due.
    p, out = start_watch(binary, work, conf, os.path.join(work, "s.state" if same else "b.state"))
    time.sleep(1)
    started = time.monotonic()
    with open(os.path.join(big, "big.log"), "ab") as f:
        f.write(b"one more line\n")
    compressed = []

    def watch_gz():
        while time.monotonic() - started < 600:
            if os.path.exists(os.path.join(big, "big.log.1.gz")) and not os.path.exists(os.path.join(big, "big.log.1")):
                compressed.append(time.monotonic() - started)
                return
            time.sleep(0.02)

    t = threading.Thread(target=watch_gz)
    t.start()
    largest, delays = flood(os.path.join(logs, "app.log"), a.cap, a.rate * 1e6, a.seconds)
    t.join()
    p.send_signal(signal.SIGTERM)
    p.wait()
    return largest, delays, (compressed or [float("nan")])[0]


def idle(binary, work, a):
    base = os.path.join(work, "idle")
    per = max(1, a.logs // a.dirs)
    for d in range(a.dirs):
        dd = os.path.join(base, f"d{d:03}")
        os.makedirs(dd)
        for k in range(per):
            with open(os.path.join(dd, f"l{k:04}.log"), "wb") as f:
                f.write(b"line\n")
    conf = os.path.join(work, "idle.conf")
    with open(conf, "w") as f:
        f.write(f"{base}/*/*.log {{\n    daily\n    maxsize 10M\n    rotate 3\n    missingok\n}}\n")
    p, _ = start_watch(binary, work, conf, os.path.join(work, "idle.state"))
    time.sleep(3)   # the first run records 10,000 logs in the state file

    def cpu():
        fields = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    c0, t0 = cpu(), time.monotonic()
    time.sleep(a.idle_seconds)
    share = (cpu() - c0) / (time.monotonic() - t0)
    status = dict(line.split(":", 1) for line in open(f"/proc/{p.pid}/status") if ":" in line)
    rss = int(status["VmRSS"].split()[0]) / 1024
    hwm = int(status["VmHWM"].split()[0]) / 1024
    p.send_signal(signal.SIGTERM)
    p.wait()
    return share, rss, hwm, per * a.dirs


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rotatectl", default=os.path.join(ROOT, ".build/release/rotatectl"))
    p.add_argument("--only", default="flood,beside,samedir,idle")
    p.add_argument("--rate", type=float, default=50, help="MB/s written by the flood")
    p.add_argument("--cap", type=int, default=10 * MiB)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--timer", type=float, default=60, help="seconds between two `run`s of the timer")
    p.add_argument("--no-timer", action="store_true", help="skip the flood under `run`")
    p.add_argument("--logs", type=int, default=10000)
    p.add_argument("--dirs", type=int, default=100)
    p.add_argument("--idle-seconds", type=float, default=30)
    p.add_argument("--big", type=int, default=512, help="MiB of the log compressed beside the flood")
    p.add_argument("--tmp", default=None)
    a = p.parse_args()
    binary = os.path.abspath(a.rotatectl)
    work = tempfile.mkdtemp(prefix="rotatectl-watch-bench.", dir=a.tmp)
    try:
        only = a.only.split(",")
        if "flood" in only:
            largest, delays, held = flood_watch(binary, work, a)
            print(f"flood {a.rate:g} MB/s, maxsize {a.cap // MiB}M, {a.seconds:g} s")
            print(f"  watch: largest live log {largest / MiB:.1f} MiB = {largest / a.cap:.2f}x the cap; "
                  f"crossing→rename p50 {pct(delays, 50) * 1000:.0f} ms, p99 {pct(delays, 99) * 1000:.0f} ms, "
                  f"max {max(delays or [0]) * 1000:.0f} ms over {len(delays)} rotations; watch-held warnings {held}")
            if not a.no_timer:
                t_largest, t_delays = flood_timer(binary, work, a)
                print(f"  run every {a.timer:g} s: largest live log {t_largest / MiB:.1f} MiB = {t_largest / a.cap:.1f}x the cap; "
                      f"crossing→rename max {max(t_delays or [0]):.1f} s")
                print(f"  ratio run/watch of the largest size: {t_largest / max(1, largest):.0f}x")
        if "beside" in only:
            largest, delays, took = flood_beside(binary, work, a)
            print(f"flood {a.rate:g} MB/s beside the compression of a {a.big} MiB log in another directory")
            print(f"  watch: largest live log {largest / MiB:.1f} MiB = {largest / a.cap:.2f}x the cap; "
                  f"crossing→rename p50 {pct(delays, 50) * 1000:.0f} ms, p99 {pct(delays, 99) * 1000:.0f} ms, "
                  f"max {max(delays or [0]) * 1000:.0f} ms over {len(delays)} rotations; the big log compressed "
                  f"{took:.1f} s after it was due")
        if "samedir" in only:
            largest, delays, took = flood_beside(binary, work, a, same=True)
            print(f"flood {a.rate:g} MB/s beside the compression of a {a.big} MiB log in the same directory")
            print(f"  watch: largest live log {largest / MiB:.1f} MiB = {largest / a.cap:.2f}x the cap; "
                  f"crossing→rename p50 {pct(delays, 50) * 1000:.0f} ms, p99 {pct(delays, 99) * 1000:.0f} ms, "
                  f"max {max(delays or [0]) * 1000:.0f} ms over {len(delays)} rotations; the big log compressed "
                  f"{took:.1f} s after it was due")
        if "idle" in only:
            share, rss, hwm, n = idle(binary, work, a)
            print(f"idle watcher over {n} logs in {a.dirs} directories, {a.idle_seconds:g} s: "
                  f"CPU {share * 100:.2f}% of a core, RSS {rss:.1f} MiB (peak {hwm:.1f} MiB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
