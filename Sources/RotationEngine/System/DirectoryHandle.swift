#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import SystemPackage

/// An open directory. Every file operation of the engine is relative to one of these (`openat`,
/// `fstatat`, `renameat2`, `unlinkat`, `mkdirat`), so a directory swapped for a symbolic link mid-run
/// cannot redirect it. Closed when released.
public final class DirectoryHandle: @unchecked Sendable {
    public let fd: Int32
    /// The path it was opened by, for messages only.
    public let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { _ = system_close(fd, path) }

    /// Opens a directory by absolute or relative path with `open(O_DIRECTORY|O_NOFOLLOW)`: the last
    /// component must not be a symbolic link.
    public static func open(_ path: String, followLast: Bool = false) throws(SystemError) -> DirectoryHandle {
        var flags = O_RDONLY | rotatectl_o_directory() | rotatectl_o_cloexec()
        if !followLast { flags |= rotatectl_o_nofollow() }
        let fd = try system_call("open", path) { FileNameEncoding.withCString(path) { Glibc.open($0, flags) } }
        return DirectoryHandle(fd: fd, path: path)
    }

    /// Opens a subdirectory by name, never following a symbolic link.
    public func openDirectory(_ name: String) throws(SystemError) -> DirectoryHandle {
        let flags = O_RDONLY | rotatectl_o_directory() | rotatectl_o_cloexec() | rotatectl_o_nofollow()
        let fd = try system_call("openat", child(name)) { FileNameEncoding.withCString(name) { openat(self.fd, $0, flags) } }
        return DirectoryHandle(fd: fd, path: child(name))
    }

    /// The path of `name` inside this directory, for messages.
    public func child(_ name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }

    /// `fstatat(AT_SYMLINK_NOFOLLOW)`; nil when the name does not exist.
    public func status(_ name: String) throws(SystemError) -> FileStatus? {
        var st = Glibc.stat()
        switch system_retry("fstatat", child(name), { FileNameEncoding.withCString(name) { fstatat(fd, $0, &st, rotatectl_at_symlink_nofollow()) } }) {
        case .success: return FileStatus(st)
        case .failure(let e) where e == .noSuchFileOrDirectory: return nil
        case .failure(let e): throw SystemError("fstatat", path: child(name), errno: e)
        }
    }

    /// `fstat` of the directory itself.
    public func status() throws(SystemError) -> FileStatus {
        var st = Glibc.stat()
        _ = try system_call("fstat", path) { fstat(fd, &st) }
        return FileStatus(st)
    }

    /// `openat(name, flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, mode)`: never follows a link,
    /// never blocks on a FIFO planted at the name. The kind is not checked: the caller checks it with
    /// `fstat` right away (lock, state and journal files, which report their own kinds); every other
    /// existing file is opened with `openRegular(_:_:)`.
    public func openFile(_ name: String, _ flags: Int32, mode: mode_t = 0o600) throws(SystemError) -> FileDescriptor {
        let all = flags | rotatectl_o_nofollow() | O_NONBLOCK | O_NOCTTY | rotatectl_o_cloexec()
        let fd = try system_call("openat", child(name)) { FileNameEncoding.withCString(name) { openat(self.fd, $0, all, mode) } }
        return FileDescriptor(rawValue: fd)
    }

    /// Opens an existing file the run did not just create (a log, a generation, a leftover, a compressed
    /// output): `openFile` (`O_NOFOLLOW|O_NONBLOCK|O_NOCTTY|O_CLOEXEC`), then `fstat`, refusing anything but
    /// a regular file with an error naming it (a FIFO would otherwise block the open or the read for ever),
    /// then `fcntl(F_SETFL)` clearing `O_NONBLOCK` unless `flags` asked for it.
    public func openRegular(_ name: String, _ flags: Int32) throws(SystemError) -> FileDescriptor {
        let fd = try openFile(name, flags)
        do throws(SystemError) {
            let st = try fd.status(path: child(name))
            guard st.kind == .regular else {
                throw SystemError("open (\(st.kind.described), not a regular file; refused)", path: child(name), errno: .invalidArgument)
            }
            if flags & O_NONBLOCK == 0 {
                let current = try system_call("fcntl(F_GETFL)", child(name)) { fcntl(fd.rawValue, F_GETFL) }
                _ = try system_call("fcntl(F_SETFL)", child(name)) { fcntl(fd.rawValue, F_SETFL, current & ~O_NONBLOCK) }
            }
        } catch {
            _ = try? fd.close()
            throw error
        }
        return fd
    }

