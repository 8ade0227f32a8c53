/// Failures of the state file that are not a single failed system call.
public enum StateError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Running as root, the directory holding the state lock is writable by another user.
    case insecureDirectory(path: String, reason: String)
    /// The lock file exists but is not a regular file we own.
    case insecureLockFile(path: String, reason: String)
    /// Another run held the state lock for longer than the allowed wait.
    case lockTimeout(path: String, seconds: Double)
    /// The state file exists but is not a regular file.
    case notRegularFile(path: String)

    public var description: String {
        switch self {
        case .insecureDirectory(let path, let reason): "\(path): refusing to lock state: \(reason)"
        case .insecureLockFile(let path, let reason): "\(path): refusing to lock state: \(reason)"
        case .lockTimeout(let path, let seconds): "\(path): state lock still held by another run after \(seconds) s"
        case .notRegularFile(let path): "\(path): state file is not a regular file"
        }
    }
}
