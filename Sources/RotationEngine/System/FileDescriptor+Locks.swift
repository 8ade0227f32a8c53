#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import SystemPackage

/// Open-file-description locks on the whole file (`fcntl(F_OFD_SETLK)`): held by the open description,
/// so two threads of one process exclude each other, and dropped when its last descriptor is closed.
extension FileDescriptor {
    public enum LockKind: Sendable {
        case read, write

        var type: Int16 { self == .read ? Int16(F_RDLCK) : Int16(F_WRLCK) }
    }

    /// `fcntl(F_OFD_SETLK)`: true when taken, false when another description holds a conflicting lock
    /// (EAGAIN or EACCES); never blocks.
    public func tryLock(_ kind: LockKind, path: String) throws(SystemError) -> Bool {
        switch system_retry("fcntl(F_OFD_SETLK)", path, { rotatectl_ofd_setlk(rawValue, kind.type, 0) }) {
        case .success: return true
        case .failure(let e) where e == .resourceTemporarilyUnavailable || e == .permissionDenied: return false
        case .failure(let e): throw SystemError("fcntl(F_OFD_SETLK)", path: path, errno: e)
        }
    }

    /// `fcntl(F_OFD_SETLKW)`: waits as long as another description holds a conflicting lock.
    public func lockWaiting(_ kind: LockKind, path: String) throws(SystemError) {
        _ = try system_call("fcntl(F_OFD_SETLKW)", path) { rotatectl_ofd_setlk(rawValue, kind.type, 1) }
    }

    /// `fcntl(F_OFD_SETLK, F_UNLCK)`. Cannot fail on a valid descriptor; an error is ignored.
    public func unlock(path: String) {
        _ = system_retry("fcntl(F_OFD_SETLK)", path) { rotatectl_ofd_setlk(rawValue, Int16(F_UNLCK), 0) }
    }

    /// Whether another process holds a lock on the file that a write lock would conflict with
    /// (`fcntl(F_OFD_GETLK)`), and its pid as the kernel reports it (0 or -1 for an OFD lock); nil when
    /// the call failed.
    public func conflictingLock(path: String) -> (held: Bool, pid: Int32)? {
        var holder: pid_t = 0
        switch system_retry("fcntl(F_OFD_GETLK)", path, { rotatectl_ofd_getlk(rawValue, &holder) }) {
        case .success(let held): return (held == 1, holder)
        case .failure: return nil
        }
    }
}
