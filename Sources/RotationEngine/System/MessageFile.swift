#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import SystemPackage

/// The file a run's verbose log goes to (`-l FILE`, as logrotate's): opened by path as logrotate's
/// `fopen(FILE, "w")` does, following a link and truncating, mode 0644 less the umask; each line is
/// one `write(2)`, so nothing is left in a buffer when the run ends.
public final class MessageFile: @unchecked Sendable {
    public let path: String
    private let fd: FileDescriptor

    /// `open(O_WRONLY|O_CREAT|O_TRUNC|O_NOCTTY|O_CLOEXEC, 0644)`.
    public init(path: String) throws(SystemError) {
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY | rotatectl_o_cloexec()
        let raw = try system_call("open", path) { FileNameEncoding.withCString(path) { Glibc.open($0, flags, mode_t(0o644)) } }
        self.path = path
        fd = FileDescriptor(rawValue: raw)
    }

    deinit { _ = system_close(fd.rawValue, path) }

    /// Writes `line` and a newline, the bytes a name stands for as they are (`FileNameEncoding`).
    public func write(_ line: String) throws(SystemError) {
        try fd.writeAll(FileNameEncoding.encode(line) + [0x0A], path: path)
    }
}
