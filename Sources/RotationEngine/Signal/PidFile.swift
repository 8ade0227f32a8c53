#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import SystemPackage

/// Reads a daemon's pid file and decides whether the pid in it is still that daemon.
public enum PidFile {
    /// Slack between the process start time computed from `/proc` (whole-second `btime`) and the pid
    /// file's modification time.
    static let startTimeSlack = 2.0

    /// Reads `path`, absolute or relative to `dir` (the current directory when nil). The first line must
    /// be a decimal pid above 1; the process must exist, not be a zombie, and have started no later than
    /// the pid file was last written, else the pid was reused by another process and is `.stale`. When we
    /// are root, a pid file that someone other than root or the process's owner could have written is
    /// `.untrusted`.
    public static func read(_ path: String, relativeTo dir: DirectoryHandle? = nil) -> PidFileResult {
        let flags = O_RDONLY | O_NONBLOCK | rotatectl_o_cloexec()
        let base = dir?.fd ?? AT_FDCWD
        let opened = system_retry { openat(base, path, flags) }
        let fd: Int32
        switch opened {
        case .success(let value): fd = value
        case .failure(.noSuchFileOrDirectory): return .missing
        case .failure(let e): return .unreadable(SystemError("open", path: path, errno: e).description)
        }
        let descriptor = FileDescriptor(rawValue: fd)
        defer { _ = try? descriptor.close(path: path) }
        let status: FileStatus
        do { status = try descriptor.status(path: path) } catch { return .unreadable(error.description) }
        guard status.kind == .regular else { return .unreadable("\(path): not a regular file") }
        var bytes = [UInt8](repeating: 0, count: 256)
        let count: Int
        do {
            count = try bytes.withUnsafeMutableBytes { buffer throws(SystemError) in
                try descriptor.readFully(into: buffer, at: 0, path: path)
            }
        } catch let error as SystemError {
            return .unreadable(error.description)
        } catch {
            return .unreadable("\(path): \(error)")
        }
        let written = Double(status.modified.seconds) + Double(status.modified.nanoseconds) / 1e9
        let result = judge(String(decoding: bytes[0..<count], as: UTF8.self), writtenAt: written)
        if case .live(let pid) = result, geteuid() == 0, let reason = distrust(status, pid: pid) {
            return .untrusted(pid, reason: reason)
        }
        return result
    }

    /// Why root should not trust a pid file with this owner and mode for `pid`, nil if it may.
    static func distrust(_ status: FileStatus, pid: Int32) -> String? {
        if status.mode & 0o022 != 0 {
            return "the pid file is writable by group or others (mode \(String(status.mode, radix: 8)))"
        }
        var st = Glibc.stat()
        let owner: UInt32? = stat("/proc/\(pid)", &st) == 0 ? st.st_uid : nil
        if status.uid != 0 && status.uid != owner {
            return "the pid file belongs to uid \(status.uid), the process to uid \(owner.map { String($0) } ?? "?")"
        }
        return nil
    }

    /// The decision on the text of a pid file written at `writtenAt` (epoch seconds).
    static func judge(_ text: String, writtenAt: Double) -> PidFileResult {
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: true).first?
            .trimmingSpaces() ?? ""
        if line.isEmpty && text.allSatisfy({ $0.isWhitespace }) { return .empty }
        guard !line.isEmpty, line.allSatisfy({ $0.isASCII && $0.isNumber }), let pid = Int32(line), pid > 1 else {
            return .garbled(String(line.prefix(80)))
        }
        return liveness(pid, writtenAt: writtenAt)
    }

    /// Whether `pid` is a running process that started by `writtenAt`.
    static func liveness(_ pid: Int32, writtenAt: Double) -> PidFileResult {
        if kill(pid, 0) != 0 && rotatectl_errno() == ESRCH { return .stale(pid, reason: "no such process") }
        switch ProcFS.state(pid) {
        case nil: return .stale(pid, reason: "no such process")
        case "Z", "X": return .stale(pid, reason: "the process has exited")
        default: break
        }
        if let started = ProcFS.startTime(pid), started > writtenAt + startTimeSlack {
            let after = Int64(started - writtenAt)
            return .stale(pid, reason: "pid reused: the process started \(after) s after the pid file was written")
        }
        return .live(pid)
    }
}
