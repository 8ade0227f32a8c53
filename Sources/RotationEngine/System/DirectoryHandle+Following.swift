#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import SystemPackage

extension DirectoryHandle {
    /// Opens `name` read-only following a symbolic link, as configuration files may be links:
    /// `openat(O_RDONLY|O_NONBLOCK|O_CLOEXEC)`. `O_NONBLOCK` keeps a FIFO from blocking the open; the
    /// caller checks the kind with `fstat` before reading.
    public func openReadingFollowing(_ name: String) throws(SystemError) -> FileDescriptor {
        let flags = O_RDONLY | O_NONBLOCK | rotatectl_o_cloexec()
        let fd = try system_call("openat", child(name)) { FileNameEncoding.withCString(name) { openat(self.fd, $0, flags) } }
        return FileDescriptor(rawValue: fd)
    }

    /// The same for a path, absolute or relative to the working directory: `open(O_RDONLY|O_NONBLOCK|O_CLOEXEC)`.
    public static func openReadingFollowing(path: String) throws(SystemError) -> FileDescriptor {
        let flags = O_RDONLY | O_NONBLOCK | rotatectl_o_cloexec()
        let fd = try system_call("open", path) { FileNameEncoding.withCString(path) { Glibc.open($0, flags) } }
        return FileDescriptor(rawValue: fd)
    }
}

extension FileStatus {
    /// `stat(2)` of a path, following links (a `/proc/PID/fd/N` link gives the open file's device and
    /// inode, even when it was removed or renamed).
    public static func following(path: String) throws(SystemError) -> FileStatus {
        var st = Glibc.stat()
        _ = try system_call("stat", path) { stat(path, &st) }
        return FileStatus(st)
    }
}
