#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// `STATE.watch`, beside the state file: the running watcher holds an OFD write lock on it for its
/// whole life and writes one line into it, `pid=N started=EPOCH acted=EPOCH`. `status` tests the lock
/// to tell a running watcher from a dead one's leftover, and a second watcher on the same state file
/// is refused. Nothing in it is needed for rotation: losing it loses nothing.
public final class WatcherFile {
    public static let suffix = ".watch"
    let path: String
    let fd: FileDescriptor
    let started: Int64

    /// Opens (creating, mode 0644) and locks the file; nil when another watcher holds it.
    public static func acquire(statePath: String, now: Int64) throws(SystemError) -> WatcherFile? {
        let parts = StatePath(statePath + suffix)
        let dir = try parts.openOrCreateDirectory()
        let fd = try dir.openFile(parts.name, O_RDWR | O_CREAT, mode: 0o644)
        let path = dir.child(parts.name)
        do throws(SystemError) {
            let st = try fd.status(path: path)
            guard st.kind == .regular else {
                throw SystemError("open (\(st.kind.described), not a regular file; refused)", path: path, errno: .invalidArgument)
            }
            guard try fd.tryLock(.write, path: path) else {
                _ = try? fd.close(path: path)
                return nil
            }
        } catch {
            _ = try? fd.close(path: path)
            throw error
        }
        let file = WatcherFile(path: path, fd: fd, started: now)
        try file.record(acted: nil)
        return file
    }

    private init(path: String, fd: FileDescriptor, started: Int64) { self.path = path; self.fd = fd; self.started = started }

    deinit { _ = try? fd.close(path: path) }

    /// Rewrites the line with the time of the last run (`ftruncate`, `pwrite`); not synced: it is a
    /// report, not a record.
    public func record(acted: Int64?) throws(SystemError) {
        let line = WatcherInfo(pid: getpid(), started: started, acted: acted).line
        try fd.truncate(to: 0, path: path)
        try fd.writeAll(Array(line.utf8), at: 0, path: path)
    }

    /// Removes the file (the watcher is exiting); its lock goes with the descriptor.
    public func remove() {
        let parts = StatePath(path)
        if let dir = try? parts.openDirectory() { _ = try? dir.remove(parts.name) }
    }

    /// What `status` shows: the watcher of `statePath` when one is running (its lock is held), else nil.
    public static func running(statePath: String) -> WatcherInfo? {
        let parts = StatePath(statePath + suffix)
        guard let dir = try? parts.openDirectory(), let fd = try? dir.openRegular(parts.name, O_RDONLY) else { return nil }
        let path = dir.child(parts.name)
        defer { _ = try? fd.close(path: path) }
        guard fd.conflictingLock(path: path)?.held == true, let bytes = try? fd.read(upTo: 256, at: 0, path: path) else { return nil }
        return WatcherInfo(parsing: String(decoding: bytes, as: UTF8.self))
    }
}
