#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import SystemPackage

extension DirectoryHandle {
    /// Calls `body` with each name `readdir(3)` returns (not `.` or `..`) as its raw NUL-terminated
    /// bytes, valid only during the call: a directory of 100,000 names is read without making a
    /// `String` of any of them. `FileNameEncoding.decode` makes one that names the file exactly.
    public func forEachEntryName(_ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(SystemError) {
        let dupfd = try system_call("dup", path) { dup(fd) }
        guard let dir = fdopendir(dupfd) else {
            let e = Errno(rawValue: rotatectl_errno())
            _ = Glibc.close(dupfd)
            throw SystemError("fdopendir", path: path, errno: e)
        }
        defer { closedir(dir) }
        rewinddir(dir)
        while let entry = readdir(dir) {
            withUnsafePointer(to: entry.pointee.d_name) { ptr in
                ptr.withMemoryRebound(to: UInt8.self, capacity: 256) { p in
                    let n = strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
                    if (n == 1 && p[0] == 0x2E) || (n == 2 && p[0] == 0x2E && p[1] == 0x2E) { return }
                    body(UnsafeBufferPointer(start: p, count: n))
                }
            }
        }
    }

    /// `fstatat(AT_SYMLINK_NOFOLLOW)` of a NUL-terminated name; nil when it does not exist.
    public func status(cName: UnsafePointer<CChar>) throws(SystemError) -> FileStatus? {
        var st = Glibc.stat()
        switch system_retry("fstatat", child(FileNameEncoding.decode(cString: cName)), { fstatat(fd, cName, &st, rotatectl_at_symlink_nofollow()) }) {
        case .success: return FileStatus(st)
        case .failure(let e) where e == .noSuchFileOrDirectory: return nil
        case .failure(let e): throw SystemError("fstatat", path: child(FileNameEncoding.decode(cString: cName)), errno: e)
        }
    }
}
