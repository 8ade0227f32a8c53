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
    /// the pid file was last written, else the pid was reused by another process and is `.stale`.
    /// The file is opened without following a link (`O_NOFOLLOW|O_NONBLOCK|O_NOCTTY`, its directory by
    /// `DirectoryHandle.openTrusted`) and must be a regular file. When we are root, a pid file that a user
    /// other than root could have written (its owner, its directory's owner) is `.untrusted` unless that
    /// user could signal the process itself (kill(2): its real or effective uid), and one writable by group
    /// or others, in such a directory, or (when `logOwners` is given) by a user who owns none of the logs is
    /// `.untrusted` outright.
    public static func read(_ path: String, relativeTo dir: DirectoryHandle? = nil,
                            logOwners: Set<UInt32>? = nil) -> PidFileResult {
        let parent: DirectoryHandle
        let name: String
        do throws(SystemError) {
            if let dir, !path.contains("/") {
                (parent, name) = (dir, path)
            } else {
                let (dirPath, last) = PathName.split(path)
                if let dir {
                    parent = try dir.openTrustedBelow(dirPath)
                } else {
                    parent = try DirectoryHandle.openTrusted(dirPath)
                }
                name = last
            }
        } catch {
            if error.errno == .noSuchFileOrDirectory { return .missing }
            return .unreadable(error.description)
        }
        let flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | rotatectl_o_nofollow() | rotatectl_o_cloexec()
        let opened = system_retry { FileNameEncoding.withCString(name) { openat(parent.fd, $0, flags) } }
        let fd: Int32
        switch opened {
        case .success(let value): fd = value
        case .failure(.noSuchFileOrDirectory): return .missing
        case .failure(.tooManySymbolicLinkLevels):
            return .unreadable("\(path): a symbolic link; refused, never followed")
        case .failure(let e): return .unreadable(SystemError("open", path: path, errno: e).description)
        }
        let descriptor = FileDescriptor(rawValue: fd)
        defer { _ = try? descriptor.close(path: path) }
        let status: FileStatus
        let directory: FileStatus
        do {
            status = try descriptor.status(path: path)
            directory = try parent.status()
        } catch {
            return .unreadable(error.description)
        }
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
        if case .live(let pid) = result, geteuid() == 0,
           let reason = distrust(status, in: directory, dirPath: parent.path, pid: pid,
                                 processUids: ProcFS.uids(pid), logOwners: logOwners) {
            return .untrusted(pid, reason: reason)
        }
        return result
    }

    /// Why root should not trust a pid file with status `status` in a directory with status `dir` for
    /// `pid` (whose real and effective uids are `processUids`), nil if it may: as kill(2) would decide
    /// for each non-root user who could have written it.
    static func distrust(_ status: FileStatus, in dir: FileStatus, dirPath: String, pid: Int32,
                         processUids: (real: UInt32, effective: UInt32)?, logOwners: Set<UInt32>?) -> String? {
        if status.mode & 0o022 != 0 {
            return "the pid file is writable by group or others (mode \(String(status.mode, radix: 8)))"
        }
        let sticky = dir.mode & 0o1000 != 0
        if !sticky && (dir.mode & 0o002 != 0 || (dir.mode & 0o020 != 0 && dir.gid != 0)) {
            return "its directory \(dirPath) is writable by group or others (mode \(String(dir.mode, radix: 8)))"
        }
        let process = processUids.map { "uid \($0.effective)" } ?? "uid ?"
        var writers: [(uid: UInt32, what: String)] = []
        if status.uid != 0 { writers.append((status.uid, "the pid file belongs to uid \(status.uid)")) }
        if dir.uid != 0 && dir.uid != status.uid {
            writers.append((dir.uid, "its directory \(dirPath) belongs to uid \(dir.uid)"))
        }
        for (uid, what) in writers {
            if let logOwners, !logOwners.contains(uid) {
                return "\(what), neither root nor an owner of the logs"
            }
            guard let uids = processUids, uids.real == uid || uids.effective == uid else {
                return "\(what), the process to \(process)"
            }
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
