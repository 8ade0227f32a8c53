import Foundation
import Testing
import TestSupport

/// Helpers of the hardening suites: file facts by `lstat`, raw (non-UTF-8) names, runs as `nobody`,
/// with a time limit, on a small tmpfs.
enum Hostile {
    /// `lstat`, never following a symbolic link.
    static func lstatus(_ path: String) -> stat? {
        var st = stat()
        return lstat(path, &st) == 0 ? st : nil
    }

    static func mode(_ path: String) -> mode_t? { lstatus(path).map { $0.st_mode & 0o7777 } }

    static func isSymlink(_ path: String) -> Bool { lstatus(path).map { $0.st_mode & S_IFMT == S_IFLNK } ?? false }

    static func linkTarget(_ path: String) -> String? { try? FileManager.default.destinationOfSymbolicLink(atPath: path) }

    /// Every name below `dir` (recursively, hidden ones too) with its content, or `->TARGET` for a link:
    /// two calls compare equal only if nothing below was created, removed, changed or retargeted.
    static func fingerprint(_ dir: String) -> [String: String] {
        var out: [String: String] = [:]
        for name in FileManager.default.subpaths(atPath: dir) ?? [] {
            let p = dir + "/" + name
            if isSymlink(p) {
                out[name] = "->" + (linkTarget(p) ?? "?")
            } else if let st = lstatus(p), st.st_mode & S_IFMT == S_IFREG {
                let data = FileManager.default.contents(atPath: p) ?? Data()
                out[name] = "\(String(st.st_mode & 0o7777, radix: 8)) \(st.st_uid):\(st.st_gid) " + String(decoding: data, as: UTF8.self)
            } else {
                out[name] = "other"
            }
        }
        return out
    }

    /// Runs rotatectl with a time limit (a hang fails the test instead of stopping the suite): status
    /// 124 when `timeout(1)` had to kill it.
    static func rotatectl(_ args: [String], seconds: Int = 60, cwd: String? = nil,
                          environment: [String: String] = [:]) -> ProcessResult {
        Harness.run(["/usr/bin/timeout", "-s", "KILL", String(seconds), PackagePaths.rotatectl] + args,
                    environment: environment, cwd: cwd)
    }

    /// Runs `argv` as the unprivileged `nobody` (uid and gid 65534, no supplementary groups).
    static func asNobody(_ argv: [String]) -> ProcessResult {
        Harness.run(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + argv)
    }

    /// The raw names in a directory (`ls -f` through `find -print0`, which passes bytes through).
    static func rawNames(_ dir: String) -> [[UInt8]] {
        let found = SpawnedProcess.captureBytes(["/usr/bin/find", dir, "-mindepth", "1", "-maxdepth", "1", "-printf", "%f\\0"])
        return found.stdout.split(separator: 0).map { Array($0) }
    }

    /// Mounts a tmpfs of `size` (as `mount -o size=`) on a new directory; nil if that is impossible.
    static func tmpfs(_ size: String, in tree: TempDirectory, name: String = "small") -> String? {
        let dir = tree.child(name)
        mkdir(dir, 0o755)
        guard Harness.run(["/usr/bin/mount", "-t", "tmpfs", "-o", "size=\(size),mode=0755", "tmpfs", dir]).status == 0 else {
            return nil
        }
        return dir
    }

    static func unmount(_ dir: String) { _ = Harness.run(["/usr/bin/umount", "-l", dir]) }

    /// Free bytes of the file system holding `path`.
    static func freeBytes(_ path: String) -> Int64 {
        var s = statvfs()
        guard statvfs(path, &s) == 0 else { return -1 }
        return Int64(s.f_bavail) * Int64(s.f_frsize)
    }

    /// Peak resident set (KiB) and the run, from `/usr/bin/time -f %M` around rotatectl.
    static func measured(_ args: [String]) -> (ran: ProcessResult, peakKiB: Int, seconds: Double) {
        let started = Date()
        let ran = Harness.run(["/usr/bin/time", "-f", "PEAK_RSS_KIB=%M", PackagePaths.rotatectl] + args)
        let seconds = Date().timeIntervalSince(started)
        let line = ran.stderr.split(separator: "\n").last { $0.hasPrefix("PEAK_RSS_KIB=") }
        let peak = line.flatMap { Int($0.dropFirst("PEAK_RSS_KIB=".count)) } ?? -1
        return (ran, peak, seconds)
    }
}
