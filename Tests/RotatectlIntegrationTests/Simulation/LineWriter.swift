#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport

/// A live writer of one log, a child process: appends `ID N\n` lines (one `write(2)` each, `O_APPEND`),
/// `burst` of them at once and then one every 2 ms, and on the reopen signal either reopens the path
/// (`reopen`), only counts it (`deaf`), or has no handler at all (`none`, for copy modes). It writes its
/// pid to the pidfile after installing the handler; on SIGTERM it reopens if asked, then writes its
/// status and exits. With `hole`, the burst is followed by a hole (`ftruncate` to the next 4 KiB boundary
/// plus `hole` bytes) before the lines that come after it.
final class LineWriter {
    enum Kind: String { case reopen, deaf, none }

    /// What the writer reported when stopped.
    struct Status: CustomStringConvertible {
        var last: Int
        var signals: Int
        var reopens: Int
        /// The inode of the file it was appending to at the end.
        var inode: UInt64
        var description: String { "last line \(last), \(signals) signal(s), \(reopens) reopen(s), writing to inode \(inode)" }
    }

    static let script = """
        import os, signal, sys, time
        path, ident, pidfile, signame, kind, burst, status, hole = sys.argv[1:9]
        burst = int(burst)
        hole = int(hole)
        got = [0]
        stop = [False]
        def on_signal(s, f): got[0] += 1
        def on_term(s, f): stop[0] = True
        signal.signal(signal.SIGTERM, on_term)
        if signame != '-' and kind != 'none':
            signal.signal(getattr(signal, 'SIG' + signame), on_signal)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
        fd = os.open(path, flags, 0o644)
        seen = 0
        reopens = 0
        n = 0
        def reopen_if_asked():
            global fd, seen, reopens
            if kind == 'reopen' and got[0] != seen:
                seen = got[0]
                new = os.open(path, flags, 0o644)
                os.close(fd)
                fd = new
                reopens += 1
        def line():
            global n
            data = ('%s %d\\n' % (ident, n + 1)).encode()
            if os.write(fd, data) != len(data):
                raise SystemExit('short write')
            n += 1
        if pidfile != '-':
            with open(pidfile + '.tmp', 'w') as f: f.write('%d\\n' % os.getpid())
            os.rename(pidfile + '.tmp', pidfile)
        for _ in range(burst): line()
        if hole > 0:
            # A hole: the file extended to the next 4 KiB boundary and then `hole` bytes, never written.
            size = os.fstat(fd).st_size
            os.ftruncate(fd, (size + 4095) // 4096 * 4096 + hole)
        open(status + '.ready', 'w').close()
        while not stop[0]:
            reopen_if_asked()
            line()
            time.sleep(0.002)
        reopen_if_asked()
        with open(status + '.tmp', 'w') as f:
            f.write('%d %d %d %d\\n' % (n, got[0], reopens, os.fstat(fd).st_ino))
        os.rename(status + '.tmp', status)
        """

    let process: SpawnedProcess
    let statusPath: String
    let path: String

    /// Starts the writer and waits (up to 10 s) until its burst is written; nil if it did not get there.
    init?(scriptPath: String, path: String, id: String, pidfile: String?, signal: String?, kind: Kind, burst: Int,
          hole: Int = 0, statusPath: String, output: String) {
        guard let p = SpawnedProcess.start(["/usr/bin/python3", scriptPath, path, id, pidfile ?? "-", signal ?? "-",
                                            kind.rawValue, String(burst), statusPath, String(hole)], output: output) else { return nil }
        process = p
        self.statusPath = statusPath
        self.path = path
        guard eventually(timeout: 10, every: 0.002, { access(statusPath + ".ready", F_OK) == 0 }) else {
            p.kill(SIGKILL)
            p.wait()
            return nil
        }
    }

    /// SIGTERM, then its status (nil if it did not exit within 5 s or left none).
    func stop() -> Status? {
        process.kill(SIGTERM)
        let ended = eventually(timeout: 5, every: 0.002) { access(statusPath, F_OK) == 0 }
        if !ended { process.kill(SIGKILL) }
        process.wait()
        guard let text = TestFile.text(statusPath) else { return nil }
        let f = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { UInt64($0) }
        guard f.count == 4 else { return nil }
        return Status(last: Int(f[0]), signals: Int(f[1]), reopens: Int(f[2]), inode: f[3])
    }
}
