#!/usr/bin/env python3
"""Benchmark rotatectl against logrotate (and, for one big file, gzip and pigz; with --format zstd, zstd).

Builds rotatectl in release mode, generates log files with genlogs.py into a temporary directory,
then runs every tool on the same data, alternating the order between repetitions, and prints the
median wall time, the ratio to logrotate, the peak RSS (/usr/bin/time -f %M) and the compressed size.

Scenarios (--only a,b,c,d):
  a  100 files x 5 MiB, rotated and compressed (--force / -f)
  b  2,000 files x 20 KiB, rotated and compressed
  c  one 1 GiB file rotated and compressed; also plain `gzip -6` and `pigz -6 -p 2` on the same file
  d  10,000 files with nothing due (daily, state says rotated today)

On an ext4 without a journal, (b) runs twice, back to back and settled (see --settle and bench/README).
--format zstd has both tools compress with `compresscmd /usr/bin/zstd`, `compressoptions -3`,
`compressext .zst` (rotatectl in-process with libzstd, logrotate running zstd), and compares (a) and (c)
with `zstd -3 -T2` on the same files instead of gzip and pigz ((c) also with `zstd -3 -T2 --rm`, which
removes its source as rotatectl does).

--quick shrinks every scenario (for a smoke run in a minute or two). Standard library only.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GENLOGS = os.path.join(HERE, "genlogs.py")
MiB = 1024 * 1024
AUTO_SETTLE = 65   # seconds: past ext4's 60 s window for recently deleted inodes (RECENTCY_MIN)

FULL = {"a": (100, 5 * MiB), "b": (2000, 20 * 1024), "c": (1, 1024 * MiB), "d": (10000, 200)}
QUICK = {"a": (20, 1 * MiB), "b": (200, 20 * 1024), "c": (1, 64 * MiB), "d": (1000, 200)}
TITLES = {"a": "{n} files x {size} compressed", "b": "{n} files x {size} compressed",
          "c": "one {size} file compressed", "d": "{n} files, nothing due"}


def human(n):
    for unit, div in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div and n % div == 0:
            return "%d %s" % (n // div, unit)
    return "%d B" % n


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def build_rotatectl():
    # Built as scripts/install.sh builds what it installs: the Swift runtime linked in.
    log("building rotatectl (swift build -c release --static-swift-stdlib) ...")
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "rotatectl"], cwd=ROOT, check=True)
    bindir = subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--show-bin-path"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    return os.path.join(bindir, "rotatectl")


def timed(argv, cwd=None, stdout=None):
    """Runs argv under /usr/bin/time; returns (seconds, peak RSS KiB, exit status, stderr tail)."""
    fd, timefile = tempfile.mkstemp(prefix="bench-time-")
    os.close(fd)
    start = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-o", timefile, "-f", "%M"] + argv, cwd=cwd, stdout=stdout,
                       stderr=subprocess.PIPE)
    seconds = time.monotonic() - start
    with open(timefile) as f:
        lines = [l for l in f.read().split() if l.isdigit()]
    os.unlink(timefile)
    rss = int(lines[-1]) if lines else 0
    return seconds, rss, p.returncode, p.stderr.decode(errors="replace")[-500:]


# The configuration lines and the compressed files' extension of each --format.
FORMATS = {"gzip": ("", ".gz"),
           "zstd": ("    compresscmd /usr/bin/zstd\n    compressoptions -3\n    compressext .zst\n", ".zst")}


class Scenario:
    def __init__(self, key, count, size, work, seed, fmt="gzip"):
        self.key, self.count, self.size = key, count, size
        self.format = fmt
        self.compress_lines, self.ext = FORMATS[fmt]
        self.pristine = os.path.join(work, key, "pristine")
        self.logs = os.path.join(work, key, "logs")
        self.config = os.path.join(work, key, "bench.conf")
        self.states = {}
        self.seed = seed
        self.title = TITLES[key].format(n="{:,}".format(count), size=human(size)) + ("" if fmt == "gzip" else ", " + fmt)

    def generate(self):
        os.makedirs(self.pristine)
        os.makedirs(self.logs)
        log("[%s] generating %s ..." % (self.key, self.title))
        style = "syslog" if self.key == "b" else "mixed"
        if self.count == 1:
            subprocess.run([sys.executable, GENLOGS, "--seed", str(self.seed), "--style", style, "--size",
                            str(self.size), os.path.join(self.pristine, "big.log")], check=True)
        else:
            subprocess.run([sys.executable, GENLOGS, "--seed", str(self.seed), "--style", style, "--size",
                            str(self.size), "--files", str(self.count), "--pattern",
                            os.path.join(self.pristine, "app{n}.log")], check=True)
        with open(self.config, "w") as f:
            due = "    daily\n" if self.key == "d" else ""
            f.write("%s/*.log {\n%s    rotate 5\n    compress\n%s    missingok\n}\n" % (self.logs, due, self.compress_lines))
        os.chmod(self.config, 0o644)

    def reset(self, sync=True):
        """Puts fresh copies of the pristine files in place and removes rotated ones. Then, unless
        --no-sync, writes the copies back (sync(2), untimed): logs are written over hours, long since
        on disk when they are rotated, and a tool that commits with syncfs(2) would otherwise be
        charged for writing back the benchmark's own fresh copies."""
        for name in os.listdir(self.logs):
            os.unlink(os.path.join(self.logs, name))
        for name in os.listdir(self.pristine):
            shutil.copyfile(os.path.join(self.pristine, name), os.path.join(self.logs, name))
        if sync:
            os.sync()

    def restore_missing(self):
        for name in os.listdir(self.pristine):
            target = os.path.join(self.logs, name)
            if not os.path.exists(target):
                shutil.copyfile(os.path.join(self.pristine, name), target)

    def compressed_bytes(self):
        return sum(os.path.getsize(os.path.join(self.logs, n)) for n in os.listdir(self.logs) if n.endswith(self.ext))


