#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport

/// Files and a root-owned "other daemon" outside the log set, which no run may touch: links planted in
/// the log directory point here, and the daemon's pidfile is what a hostile pidfile link names.
final class VictimArea {
    let path: String
    let daemon: SpawnedProcess?
    private(set) var before: [String: String] = [:]

    var secret: String { path + "/secret" }
    /// The secret file's marker: found in any mail or log file, it was read through a planted name.
    static let secretMarker = "rotsim-secret-5f1c9a2e"
    var data: String { path + "/data.log" }
    var daemonPidfile: String { path + "/daemon.pid" }

    init(path: String) {
        self.path = path
        mkdir(path, 0o755)
        TestFile.write(Array("secret of another daemon \(Self.secretMarker)\n".utf8), to: path + "/secret", mode: 0o600)
        TestFile.write(Array((1...20).map { "victim \($0)\n" }.joined().utf8), to: path + "/data.log", mode: 0o640)
        mkdir(path + "/sub", 0o755)
        TestFile.write(Array("nested\n".utf8), to: path + "/sub/file")
        daemon = SpawnedProcess.start(["/bin/sleep", "3600"], output: "/dev/null")
        TestFile.write(Array("\(daemon?.pid ?? 0)\n".utf8), to: path + "/daemon.pid")
        // Times in the past, so that a write or a touch of any of them shows; not the pidfile's, which must
        // look as fresh as a real daemon's (an old one reads as a reused pid and would shield the daemon).
        for name in ["secret", "data.log", "sub/file", "sub"] { TestFile.setModified(path + "/" + name, 1_700_000_000) }
        before = fingerprint()
    }

    /// The permission bits of the victim's data file (0640: a copy anyone else may read would disclose it).
    var dataMode: UInt32 {
        var st = stat()
        return lstat(data, &st) == 0 ? st.st_mode & 0o7777 : 0
    }

    /// Inodes of the victim's regular files, to tell a planted hard link from a log file.
    func inodes() -> Set<UInt64> {
        Set([secret, data, daemonPidfile, path + "/sub/file"].compactMap { p in
            var st = stat()
            return lstat(p, &st) == 0 ? UInt64(st.st_ino) : nil
        })
    }

    /// Every name below the directory, with type, mode, owner, size, modification time, inode and content
    /// (or link target). The link count and change time are left out: a planted hard link's removal from
    /// the log directory changes them without touching the file.
    func fingerprint() -> [String: String] {
        var out: [String: String] = [:]
        for name in ["."] + (FileManager.default.subpaths(atPath: path) ?? []) {
            let p = path + "/" + name
            var st = stat()
            guard lstat(p, &st) == 0 else { continue }
            var text = "type=\(st.st_mode & S_IFMT) mode=\(String(st.st_mode & 0o7777, radix: 8)) owner=\(st.st_uid):\(st.st_gid)"
            text += " ino=\(st.st_ino)"
            if st.st_mode & S_IFMT != S_IFDIR { text += " size=\(st.st_size) mtime=\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)" }
            if st.st_mode & S_IFMT == S_IFREG { text += " content=" + String(decoding: TestFile.bytes(p) ?? [], as: UTF8.self).debugDescription }
            if st.st_mode & S_IFMT == S_IFLNK { text += " target=" + ((try? FileManager.default.destinationOfSymbolicLink(atPath: p)) ?? "?") }
            out[name] = text
        }
        return out
    }

    /// What changed since the area was made, one line each; empty when nothing did.
    func changes() -> [String] {
        let after = fingerprint()
        var out: [String] = []
        for name in Set(before.keys).union(after.keys).sorted() where before[name] != after[name] {
            out.append("\(path)/\(name): \(before[name] ?? "absent") -> \(after[name] ?? "absent")")
        }
        return out
    }

    /// How the daemon ended, nil while it runs (`waitpid` with `WNOHANG`: a dead child is a zombie, which
    /// `kill(pid, 0)` would still find).
    func daemonEnded() -> String? {
        guard let daemon else { return "never started" }
        var status: Int32 = 0
        let r = waitpid(daemon.pid, &status, WNOHANG)
        if r == 0 { return nil }
        if r < 0 { return "gone (waitpid: \(errno))" }
        return status & 0x7f == 0 ? "exited \((status >> 8) & 0xff)" : "killed by signal \(status & 0x7f)"
    }

    func stop() {
        guard let daemon, daemonEnded() == nil else { return }
        daemon.kill(SIGKILL)
        daemon.wait()
    }
}
