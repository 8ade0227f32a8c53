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
    /// Another run, rotatectl's or logrotate's, holds the state file's lock (`StateFileLock`).
    case stateLocked(path: String)
    /// This process, or the run that started this one (a script's), holds the state file's lock:
    /// waiting would never end.
    case nestedRun(path: String)
    /// The state file is readable by others, who could hold its lock: it is not taken (as logrotate).
    case insecureStateFile(path: String)

    public var description: String {
        switch self {
        case .insecureDirectory(let path, let reason): "\(path): refusing to lock state: \(reason)"
        case .insecureLockFile(let path, let reason): "\(path): refusing to lock state: \(reason)"
        case .lockTimeout(let path, let seconds): "\(path): state lock still held by another run after \(seconds) s"
        case .notRegularFile(let path): "\(path): state file is not a regular file"
        case .stateLocked(let path): "state file \(path) is already locked: another rotatectl or logrotate run is using it"
        case .nestedRun(let path): "state file \(path) is already locked by this run or the one that started this script"
        case .insecureStateFile(let path):
            "state file \(path) is readable by others, who could lock it: run not locked against other runs (chmod o-r to lock it)"
        }
    }
}
