#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import SystemPackage

extension FileDescriptor {
    /// `fsync(2)`.
    public func sync(path: String) throws(SystemError) {
        _ = try system_call("fsync", path) { fsync(rawValue) }
    }

    /// `fstat(2)`.
    public func status(path: String) throws(SystemError) -> FileStatus {
        var st = Glibc.stat()
        _ = try system_call("fstat", path) { fstat(rawValue, &st) }
        return FileStatus(st)
    }

    /// `fchmod(2)`.
    public func setMode(_ mode: UInt32, path: String) throws(SystemError) {
        _ = try system_call("fchmod", path) { fchmod(rawValue, mode_t(mode)) }
    }

    /// `fchown(2)`.
    public func setOwner(uid: UInt32, gid: UInt32, path: String) throws(SystemError) {
        _ = try system_call("fchown", path) { fchown(rawValue, uid, gid) }
    }

    /// `futimens(2)`: sets access and modification times.
    public func setTimes(accessed: Timestamp, modified: Timestamp, path: String) throws(SystemError) {
        var times = [timespec(tv_sec: Int(accessed.seconds), tv_nsec: Int(accessed.nanoseconds)),
                     timespec(tv_sec: Int(modified.seconds), tv_nsec: Int(modified.nanoseconds))]
        _ = try system_call("futimens", path) { futimens(rawValue, &times) }
    }

    /// `ftruncate(2)`.
    public func truncate(to size: Int64, path: String) throws(SystemError) {
        _ = try system_call("ftruncate", path) { ftruncate(rawValue, off_t(size)) }
    }

    /// `pread(2)` until `buffer` is full or the end of the file; returns the bytes read.
    public func readFully(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64, path: String) throws(SystemError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = try system_call("pread", path) {
                Glibc.pread(rawValue, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// `write(2)` until every byte is written.
    public func writeFully(_ buffer: UnsafeRawBufferPointer, path: String) throws(SystemError) {
        var done = 0
        while done < buffer.count {
            let n = try system_call("write", path) {
                Glibc.write(rawValue, buffer.baseAddress! + done, buffer.count - done)
            }
            done += n
        }
    }

    /// `close(2)`, reporting the error (a deferred write error can surface here).
    public func close(path: String) throws(SystemError) {
        if Glibc.close(rawValue) != 0 {
            throw SystemError("close", path: path, errno: Errno(rawValue: rotatectl_errno()))
        }
    }
}
