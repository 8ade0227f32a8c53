#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport

/// The `compresscmd` of a `compressorHold` case, RUN/hold-compress.sh: its first invocation writes its
/// pid and the file it compresses to RUN/hold/source, creates RUN/hold/inside and waits until
/// RUN/hold/release exists (60 s at most); then it, and every later invocation at once, becomes gzip
/// (`exec`, same pid), reading the source on standard input and writing the output on standard output as
/// rotatectl gives them. RUN/hold is writable by everyone: a `su` set compresses with the user's rights.
struct HoldCompressor {
    let run: String

    var directory: String { run + "/hold" }
    var script: String { run + "/hold-compress.sh" }
    var inside: String { directory + "/inside" }
    var release: String { directory + "/release" }
    var sourceRecord: String { directory + "/source" }

    var text: String {
        ["#!/bin/sh",
         "if mkdir \(directory)/blocked 2>/dev/null; then",
         "    echo \"$$ $LOGROTATE_COMPRESSED_FILENAME\" > \(sourceRecord)",
         "    touch \(inside); i=0",
         "    while [ ! -e \(release) ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done",
         "fi",
         "exec /bin/gzip \"$@\"",
         ""].joined(separator: "\n")
    }

    /// Writes the script and makes RUN/hold; whether both could be made.
    func install() -> Bool {
        guard TestFile.write(Array(text.utf8), to: script, mode: 0o755) else { return false }
        return mkdir(directory, 0o777) == 0 && chmod(directory, 0o777) == 0
    }

    var isInside: Bool { access(inside, F_OK) == 0 }

    /// The held compressor's pid and the path of the file it was given, once it is inside.
    func held() -> (pid: pid_t, source: String)? {
        guard let text = TestFile.text(sourceRecord) else { return nil }
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let space = line.firstIndex(of: " "), let pid = pid_t(line[..<space]) else { return nil }
        return (pid, String(line[line.index(after: space)...]))
    }

    func letGo() { TestFile.write([], to: release) }

    /// Waits (up to `timeout` seconds) until the held compressor is gone: after its run was SIGKILLed it
    /// lives on, an orphan, and ends as gzip once let go. Whether it is gone.
    func awaitOrphan(timeout: Double) -> Bool {
        guard let pid = held()?.pid, pid > 0 else { return true }
        return eventually(timeout: timeout, every: 0.01) { !Self.alive(pid) }
    }

    /// Whether `pid` is a process that has not ended (a zombie has).
    static func alive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = TestFile.text("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }
}
