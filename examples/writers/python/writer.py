#!/usr/bin/env python3
"""writer.py PATH COUNT RATE [--pidfile P] [--threads N] [--watched] [--report FILE]

Writes COUNT numbered lines "line N" to PATH through the logging module at RATE lines per second
(0: as fast as it can) and reopens the file after SIGHUP, so a rotator can rename it and signal.

The SIGHUP handler only sets a flag. Python runs it in the main thread between bytecodes, and the
reopen happens in emit(), which logging calls with the handler's lock held: a thread never writes
while another swaps the stream. The file is opened in append mode (O_APPEND), so copytruncate is
safe too. With --watched it uses logging.handlers.WatchedFileHandler instead, which needs no signal:
it stats the path before every record and reopens when the file there changed.
"""
import argparse
import logging
import logging.handlers
import os
import signal
import sys
import threading
import time


class ReopeningFileHandler(logging.FileHandler):
    """A FileHandler that reopens its file at the first record after SIGHUP."""

    def __init__(self, path):
        super().__init__(path, mode="a", encoding="utf-8")
        self._reopen = False
        self.reopens = 0

    def request_reopen(self, signum=None, frame=None):
        self._reopen = True  # nothing else in a signal handler

    def emit(self, record):
        # logging.Handler.handle holds self.lock around emit.
        if self._reopen:
            self._reopen = False
            if self.stream is not None:
                self.stream.close()
            self.stream = self._open()
            self.reopens += 1
        super().emit(record)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("count", type=int)
    parser.add_argument("rate", type=float)
    parser.add_argument("--pidfile")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--watched", action="store_true")
    parser.add_argument("--report", help="write the number of reopens here at exit")
    args = parser.parse_args()

    if args.watched:
        handler = logging.handlers.WatchedFileHandler(args.path, mode="a", encoding="utf-8")
    else:
        handler = ReopeningFileHandler(args.path)
        signal.signal(signal.SIGHUP, handler.request_reopen)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("writer")
    log.propagate = False
    log.addHandler(handler)
    log.setLevel(logging.INFO)

    if args.pidfile:  # after the handler is installed, so a signal right away is safe
        tmp = args.pidfile + ".tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)  # never group/world-writable
        os.write(fd, b"%d\n" % os.getpid())
        os.close(fd)
        os.rename(tmp, args.pidfile)

    counter = iter(range(1, args.count + 1))
    counter_lock = threading.Lock()
    start = time.monotonic()

    def work():
        while True:
            with counter_lock:
                n = next(counter, None)
            if n is None:
                return
            if args.rate > 0:
                ahead = start + (n - 1) / args.rate - time.monotonic()
                if ahead > 0.001:
                    time.sleep(ahead)
            log.info("line %d", n)

    threads = [threading.Thread(target=work) for _ in range(args.threads - 1)]
    for t in threads:
        t.start()
    work()
    for t in threads:
        t.join()
    handler.close()
    if args.report:
        with open(args.report, "w") as f:
            f.write("%d\n" % getattr(handler, "reopens", 0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
