#if canImport(Glibc)
import Glibc
#endif

/// A failed system call of the writer library: which call, on which path, and the errno.
public struct LogFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public var call: String
    public var path: String
    public var errno: Int32

    public init(_ call: String, path: String, errno: Int32) {
        (self.call, self.path, self.errno) = (call, path, errno)
    }

    /// `PATH: CALL: strerror text`.
    public var description: String {
        let text = strerror(errno).map { String(cString: $0) } ?? "errno \(errno)"
        return "\(path): \(call): \(text)"
    }
}
