import SystemPackage

/// A failed system call: which call, on which path, and the errno it returned.
public struct SystemError: Error, CustomStringConvertible, Sendable, Equatable {
    public var call: String
    public var path: String
    public var errno: Errno

    public init(_ call: String, path: String, errno: Errno) {
        self.call = call
        self.path = path
        self.errno = errno
    }

    /// `PATH: CALL: strerror text`, the form every message of rotatectl uses.
    public var description: String { "\(FileNameEncoding.display(path)): \(call): \(errno.description)" }
}
