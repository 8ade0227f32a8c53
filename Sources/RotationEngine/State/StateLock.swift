#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
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
        let euid = geteuid()
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

    private static func lock(_ fd: FileDescriptor, path: String, timeout: Double?) throws {
        let write = Int16(F_WRLCK)
        guard let timeout else {
            _ = try system_call("fcntl(F_OFD_SETLKW)", path) { rotatectl_ofd_setlk(fd.rawValue, write, 1) }
            return
        }
        let deadline = monotonicNow() + max(0, timeout)
        var pause = 0.002
        while true {
            switch system_retry({ rotatectl_ofd_setlk(fd.rawValue, write, 0) }) {
            case .success: return
            case .failure(let e) where e == .resourceTemporarilyUnavailable || e == .permissionDenied:
                let now = monotonicNow()
                if now >= deadline { throw StateError.lockTimeout(path: path, seconds: timeout) }
                sleepSeconds(min(pause, deadline - now))
                pause = min(pause * 2, 0.05)
            case .failure(let e):
                throw SystemError("fcntl(F_OFD_SETLK)", path: path, errno: e)
            }
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