def tool_argv(tool, scenario, state, rotatectl, jobs):
    force = scenario.key != "d"
    if tool == "rotatectl":
        argv = [rotatectl, "run", "--state", state]
        if force:
            argv.append("--force")
        if jobs:
            argv += ["--jobs", str(jobs)]
        return argv + [scenario.config]
    return ["logrotate", "--state", state] + (["-f"] if force else []) + [scenario.config]


def run_scenario(s, reps, rotatectl, jobs, work, sync=True, settle=0):
    tools = ["rotatectl", "logrotate"]
    if s.key == "c" and s.format == "gzip":
        tools += ["gzip -6", "pigz -6 -p 2"]
    if s.key in ("a", "c") and s.format == "zstd":
        tools += ["zstd -3 -T2"]
    if s.key == "c" and s.format == "zstd":
        # The CLI also removing its source, as rotatectl must: on a file system mounted with `discard`,
        # freeing a 1 GiB file's blocks waits for the device (see bench/README.md).
        tools += ["zstd -3 -T2 --rm"]
    results = {t: {"secs": [], "rss": [], "out": None, "error": None} for t in tools}
    states = {t: os.path.join(work, s.key, "state-" + t.split()[0]) for t in tools[:2]}

    if s.key == "d":
        s.reset()
        for tool in tools:
            if rotatectl is None and tool == "rotatectl":
                continue
            # Two untimed runs: the first records every file, the second proves nothing is due.
            for _ in range(2):
                subprocess.run(tool_argv(tool, s, states[tool], rotatectl, jobs), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                s.restore_missing()

    big = os.path.join(s.logs, "big.log")
    for rep in range(reps):
        order = tools if rep % 2 == 0 else list(reversed(tools))
        for tool in order:
            r = results[tool]
            if tool == "rotatectl" and rotatectl is None:
                r["error"] = "no rotatectl binary"
                continue
            if s.key != "d":
                s.reset(sync)
                if settle:
                    # Untimed: let the file system forget the files the reset (and the last run) deleted.
                    time.sleep(settle)
                for st in states.values():
                    if os.path.exists(st):
                        os.unlink(st)
            if tool in ("zstd -3 -T2", "zstd -3 -T2 --rm"):
                # The CLI on the same files, one after the other, each on two threads; outputs beside them
                # (`-k`, sources kept, unless `--rm` comes after it).
                plain = sorted(os.path.join(s.logs, n) for n in os.listdir(s.logs))
                flags = ["zstd", "-3", "-T2", "-q", "-k", "-f"] + tool.split()[3:]
                secs, rss, rc, err = timed(flags + plain, stdout=subprocess.DEVNULL)
                size = s.compressed_bytes()
            elif tool in ("gzip -6", "pigz -6 -p 2"):
                out = os.path.join(work, s.key, "plain.gz")
                with open(out, "wb") as f:
                    secs, rss, rc, err = timed(tool.split() + ["-c", big], stdout=f)
                size = os.path.getsize(out)
                os.unlink(out)
            else:
                # What a tool prints goes to /dev/null, not to this script's terminal or pipe: rotatectl
                # prints a line per action, logrotate nothing, and the reader must not be measured.
                secs, rss, rc, err = timed(tool_argv(tool, s, states[tool], rotatectl, jobs), stdout=subprocess.DEVNULL)
                size = s.compressed_bytes()
                if s.key == "d":
                    s.restore_missing()
            if rc != 0:
                r["error"] = "exit %d: %s" % (rc, err.strip().splitlines()[-1] if err.strip() else "")
                continue
            r["secs"].append(secs)
            r["rss"].append(rss)
            r["out"] = size
            log("[%s] rep %d %-13s %7.3f s %8d KiB" % (s.key, rep + 1, tool, secs, rss))
    return results


def report(s, results, markdown, how=""):
    base = results.get("logrotate")
    base_med = statistics.median(base["secs"]) if base and base["secs"] else None
    lines = ["", "### (%s) %s%s" % (s.key, s.title, how), "",
             "| tool | median s | min s | speed vs logrotate | peak RSS MiB | compressed | ratio |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    input_bytes = s.count * s.size
    for tool, r in results.items():
        if not r["secs"]:
            lines.append("| %s | - | - | - | - | - | %s |" % (tool, r["error"] or "not run"))
            continue
        med = statistics.median(r["secs"])
        vs = "%.2fx" % (base_med / med) if base_med else "-"
        out = r["out"] or 0
        ratio = "%.2f%%" % (100.0 * out / input_bytes) if out else "-"
        lines.append("| %s | %.3f | %.3f | %s | %.1f | %s | %s |" % (
            tool, med, min(r["secs"]), vs, max(r["rss"]) / 1024.0, "{:,}".format(out) if out else "-", ratio))
        if r["error"]:
            lines.append("| %s | (also failed once: %s) | | | | | |" % (tool, r["error"]))
    text = "\n".join(lines)
    print(text, flush=True)
    if markdown:
        with open(markdown, "a") as f:
            f.write(text + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", default="a,b,c,d", help="comma-separated scenarios (default a,b,c,d)")
    p.add_argument("--quick", action="store_true", help="smaller sizes for a fast smoke run")
    p.add_argument("--reps", type=int, default=None, help="repetitions per tool (default 5, quick 3)")
    p.add_argument("--jobs", type=int, default=None, help="pass --jobs N to rotatectl")
    p.add_argument("--rotatectl", help="use this binary instead of building one")
    p.add_argument("--no-rotatectl", action="store_true", help="skip rotatectl (measure the others only)")
    p.add_argument("--tmp", default=None, help="parent of the temporary work directory (default $TMPDIR or /tmp)")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    p.add_argument("--markdown", help="append the result tables to this file")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--format", choices=sorted(FORMATS), default="gzip",
                   help="compress with gzip (default) or zstd -3 (compresscmd zstd; compared with zstd -T2 in (a) and (c))")
    p.add_argument("--settle", metavar="SECONDS", type=float, default=None,
                   help="wait SECONDS (untimed) after each reset, before the timed run, in every scenario: ext4 "
                        "without a journal skips every inode freed in the last 60 s when it allocates one, so a "
                        "benchmark that deletes thousands of files every few seconds measures its own churn (65 "
                        "clears it). Default: on an ext4 without a journal, (b) runs twice, back to back and "
                        "with %d s settles; elsewhere, and for the other scenarios, no settle" % AUTO_SETTLE)
    p.add_argument("--no-sync", action="store_true",
                   help="do not sync(2) after copying the logs into place before each timed run")
    p.add_argument("--ext4-image", metavar="GIB", type=int, default=None,
                   help="run on a fresh ext4 file system with a journal (mkfs.ext4 defaults) of GIB GiB, "
                        "made in a sparse image under --tmp and loop-mounted for the run (root only)")
    a = p.parse_args()

    keys = [k.strip() for k in a.only.split(",") if k.strip()]
    for k in keys:
        if k not in FULL:
            p.error("unknown scenario %r" % k)
    sizes = QUICK if a.quick else FULL
    reps = a.reps or (3 if a.quick else 5)
    others = ("zstd",) if a.format == "zstd" else ("gzip", "pigz") if "c" in keys else ()
    for tool in ("logrotate", "/usr/bin/time") + others:
        if not shutil.which(tool):
            p.error("%s is not installed (apt-get install -y %s)" % (tool, "time" if "time" in tool else tool))

    rotatectl = None
    if not a.no_rotatectl:
        rotatectl = os.path.abspath(a.rotatectl) if a.rotatectl else build_rotatectl()
        if not os.access(rotatectl, os.X_OK):
            p.error("no rotatectl binary at %s" % rotatectl)

    work = tempfile.mkdtemp(prefix="rotatectl-bench-", dir=a.tmp)
    mounted = None
    if a.ext4_image:
        mounted = mount_ext4_image(work, a.ext4_image)
        work = os.path.join(mounted, "work")
        os.mkdir(work)
    # Each scenario's runs: (settle, what to add to the table's title). On an ext4 without a journal
    # the many-small-files case is run both ways: back to back (each repetition pays for the deletions
    # of the one before, which /var/log never sees) and settled.
    both = a.settle is None and not a.quick and "b" in keys and unjournaled_ext4(work)
    settles = {k: [(a.settle or 0, "")] for k in keys}
    if both:
        settles["b"] = [(0, ", back to back"), (AUTO_SETTLE, ", %d s settle before each" % AUTO_SETTLE)]
    how = (", (b) back to back and with %d s settles (ext4 without a journal)" % AUTO_SETTLE if both
           else ", %g s settle before each" % a.settle if a.settle else "")
    try:
        print("# rotatectl benchmark%s: %d repetitions%s, %d CPUs, %s, on %s" % (
            " (quick)" if a.quick else "", reps, how, os.cpu_count() or 0, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "a fresh %d GiB ext4 with a journal (loop image)" % a.ext4_image if mounted else describe_fs(work)))
        for i, k in enumerate(keys):
            count, size = sizes[k]
            s = Scenario(k, count, size, work, a.seed + i, a.format)
            s.generate()
            for settle, title in settles[k]:
                results = run_scenario(s, reps, rotatectl, a.jobs, work, sync=not a.no_sync, settle=settle)
                report(s, results, a.markdown, title)
            if not a.keep:
                shutil.rmtree(os.path.join(work, k))
    finally:
        if a.keep:
            log("work directory kept: %s" % work)
        elif mounted:
            subprocess.run(["umount", mounted], check=False)
            shutil.rmtree(os.path.dirname(mounted), ignore_errors=True)
        else:
            shutil.rmtree(work, ignore_errors=True)


def mount_ext4_image(parent, gib):
    """A sparse image of `gib` GiB in `parent`, made ext4 with mkfs.ext4's defaults (a journal, as Debian
    installs /var/log) and loop-mounted on parent/mnt; returns the mount point."""
    image = os.path.join(parent, "ext4.img")
    point = os.path.join(parent, "mnt")
    with open(image, "wb") as f:
        f.truncate(gib << 30)
    subprocess.run(["mkfs.ext4", "-q", "-F", image], check=True)
    os.mkdir(point)
    subprocess.run(["mount", "-o", "loop", image, point], check=True)
    return point


def mount_of(path):
    """(mount point, type, source, options) of `path`, from /proc/self/mountinfo's longest matching prefix."""
    best = ("", "?", "?", "")
    real = os.path.realpath(path)
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            point = fields[4]
            dash = fields.index("-")
            fstype, source = fields[dash + 1], fields[dash + 2]
            options = fields[5] + "," + fields[-1]
            if (real == point or real.startswith(point.rstrip("/") + "/")) and len(point) > len(best[0]):
                best = (point, fstype, source, options)
    return best


def describe_fs(path):
    point, fstype, _, options = mount_of(path)
    return "%s (%s, %s)" % (point, fstype, options)


def unjournaled_ext4(path):
    """True if `path` is on an ext4 without a journal: jbd2 lists every journal it runs in /proc/fs/jbd2
    as DEVICE-8 (vda-8, loop0-8); an ext4 on a block device with no entry there has none (and without
    /proc/fs/jbd2, jbd2 is not loaded and no file system has a journal)."""
    _, fstype, source, _ = mount_of(path)
    if fstype != "ext4" or not source.startswith("/dev/"):
        return False
    name = os.path.basename(os.path.realpath(source))
    return not os.path.exists(os.path.join("/proc/fs/jbd2", name + "-8"))


if __name__ == "__main__":
    main()
