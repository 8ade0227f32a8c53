#!/usr/bin/env python3
"""Deterministic generator of realistic log files (nginx access log and syslog lines) for benchmarks.

Usage:
  genlogs.py [--seed N] [--style access|syslog|mixed] --size BYTES OUT
  genlogs.py [--seed N] [--style ...] --size BYTES --files COUNT --pattern 'DIR/app{n}.log'

The same seed, style and size always give the same bytes. Standard library only.
"""
import argparse
import os
import random
import sys

PATHS = ["/", "/index.html", "/api/v1/users/{id}", "/api/v1/orders/{id}", "/api/v2/search?q={word}",
         "/static/js/app.{hex}.js", "/static/css/site.{hex}.css", "/images/{word}.png", "/login", "/logout",
         "/health", "/metrics", "/favicon.ico", "/robots.txt", "/wp-login.php", "/cart/add/{id}"]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Safari/537.36",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
          "curl/8.5.0", "Go-http-client/1.1", "python-requests/2.31.0", "Prometheus/2.48.0",
          "Googlebot/2.1 (+http://www.google.com/bot.html)"]
METHODS = ["GET"] * 8 + ["POST", "POST", "PUT", "DELETE", "HEAD"]
STATUS = [200] * 14 + [204, 301, 302, 304, 304, 400, 401, 403, 404, 404, 500, 502, 503]
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo",
         "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"]
DAEMONS = [("sshd", ["Accepted publickey for {user} from {ip} port {port} ssh2: ED25519 SHA256:{hex}{hex}",
                     "Failed password for invalid user {user} from {ip} port {port} ssh2",
                     "pam_unix(sshd:session): session opened for user {user}(uid={uid}) by (uid=0)",
                     "Disconnected from user {user} {ip} port {port}"]),
           ("CRON", ["pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
                     "({user}) CMD (/usr/local/bin/backup.sh --target /srv/{word} >/dev/null 2>&1)"]),
           ("kernel", ["[{up}.{frac}] TCP: request_sock_TCP: Possible SYN flooding on port {port}. Sending cookies.",
                       "[{up}.{frac}] EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro",
                       "[{up}.{frac}] audit: type=1400 audit({up}.{frac}:{id}): apparmor=\"DENIED\" operation=\"open\""]),
           ("systemd", ["Started Session {id} of User {user}.", "Starting Daily apt upgrade and clean activities...",
                        "{word}.service: Deactivated successfully.", "Finished Rotate log files."]),
           ("postfix/smtpd", ["connect from unknown[{ip}]", "disconnect from unknown[{ip}] ehlo=1 mail=1 rcpt=0/1 quit=1",
                              "NOQUEUE: reject: RCPT from unknown[{ip}]: 554 5.7.1 Relay access denied"])]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class Generator:
    def __init__(self, seed, style):
        self.r = random.Random(seed)
        self.style = style
        self.t = 1_700_000_000
        self.users = ["root", "admin", "deploy", "www-data", "backup"] + ["user%d" % i for i in range(40)]
        self.ips = ["%d.%d.%d.%d" % (self.r.randrange(1, 224), self.r.randrange(256), self.r.randrange(256),
                                     self.r.randrange(1, 255)) for _ in range(3000)]

    def fill(self, template):
        r = self.r
        out = template
        while "{" in out:
            head, rest = out.split("{", 1)
            key, tail = rest.split("}", 1)
            value = {"id": lambda: str(r.randrange(1, 10_000_000)), "word": lambda: r.choice(WORDS),
                     "hex": lambda: "%08x" % r.getrandbits(32), "user": lambda: r.choice(self.users),
                     "ip": lambda: r.choice(self.ips), "port": lambda: str(r.randrange(1024, 65536)),
                     "uid": lambda: str(r.randrange(1000, 1100)), "up": lambda: str(self.t - 1_699_000_000),
                     "frac": lambda: "%06d" % r.randrange(1_000_000)}[key]()
            out = head + value + tail
        return out

    def clock(self):
        self.t += self.r.random() < 0.3
        secs = self.t % 86400
        day = 1 + (self.t // 86400) % 28
        return day, secs // 3600, secs // 60 % 60, secs % 60

    def access(self):
        r = self.r
        day, h, m, s = self.clock()
        return '%s - %s [%02d/Nov/2023:%02d:%02d:%02d +0000] "%s %s HTTP/1.1" %d %d "%s" "%s" %.3f\n' % (
            r.choice(self.ips), r.choice(["-", "-", "-", r.choice(self.users)]), day, h, m, s, r.choice(METHODS),
            self.fill(r.choice(PATHS)), r.choice(STATUS), int(r.expovariate(1 / 8000)),
            r.choice(["-", "-", "https://example.com/", "https://www.google.com/"]), r.choice(AGENTS),
            r.expovariate(1 / 0.05))

    def syslog(self):
        r = self.r
        day, h, m, s = self.clock()
        daemon, messages = r.choice(DAEMONS)
        pid = "" if daemon == "kernel" else "[%d]" % r.randrange(300, 40000)
        return "Nov %2d %02d:%02d:%02d web-%02d %s%s: %s\n" % (day, h, m, s, r.randrange(4), daemon, pid,
                                                            self.fill(r.choice(messages)))

    def line(self):
        if self.style == "access" or (self.style == "mixed" and self.r.random() < 0.7):
            return self.access()
        return self.syslog()

    def write(self, out, size):
        written = 0
        batch = []
        while written < size:
            line = self.line().encode()
            if written + len(line) > size:
                line = line[: size - written]
            batch.append(line)
            written += len(line)
            if len(batch) >= 4096:
                out.write(b"".join(batch))
                batch = []
        out.write(b"".join(batch))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--style", choices=["access", "syslog", "mixed"], default="mixed")
    p.add_argument("--size", type=int, required=True, help="bytes per file")
    p.add_argument("--files", type=int, default=0, help="write COUNT files named by --pattern")
    p.add_argument("--pattern", help="file name with {n}, for --files")
    p.add_argument("out", nargs="?")
    a = p.parse_args()
    if a.files:
        if not a.pattern or "{n}" not in a.pattern:
            p.error("--files needs --pattern containing {n}")
        g = Generator(a.seed, a.style)
        for n in range(a.files):
            with open(a.pattern.format(n=n), "wb") as f:
                g.write(f, a.size)
    elif a.out:
        with open(a.out, "wb") as f:
            Generator(a.seed, a.style).write(f, a.size)
    else:
        Generator(a.seed, a.style).write(sys.stdout.buffer, a.size)


if __name__ == "__main__":
    main()
