#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// BSD locks on the whole file (`flock(2)`), the kind logrotate takes on its state file: held by the
/// open file description, independent of `fcntl` locks, dropped when its last descriptor is closed.
extension FileDescriptor {
    /// `flock(LOCK_EX|LOCK_NB)`: true when taken, false when another description holds it (EWOULDBLOCK).
    public func tryExclusiveFlock(path: String) throws(SystemError) -> Bool {
        switch system_retry("flock", path, { flock(rawValue, LOCK_EX | LOCK_NB) }) {
        case .success: return true
        case .failure(let e) where e == .resourceTemporarilyUnavailable: return false
        case .failure(let e): throw SystemError("flock", path: path, errno: e)
        }
    }

    /// `flock(LOCK_EX)`: waits as long as another description holds it.
    public func exclusiveFlockWaiting(path: String) throws(SystemError) {
        _ = try system_call("flock", path) { flock(rawValue, LOCK_EX) }
    }

    /// `fcntl(F_DUPFD_CLOEXEC)`: a second descriptor of the same open file description (and its locks),
    /// still open after this one is closed.
    public func duplicateCloseOnExec(path: String) throws(SystemError) -> FileDescriptor {
        FileDescriptor(rawValue: try system_call("fcntl(F_DUPFD_CLOEXEC)", path) { fcntl(rawValue, F_DUPFD_CLOEXEC, 0) })
    }
}
