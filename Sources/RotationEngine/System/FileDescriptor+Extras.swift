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

    /// `sync_file_range(2)` with `SYNC_FILE_RANGE_WRITE` from `offset` to the end of the file: starts
    /// writing back those dirty pages and returns without waiting. It makes nothing durable (no metadata,
    /// no device cache flush), so an `fsync` (or `syncfs`) must still follow; it only shortens that wait.
    public func startWriteback(from offset: Int64, path: String) throws(SystemError) {
        _ = try system_call("sync_file_range", path) { rotatectl_sync_file_range_write(rawValue, off_t(offset), 0) }
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
                Glibc.pread(rawValue, buffer.baseAddress.map { $0 + done }, buffer.count - done, off_t(offset) + off_t(done))
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
                Glibc.write(rawValue, buffer.baseAddress.map { $0 + done }, buffer.count - done)
            }
            done += n
        }
    }

    /// `close(2)`, reporting the error (a deferred write error can surface here).
    public func close(path: String) throws(SystemError) {
        if let e = system_close(rawValue, path) { throw SystemError("close", path: path, errno: e) }
    }
}

extension FileDescriptor {
    /// `write(2)` of a byte array until every byte is written.
    public func writeAll(_ bytes: [UInt8], path: String) throws(SystemError) {
        var done = 0
        while done < bytes.count {
            let result = bytes.withUnsafeBytes { p in
                system_retry("write", path) { Glibc.write(rawValue, p.baseAddress.map { $0 + done }, p.count - done) }
            }
            switch result {
            case .success(let n): done += n
            case .failure(let e): throw SystemError("write", path: path, errno: e)
            }
        }
    }

    /// `pread(2)` of up to `count` bytes at `offset`; fewer only at the end of the file. Read straight
    /// into the array's storage: a state file of 100,000 entries is neither zeroed first nor copied.
    public func read(upTo count: Int, at offset: Int64, path: String) throws(SystemError) -> [UInt8] {
        var failure: SystemError?
        let bytes = [UInt8](unsafeUninitializedCapacity: Swift.max(count, 1)) { buffer, initialized in
            do throws(SystemError) {
                initialized = try readFully(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[0..<count]),
                                            at: offset, path: path)
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// `pwrite(2)` of all of `bytes` at `offset`.
    public func writeAll(_ bytes: [UInt8], at offset: Int64, path: String) throws(SystemError) {
        var done = 0
        while done < bytes.count {
            let result = bytes.withUnsafeBytes { p in
                system_retry("pwrite", path) {
                    Glibc.pwrite(rawValue, p.baseAddress.map { $0 + done }, p.count - done, off_t(offset) + off_t(done))
                }
            }
            switch result {
            case .success(let n): done += n
            case .failure(let e): throw SystemError("pwrite", path: path, errno: e)
            }
        }
    }

    /// `posix_fallocate(3)`: allocates the blocks of the first `size` bytes.
    public func allocate(_ size: Int64, path: String) throws(SystemError) {
        if let e = system_errorNumber("posix_fallocate", path, { posix_fallocate(rawValue, 0, off_t(size)) }) {
            throw SystemError("posix_fallocate", path: path, errno: e)
        }
    }

    /// `fallocate(FALLOC_FL_COLLAPSE_RANGE)` of the first `length` bytes: they leave the file and what
    /// follows moves to the start, in one step no writer can slip into. EOPNOTSUPP, EINVAL or ENOSYS when
    /// the file system cannot (the caller then copies and truncates).
    public func collapseStart(_ length: Int64, path: String) throws(SystemError) {
        _ = try system_call("fallocate(FALLOC_FL_COLLAPSE_RANGE)", path) {
            rotatectl_fallocate_collapse(rawValue, 0, off_t(length))
        }
    }

    /// `lseek(2)`; returns the new offset.
    public func seek(to offset: Int64, from whence: Int32 = SEEK_SET, path: String) throws(SystemError) -> Int64 {
        Int64(try system_call("lseek", path) { Glibc.lseek(rawValue, off_t(offset), whence) })
    }

    /// Whether some process (this one included) has this file open for writing, from a read lease tried
    /// and dropped at once (`fcntl(F_SETLEASE, F_RDLCK)`, granted only when none has); nil where leases
    /// are not supported (NFS, a descriptor not opened read-only). Sees every process, even those `/proc`
    /// hides from an unprivileged caller. Never blocks.
    public func isOpenForWriting() -> Bool? {
        switch rotatectl_open_for_writing(rawValue) {
        case 0: return false
        case 1: return true
        default: return nil
        }
    }

    /// Takes a write lease on the file (`fcntl(F_SETLEASE, F_WRLCK)`): true when granted, which the kernel
    /// does only while no other open file description of it exists, and then makes any other process's
    /// `open` of it wait until `releaseLease`; false when it is open elsewhere or leases are not available
    /// here (not the owner without CAP_LEASE, NFS). Never blocks.
    public func takeWriteLease(path: String) -> Bool {
        switch system_retry("fcntl(F_SETLEASE)", path, { rotatectl_write_lease(rawValue) }) {
        case .success: return true
        case .failure: return false
        }
    }

    /// Whether the write lease still holds (`fcntl(F_GETLEASE)`): false once another process's open has
    /// begun to break it, and that open is about to go through.
    public func holdsWriteLease(path: String) -> Bool {
        switch system_retry("fcntl(F_GETLEASE)", path, { rotatectl_write_lease_held(rawValue) }) {
        case .success(let held): return held == 1
        case .failure: return false
        }
    }

    /// Drops a lease taken by `takeWriteLease` (`fcntl(F_SETLEASE, F_UNLCK)`).
    public func releaseLease(path: String) {
        _ = system_retry("fcntl(F_SETLEASE)", path, { rotatectl_release_lease(rawValue) })
    }

    /// Gives the file the owner (`fchown`, only when `changeOwner`: the caller knows whether the new file
    /// already has them), mode (`fchmod` after it, since `fchown` clears set-ID bits) and times
    /// (`futimens`) of `st`.
    public func copyMetadata(from st: FileStatus, path: String, changeOwner: Bool) throws(SystemError) {
        if changeOwner { try setOwner(uid: st.uid, gid: st.gid, path: path) }
        try setMode(st.mode & 0o7777, path: path)
        try setTimes(accessed: st.accessed, modified: st.modified, path: path)
    }
}
