#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// An exclusive lock on `STATEPATH.lock` (mode 0600), held while one run reads, changes and writes the
/// state file, so concurrent runs serialise. An open-file-description lock (`fcntl(F_OFD_SETLK)`), so
/// two threads of one process exclude each other too, and the lock dies with its descriptor.
/// Released by `release()` or when the value is dropped.
public final class StateLock: @unchecked Sendable {
    /// The lock file's path.
    public let path: String
    let directory: DirectoryHandle
    private var fd: FileDescriptor?

    private init(path: String, directory: DirectoryHandle, fd: FileDescriptor) {
        self.path = path
        self.directory = directory
        self.fd = fd
    }

    deinit { release() }

    /// Takes the lock for the state file at `statePath`, creating its directory (0700) if missing.
    /// Waits up to `timeout` seconds for another holder (nil: as long as it takes).
    /// Running as root, the directory must be root's and not writable by others (unless sticky, as
    /// `/tmp`), and an existing lock file must be root's regular file: an unprivileged user must not be
    /// able to hold root's state hostage or swap the file.
    public static func acquire(statePath: String, timeout: Double? = nil) throws -> StateLock {
        let parts = StatePath(statePath)
        let dir = try parts.openOrCreateDirectory()
        return try acquire(in: dir, name: parts.name + ".lock", timeout: timeout)
    }

    static func acquire(in dir: DirectoryHandle, name: String, timeout: Double?) throws -> StateLock {
        let lockPath = dir.child(name)
        let euid = ProcessIdentity.effectiveUID
        if euid == 0 {
            let st = try dir.status()
            if st.uid != 0 {
                throw StateError.insecureDirectory(path: dir.path, reason: "directory is owned by uid \(st.uid), not root")
            }
            if st.mode & 0o022 != 0 && st.mode & 0o1000 == 0 {
                throw StateError.insecureDirectory(path: dir.path, reason: "directory is writable by group or others")
            }
        }
        let fd = try dir.openFile(name, O_RDWR | O_CREAT, mode: 0o600)
        do {
            let st = try fd.status(path: lockPath)
            guard st.kind == .regular else {
                throw StateError.insecureLockFile(path: lockPath, reason: "not a regular file")
            }
            if euid == 0 && st.uid != 0 {
                throw StateError.insecureLockFile(path: lockPath, reason: "owned by uid \(st.uid), not root")
            }
            try lock(fd, path: lockPath, timeout: timeout)
        } catch {
            try? fd.close(path: lockPath)
            throw error
        }
        return StateLock(path: lockPath, directory: dir, fd: fd)
    }

    /// `fcntl(F_OFD_SETLKW)` without a timeout; else `LockWaitLoop`, pausing 2 ms, then twice as
    /// long each time up to 50 ms.
    private static func lock(_ fd: FileDescriptor, path: String, timeout: Double?) throws {
        guard let timeout else { return try fd.lockWaiting(.write, path: path) }
        let loop = LockWaitLoop(wait: timeout, firstPause: 0.002, longestPause: 0.05)
        guard try loop.run({ () throws(SystemError) in try fd.tryLock(.write, path: path) }) else {
            throw StateError.lockTimeout(path: path, seconds: timeout)
        }
    }

    /// Drops the lock by closing its descriptor. The lock file stays: removing it would let a waiter
    /// lock a file that no longer has a name while a newcomer locks a new one.
    public func release() {
        guard let fd else { return }
        self.fd = nil
        try? fd.close(path: path)
    }
}
