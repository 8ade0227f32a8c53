#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Which processes hold a file open for writing, from `/proc/*/fd` (a `stat` through each fd link gives
/// the device and inode even of deleted or renamed files) and `/proc/*/fdinfo` (the open flags). Our own
/// process is skipped. Processes we may not inspect (another user without root) are not seen.
public enum OpenWriters {
    /// Every regular file some other process has open for writing, in one scan of `/proc`.
    public static func snapshot() -> Set<FileKey> {
        Set(scan(only: nil).keys)
    }

    /// The writers of the given files, in one scan of `/proc`.
    public static func writers(of keys: Set<FileKey>) -> [FileKey: [OpenWriter]] {
        keys.isEmpty ? [:] : scan(only: keys)
    }

    /// The pids that hold the file open for writing, each once, in ascending order.
    public static func find(device: UInt64, inode: UInt64) -> [Int32] {
        let key = FileKey(device: device, inode: inode)
        let pids = Set((scan(only: [key])[key] ?? []).map(\.pid))
        return pids.sorted()
    }

    /// Polls every 20 ms until no other process holds the file open for writing; false if one still does
    /// after `timeout` seconds.
    public static func waitUntilClosed(device: UInt64, inode: UInt64, timeout: Double) -> Bool {
        let key: Set<FileKey> = [FileKey(device: device, inode: inode)]
        let deadline = monotonicNow() + timeout
        while true {
            if scan(only: key).isEmpty { return true }
            if monotonicNow() >= deadline { return false }
            sleepSeconds(0.02)
        }
    }

    static func scan(only keys: Set<FileKey>?) -> [FileKey: [OpenWriter]] {
        let me = ProcessIdentity.pid
        var found: [FileKey: [OpenWriter]] = [:]
        for pid in ProcFS.numericEntries("/proc") where pid != me {
            for fd in ProcFS.numericEntries("/proc/\(pid)/fd") {
                guard let st = try? FileStatus.following(path: "/proc/\(pid)/fd/\(fd)"), st.kind == .regular else { continue }
                let key = FileKey(device: st.device, inode: st.inode)
                if let keys, !keys.contains(key) { continue }
                // The descriptor may have been closed and reused since its link was read: the flags are
                // the file's only if fdinfo names the same inode (or, on kernels before 5.14 that do not
                // say, if the link still names the file).
                guard let info = ProcFS.fdInfo(pid: pid, fd: fd) else { continue }
                if let inode = info.inode {
                    guard inode == st.inode else { continue }
                } else {
                    guard let again = try? FileStatus.following(path: "/proc/\(pid)/fd/\(fd)"),
                          FileKey(device: again.device, inode: again.inode) == key else { continue }
                }
                let flags = info.flags
                let access = flags & O_ACCMODE
                guard access == O_WRONLY || access == O_RDWR else { continue }
                found[key, default: []].append(OpenWriter(pid: pid, fd: fd, append: flags & O_APPEND != 0))
            }
        }
        return found
    }
}