    /// A new file, `O_CREAT|O_EXCL|O_NOFOLLOW`, mode 0600 until the caller sets owner and final mode.
    public func createExclusive(_ name: String, readable: Bool = false) throws(SystemError) -> FileDescriptor {
        try openFile(name, (readable ? O_RDWR : O_WRONLY) | O_CREAT | O_EXCL, mode: 0o600)
    }

    /// `renameat2(RENAME_NOREPLACE)`: never overwrites an existing target (fails with EEXIST).
    public func rename(_ name: String, to target: DirectoryHandle, as newName: String) throws(SystemError) {
        _ = try system_call("renameat2", child(name)) {
            FileNameEncoding.withCString(name) { from in
                FileNameEncoding.withCString(newName) { rotatectl_renameat2_noreplace(fd, from, target.fd, $0) }
            }
        }
    }

    /// `linkat(2)` of `name` as `newName` in this directory (a link is linked as itself, never followed):
    /// a second name for the same file; never replaces an existing one (EEXIST).
    public func hardLink(_ name: String, as newName: String) throws(SystemError) {
        _ = try system_call("linkat", child(name)) {
            FileNameEncoding.withCString(name) { from in FileNameEncoding.withCString(newName) { linkat(fd, from, fd, $0, 0) } }
        }
    }

    /// `renameat`, replacing the target: only for files of our own (temporary state, journal).
    public func replace(_ name: String, with source: String) throws(SystemError) {
        _ = try system_call("renameat", child(source)) {
            FileNameEncoding.withCString(source) { from in FileNameEncoding.withCString(name) { renameat(fd, from, fd, $0) } }
        }
    }

    /// `unlinkat`; a name already gone is not an error.
    public func remove(_ name: String) throws(SystemError) {
        switch system_retry("unlinkat", child(name), { FileNameEncoding.withCString(name) { unlinkat(fd, $0, 0) } }) {
        case .success, .failure(.noSuchFileOrDirectory): return
        case .failure(let e): throw SystemError("unlinkat", path: child(name), errno: e)
        }
    }

    /// `mkdirat`; an existing directory is not an error.
    public func makeDirectory(_ name: String, mode: mode_t = 0o755) throws(SystemError) {
        switch system_retry("mkdirat", child(name), { FileNameEncoding.withCString(name) { mkdirat(fd, $0, mode) } }) {
        case .success, .failure(.fileExists): return
        case .failure(let e): throw SystemError("mkdirat", path: child(name), errno: e)
        }
    }

    /// `fsync` of the directory, making its renames, creations and removals durable.
    public func sync() throws(SystemError) {
        _ = try system_call("fsync", path) { fsync(fd) }
    }

    /// `syncfs(2)` of the file system holding this directory: makes every file written there durable in
    /// one call, where syncing two thousand new files one by one would cost a second.
    public func syncFileSystem() throws(SystemError) {
        _ = try system_call("syncfs", path) { rotatectl_syncfs(fd) }
    }

    /// The names in the directory, without `.` and `..`, each decoded by `FileNameEncoding` (so a name
    /// that is not UTF-8 is named again exactly by every call here).
    public func entries() throws(SystemError) -> [String] {
        var names: [String] = []
        try forEachEntryName { names.append(FileNameEncoding.decode($0)) }
        return names
    }
}
