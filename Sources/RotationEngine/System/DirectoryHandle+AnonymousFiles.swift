#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import Synchronization
import SystemPackage

/// Files created without a name (`O_TMPFILE`) and named once complete (`linkat`): a crash before the
/// link leaves nothing behind, and creating one takes no lock on the directory, so several threads
/// create their outputs in one directory at once.
extension DirectoryHandle {
    /// `O_TMPFILE` (`__O_TMPFILE | O_DIRECTORY`) from the C library's headers (the Glibc module does
    /// not export it); nil where the headers have none, and named temporary files are used instead.
    static var tmpfileFlag: Int32? {
        let flag = rotatectl_o_tmpfile()
        return flag == 0 ? nil : flag
    }

    /// Whether anonymous files may be tried at all: only with `/proc/self/fd` at hand, the way to link
    /// one without CAP_DAC_READ_SEARCH. Debug builds honour `ROTATECTL_NO_TMPFILE=1`, so tests can run
    /// the named-temporary fallback on a file system that supports `O_TMPFILE`.
    static let anonymousFilesAllowed: Bool = {
        #if ROTATECTL_FAULT_INJECTION
        if let v = getenv("ROTATECTL_NO_TMPFILE"), String(cString: v) == "1" { return false }
        #endif
        return tmpfileFlag != nil && access("/proc/self/fd", X_OK) == 0
    }()

    /// Set once `linkat(AT_EMPTY_PATH)` failed with ENOENT (the process lacks CAP_DAC_READ_SEARCH):
    /// later links go through `/proc/self/fd` straight away.
    private static let linkByProc = Atomic<Bool>(false)

    /// `openat(dir, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode)`: a new regular file in this directory
    /// with no name. Nil when the kernel or the file system cannot (EOPNOTSUPP, EISDIR from kernels older
    /// than 3.11, EINVAL): the caller then writes under a temporary name.
    public func createAnonymous(mode: mode_t = 0o600) throws(SystemError) -> FileDescriptor? {
        guard Self.anonymousFilesAllowed, let flag = Self.tmpfileFlag else { return nil }
        let flags = flag | O_WRONLY | rotatectl_o_cloexec()
        switch system_retry("openat(O_TMPFILE)", path, { openat(self.fd, ".", flags, mode) }) {
        case .success(let fd):
            return FileDescriptor(rawValue: fd)
        case .failure(let e) where e == .notSupported || e == .isDirectory || e == .invalidArgument:
            return nil
        case .failure(let e):
            throw SystemError("openat(O_TMPFILE)", path: path, errno: e)
        }
    }

    /// Gives an anonymous file the name `name` here: `linkat(fd, "", dir, name, AT_EMPTY_PATH)`, or, without
    /// CAP_DAC_READ_SEARCH, `linkat(AT_FDCWD, "/proc/self/fd/N", dir, name, AT_SYMLINK_FOLLOW)`. Never
    /// replaces an existing name (EEXIST), like `rename(_:to:as:)`.
    public func link(_ file: FileDescriptor, as name: String) throws(SystemError) {
        if !Self.linkByProc.load(ordering: .relaxed) {
            switch system_retry("linkat", child(name), { FileNameEncoding.withCString(name) { linkat(file.rawValue, "", self.fd, $0, rotatectl_at_empty_path()) } }) {
            case .success:
                return
            case .failure(let e) where e == .noSuchFileOrDirectory || e == .permissionDenied || e == .notPermitted:
                Self.linkByProc.store(true, ordering: .relaxed)
            case .failure(let e):
                throw SystemError("linkat", path: child(name), errno: e)
            }
        }
        let proc = "/proc/self/fd/\(file.rawValue)"
        _ = try system_call("linkat", child(name)) { FileNameEncoding.withCString(name) { linkat(AT_FDCWD, proc, self.fd, $0, AT_SYMLINK_FOLLOW) } }
    }
}
